"""Practice: spaced-repetition reviews per member and card, practice points, saved practice sessions."""

from __future__ import annotations

import json
from datetime import datetime

from bot.rules import scoring

from .base import Conn, Row, StoreBase
from .base import at as _at
from .errors import UnknownRecord
from .records import PracticeSession, Review, to_epoch


class PracticeStore(StoreBase):
    """The Store's practice methods."""

    async def get_review(self, member_id: int, card_id: int) -> Review | None:
        rows = await self._fetch(
            "SELECT * FROM reviews WHERE member_id = ? AND card_id = ?", (member_id, card_id)
        )
        return _review(rows[0]) if rows else None

    async def deck_reviews(self, member_id: int, deck_id: int) -> list[Review]:
        """The member's review state for every current card of the deck they practised, soonest due first."""
        rows = await self._fetch(
            "SELECT r.* FROM reviews r JOIN cards c ON c.id = r.card_id "
            "WHERE r.member_id = ? AND c.deck_id = ? AND c.position IS NOT NULL ORDER BY r.due, r.card_id",
            (member_id, deck_id),
        )
        return [_review(row) for row in rows]

    async def due_reviews(self, member_id: int, deck_id: int, now: datetime, limit: int = 20) -> list[Review]:
        """Reviews due at ``now`` for the deck's current cards, most overdue first."""
        rows = await self._fetch(
            "SELECT r.* FROM reviews r JOIN cards c ON c.id = r.card_id "
            "WHERE r.member_id = ? AND c.deck_id = ? AND c.position IS NOT NULL AND r.due <= ? "
            "ORDER BY r.due, r.card_id LIMIT ?",
            (member_id, deck_id, to_epoch(now), limit),
        )
        return [_review(row) for row in rows]

    async def recent_mistakes(
        self, guild_id: int | None, member_id: int, deck_id: int, limit: int = 25
    ) -> list[int]:
        """Current cards of the deck the member got wrong (missed an item) the last time they answered them,
        in practice or in the daily question of this guild: card ids, the most recent mistake first."""
        rows = await self._fetch(
            _RECENT_MISTAKES, {"guild": guild_id, "member": member_id, "deck": deck_id, "limit": limit}
        )
        return [int(row[0]) for row in rows]

    async def record_practice(
        self,
        guild_id: int | None,
        member_id: int,
        card_id: int,
        *,
        state: str,
        due: datetime,
        score: float,
        answered_at: datetime,
        points: int | None = None,
    ) -> int:
        """Save a practice answer: the card's new spaced-repetition state and the practice points (kept
        apart from the daily ones), in one transaction. Returns the member's practice points in the guild."""
        json.loads(state)  # refuse a state that is not JSON before it is stored
        earned = scoring.points_for(score) if points is None else points
        at, due_at = to_epoch(answered_at), to_epoch(due)

        async def work(db: Conn) -> int:
            cards = list(await db.fetch("SELECT deck_id FROM cards WHERE id = ?", (card_id,)))
            if not cards:
                raise UnknownRecord(f"card {card_id} does not exist")
            await db.execute(
                "INSERT INTO reviews (member_id, card_id, guild_id, state, due, reviews, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (member_id, card_id) DO UPDATE SET "
                "guild_id = excluded.guild_id, state = excluded.state, due = excluded.due, "
                "reviews = reviews.reviews + 1, updated_at = excluded.updated_at",
                (member_id, card_id, guild_id, state, due_at, at),
            )
            await db.execute(
                "INSERT INTO practice_answers "
                "(guild_id, member_id, deck_id, card_id, score, points, answered_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, member_id, cards[0][0], card_id, score, earned, at),
            )
            total = next(
                iter(
                    await db.fetch(
                        "SELECT coalesce(sum(points), 0) FROM practice_answers "
                        "WHERE guild_id IS NOT DISTINCT FROM ? AND member_id = ?",
                        (guild_id, member_id),
                    )
                )
            )
            return int(total[0])

        return await self._write(work)

    async def practice_totals(self, guild_id: int | None, member_id: int) -> tuple[int, int]:
        """(practice points, practice answers) of a member in a guild (None: direct messages)."""
        rows = await self._fetch(
            "SELECT coalesce(sum(points), 0), count(*) FROM practice_answers "
            "WHERE guild_id IS NOT DISTINCT FROM ? AND member_id = ?",
            (guild_id, member_id),
        )
        return int(rows[0][0]), int(rows[0][1])

    async def save_practice_session(
        self, guild_id: int | None, member_id: int, state: str, *, expires_at: datetime
    ) -> None:
        """Keep a member's practice session (JSON of the practice feature) so it survives a restart."""
        json.loads(state)
        now, expires = self._now(), to_epoch(expires_at)

        async def work(db: Conn) -> None:
            await db.execute(
                "DELETE FROM practice_sessions "
                "WHERE coalesce(guild_id, 0) = coalesce(CAST(? AS BIGINT), 0) AND member_id = ?",
                (guild_id, member_id),
            )
            await db.execute(
                "INSERT INTO practice_sessions (guild_id, member_id, state, updated_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (guild_id, member_id, state, now, expires),
            )

        await self._write(work)

    async def load_practice_session(self, guild_id: int | None, member_id: int) -> PracticeSession | None:
        """The member's saved session, expired or not (compare ``expires_at`` to say it expired)."""
        rows = await self._fetch(
            "SELECT * FROM practice_sessions "
            "WHERE coalesce(guild_id, 0) = coalesce(CAST(? AS BIGINT), 0) AND member_id = ?",
            (guild_id, member_id),
        )
        if not rows:
            return None
        row = rows[0]
        return PracticeSession(
            guild_id=row["guild_id"],
            member_id=row["member_id"],
            state=row["state"],
            updated_at=_at(row["updated_at"]),
            expires_at=_at(row["expires_at"]),
        )

    async def delete_practice_session(self, guild_id: int | None, member_id: int) -> None:
        async def work(db: Conn) -> None:
            await db.execute(
                "DELETE FROM practice_sessions "
                "WHERE coalesce(guild_id, 0) = coalesce(CAST(? AS BIGINT), 0) AND member_id = ?",
                (guild_id, member_id),
            )

        await self._write(work)


# The latest attempt at each card (practice in this guild, or the guild's daily question), kept when it
# missed something; ties at the same second count as a mistake if either was one.
_RECENT_MISTAKES = """
WITH attempts (card_id, score, at) AS (
    SELECT card_id, score, answered_at FROM practice_answers
    WHERE guild_id IS NOT DISTINCT FROM CAST(:guild AS BIGINT) AND member_id = :member AND deck_id = :deck
      AND card_id IS NOT NULL
    UNION ALL
    SELECT p.card_id, a.score, a.answered_at FROM answers a JOIN posts p ON p.id = a.post_id
    WHERE a.guild_id = CAST(:guild AS BIGINT) AND a.member_id = :member AND a.deck_id = :deck
      AND p.card_id IS NOT NULL
),
latest (card_id, at) AS (SELECT card_id, max(at) FROM attempts GROUP BY card_id)
SELECT l.card_id, l.at FROM latest l
JOIN attempts t ON t.card_id = l.card_id AND t.at = l.at
JOIN cards c ON c.id = l.card_id AND c.position IS NOT NULL
GROUP BY l.card_id, l.at
HAVING min(t.score) < 1
ORDER BY l.at DESC, l.card_id
LIMIT :limit
"""


def _review(row: Row) -> Review:
    return Review(
        member_id=row["member_id"],
        card_id=row["card_id"],
        guild_id=row["guild_id"],
        state=row["state"],
        due=_at(row["due"]),
        reviews=row["reviews"],
        updated_at=_at(row["updated_at"]),
    )
