"""The one test clock: an aware datetime the test moves (``set``, ``advance``, ``at`` seconds after start)."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the test clock is aware, like the bot's")
        self.start = now
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def at(self, seconds: float) -> None:
        """Move to ``seconds`` after the clock's start."""
        self.now = self.start + timedelta(seconds=seconds)
