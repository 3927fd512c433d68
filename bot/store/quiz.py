"""Live quiz results: one row per member and quiz, their own leaderboard category."""

from __future__ import annotations

from datetime import datetime

from .base import Conn, StoreBase
from .records import to_epoch


class QuizStore(StoreBase):
    """The Store's live-quiz method."""

    async def record_quiz_result(
        self,
        guild_id: int,
        quiz_id: str,
        member_id: int,
        *,
        points: int,
        rounds: int,
        finished_at: datetime,
        deck_id: int | None = None,
    ) -> None:
        """Keep a member's result in one live quiz (its own leaderboard category); idempotent per quiz."""
        at = to_epoch(finished_at)

        async def work(db: Conn) -> None:
            await db.execute(
                "INSERT INTO quiz_results "
                "(guild_id, quiz_id, member_id, deck_id, points, rounds, finished_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, quiz_id, member_id) DO UPDATE SET "
                "points = excluded.points, rounds = excluded.rounds, finished_at = excluded.finished_at",
                (guild_id, quiz_id, member_id, deck_id, points, rounds, at),
            )

        await self._write(work)
