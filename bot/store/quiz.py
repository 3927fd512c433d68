"""Live quiz results: one row per member and quiz, their own leaderboard category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .base import Conn, StoreBase
from .records import to_epoch

#: The member id of the row every closed round gets, answered or not (the quiz is then known as played).
_ROUND_MARK = 0


@dataclass(frozen=True, slots=True)
class QuizResultRow:
    member_id: int
    points: int
    rounds: int


@dataclass(frozen=True, slots=True)
class UnfinishedQuiz:
    """A quiz whose rounds were recorded as they closed but whose results never were (the bot was killed)."""

    guild_id: int
    quiz_id: str
    channel_id: int
    deck_id: int | None
    rounds: int  # rounds played
    results: tuple[QuizResultRow, ...]  # best first


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

    async def record_quiz_round(
        self,
        guild_id: int,
        quiz_id: str,
        round_number: int,
        *,
        channel_id: int,
        points: Mapping[int, int],
        closed_at: datetime,
        deck_id: int | None = None,
    ) -> None:
        """Keep a round's points as it closes: a quiz cut short by a crash keeps the rounds it played."""
        at = to_epoch(closed_at)
        rows = [
            (guild_id, quiz_id, round_number, channel_id, deck_id, member_id, member_points, at)
            for member_id, member_points in {_ROUND_MARK: 0, **points}.items()
        ]

        async def work(db: Conn) -> None:
            await db.executemany(
                "INSERT INTO quiz_rounds "
                "(guild_id, quiz_id, round, channel_id, deck_id, member_id, points, closed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, quiz_id, round, member_id) DO NOTHING",
                rows,
            )

        await self._write(work)

    async def record_quiz_results(
        self,
        guild_id: int,
        quiz_id: str,
        results: Sequence[QuizResultRow],
        *,
        finished_at: datetime,
        deck_id: int | None = None,
    ) -> None:
        """Every participant's result in one transaction, and the quiz's recorded rounds let go."""
        at = to_epoch(finished_at)

        async def work(db: Conn) -> None:
            await db.executemany(
                "INSERT INTO quiz_results "
                "(guild_id, quiz_id, member_id, deck_id, points, rounds, finished_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, quiz_id, member_id) DO UPDATE SET "
                "points = excluded.points, rounds = excluded.rounds, finished_at = excluded.finished_at",
                [(guild_id, quiz_id, r.member_id, deck_id, r.points, r.rounds, at) for r in results],
            )
            await db.execute(
                "DELETE FROM quiz_rounds WHERE guild_id = ? AND quiz_id = ?", (guild_id, quiz_id)
            )

        await self._write(work)

    async def unfinished_quizzes(self) -> list[UnfinishedQuiz]:
        """Quizzes with recorded rounds and no results: cut short by a crash."""
        rows = await self._fetch(
            "SELECT guild_id, quiz_id, channel_id, deck_id, member_id, sum(points) AS points, "
            "count(*) AS rounds, max(round) AS played FROM quiz_rounds "
            "GROUP BY guild_id, quiz_id, channel_id, deck_id, member_id ORDER BY guild_id, quiz_id"
        )
        quizzes: dict[tuple[int, str], tuple[int, int | None]] = {}
        played: dict[tuple[int, str], int] = {}
        results: dict[tuple[int, str], list[QuizResultRow]] = {}
        for row in rows:
            key = (int(row["guild_id"]), str(row["quiz_id"]))
            quizzes.setdefault(key, (int(row["channel_id"]), row["deck_id"]))
            played[key] = max(played.get(key, 0), int(row["played"]))
            if int(row["member_id"]) != _ROUND_MARK:
                member = QuizResultRow(int(row["member_id"]), int(row["points"]), int(row["rounds"]))
                results.setdefault(key, []).append(member)
        return [
            UnfinishedQuiz(
                guild_id,
                quiz_id,
                channel_id,
                deck_id,
                played[(guild_id, quiz_id)],
                tuple(sorted(results.get((guild_id, quiz_id), ()), key=lambda r: (-r.points, r.member_id))),
            )
            for (guild_id, quiz_id), (channel_id, deck_id) in quizzes.items()
        ]
