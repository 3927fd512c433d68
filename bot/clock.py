"""The bot's one notion of now: a ``Clock`` returns an aware datetime (UTC inside the bot).

Every service takes a clock so tests drive time; the real one is :func:`utc_now`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def checked_now(clock: Clock) -> datetime:
    """``clock()``, refusing a naive datetime: a clock that loses the time zone is a bug, not a guess."""
    now = clock()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"the clock must return timezone-aware datetimes, got {now!r}")
    return now
