"""Rankings and statistics: leaderboards per period and category, a member's stats and history, a post's."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.rules import scoring

from .base import Category, Conn, Row, StoreBase
from .base import at as _at
from .errors import InvalidValue, UnknownRecord
from .posts import _POST_COLUMNS, _post
from .records import (
    HistoryEntry,
    ItemStat,
    Leaderboard,
    LeaderboardRow,
    MemberStats,
    PostStats,
    TopScorer,
    from_epoch,
    to_epoch,
)


class RankingStore(StoreBase):
    """The Store's leaderboard and statistics methods."""

    async def leaderboard(
        self,
        guild_id: int,
        period: scoring.Period,
        *,
        now: datetime,
        tz: ZoneInfo,
        deck_id: int | None = None,
        limit: int = 10,
        offset: int = 0,
        member_id: int | None = None,
        category: Category = "daily",
    ) -> Leaderboard:
        """One page of a guild's ranking for the week, month (in the guild's timezone) or all time, with
        ``member_id``'s own row even when it is not on the page, and how many members are ranked.

        Ranks are shared by ties (1, 2, 2, 4); within a tie the order is by member id, so pages are stable.
        """
        if period not in scoring.PERIODS:
            raise InvalidValue(f"unknown period {period!r}; use week, month or all")
        if limit < 1 or offset < 0:
            raise InvalidValue("limit must be >= 1 and offset >= 0")
        start, end = scoring.period_bounds(period, now, tz)
        params: dict[str, Any] = {
            "guild": guild_id,
            "deck": deck_id,
            "start": None if start is None else to_epoch(start),
            "end": None if end is None else to_epoch(end),
            "offset": offset,
            "limit": limit,
            "member": member_id,
        }
        source, from_table = _leaderboard_source(category, period, deck_id)
        # A table of totals is read through its (points DESC) index; totals summed from a period's answers
        # are computed once and then read several times.
        materialized = "NOT MATERIALIZED" if from_table else "MATERIALIZED"
        rows = await self._fetch(_RANKED.format(source=source, materialized=materialized), params)
        total, first_rank = 0, 1
        page_rows: list[Row] = []
        me: LeaderboardRow | None = None
        for row in rows:
            if row["part"] == "page":
                page_rows.append(row)
            elif row["part"] == "me":
                me = LeaderboardRow(
                    rank=int(row["rank"]),
                    member_id=row["member_id"],
                    points=int(row["points"]),
                    answers=int(row["answers"]),
                )
            elif row["part"] == "first":
                first_rank = int(row["rank"])
            else:
                total = int(row["rank"])
        page_rows.sort(key=lambda row: (-row["points"], row["member_id"]))
        page: list[LeaderboardRow] = []
        for index, row in enumerate(page_rows):
            # Ranks are shared by ties: a row ranks as the first row with its points. Down the page, that is
            # its own position when the row above has more points, else the rank of the row above.
            if not page:
                rank = first_rank
            elif row["points"] == page[-1].points:
                rank = page[-1].rank
            else:
                rank = offset + index + 1
            page.append(LeaderboardRow(rank, row["member_id"], int(row["points"]), int(row["answers"])))
        return Leaderboard(rows=tuple(page), total=total, me=me, start=start, end=end)

    async def member_stats(self, guild_id: int, member_id: int, now: datetime) -> MemberStats | None:
        """A member's daily totals, all-time rank and live streak in a guild; None if they never answered."""
        rows = await self._fetch(
            _MEMBER_STATS, {"guild": guild_id, "member": member_id, "now": to_epoch(now)}
        )
        if not rows:
            return None
        row = rows[0]
        streak = scoring.live_streak(
            row["streak"],
            posts_since_last_answer=row["posts_since"],
            newest_post_open=bool(row["newest_open"]),
        )
        return MemberStats(
            guild_id=guild_id,
            member_id=member_id,
            points=row["points"],
            answers=row["answers"],
            average_score=row["score_sum"] / row["answers"] if row["answers"] else 0.0,
            streak=streak,
            best_streak=row["best_streak"],
            rank=row["rank"],
            ranked=row["ranked"],
            last_answered_at=from_epoch(row["last_answered_at"]),
        )

    async def member_history(self, guild_id: int, member_id: int, limit: int = 30) -> list[HistoryEntry]:
        """A member's daily answers in a guild, newest first."""
        rows = await self._fetch(
            "SELECT a.post_id, p.slot, p.card_id, c.question, a.score, a.points, a.matched, a.answered_at "
            "FROM answers a JOIN posts p ON p.id = a.post_id LEFT JOIN cards c ON c.id = p.card_id "
            "WHERE a.guild_id = ? AND a.member_id = ? ORDER BY a.answered_at DESC, a.id DESC LIMIT ?",
            (guild_id, member_id, limit),
        )
        return [
            HistoryEntry(
                post_id=row["post_id"],
                slot=_at(row["slot"]),
                card_id=row["card_id"],
                question=row["question"],
                score=row["score"],
                points=row["points"],
                matched=tuple(json.loads(row["matched"])),
                answered_at=_at(row["answered_at"]),
            )
            for row in rows
        ]

    async def post_stats(self, post_id: int, top: int = 3) -> PostStats:
        """Participants, average score, hit rate of each item (what the class forgets), top scorers."""

        async def work(db: Conn) -> PostStats:
            posts = list(await db.fetch(f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,)))
            if not posts:
                raise UnknownRecord(f"post {post_id} does not exist")
            post = _post(posts[0])
            summary = next(
                iter(
                    await db.fetch(
                        "SELECT count(*), coalesce(avg(score), 0) FROM answers WHERE post_id = ?", (post_id,)
                    )
                )
            )
            participants, average = int(summary[0]), float(summary[1])
            hits = {
                int(row[0]): int(row[1])
                for row in await db.fetch(
                    "SELECT CAST(j.value AS INTEGER), count(*) FROM answers a, json_each(a.matched) j "
                    "WHERE a.post_id = ? GROUP BY 1",
                    (post_id,),
                )
            }
            item_count = 0
            if post.card_id is not None:
                counted = next(
                    iter(await db.fetch("SELECT count(*) FROM items WHERE card_id = ?", (post.card_id,)))
                )
                item_count = int(counted[0])
            # A card removed with its deck: show the items someone was credited for.
            item_count = max(item_count, max(hits, default=-1) + 1)
            scorers = await db.fetch(
                "SELECT member_id, score, points, answered_at FROM answers WHERE post_id = ? "
                "ORDER BY score DESC, answered_at, id LIMIT ?",
                (post_id, top),
            )
            return PostStats(
                post=post,
                participants=participants,
                average_score=average,
                items=tuple(
                    ItemStat(
                        position=index,
                        hits=hits.get(index, 0),
                        rate=hits.get(index, 0) / participants if participants else 0.0,
                    )
                    for index in range(item_count)
                ),
                top=tuple(
                    TopScorer(
                        member_id=row["member_id"],
                        score=row["score"],
                        points=row["points"],
                        answered_at=_at(row["answered_at"]),
                    )
                    for row in scorers
                ),
            )

        return await self._read(work)


# The page, the caller's row with its rank, the rank of the page's first row and the number of ranked members,
# told apart by ``part``; ranks inside the page follow from the first one (see leaderboard). Counting members
# with more points is cheap with the totals tables' (points DESC) indexes, and on a materialized period sum.
_RANKED = """
WITH totals (member_id, points, answers) AS {materialized} ({source}),
page AS (
    SELECT member_id, points, answers FROM totals
    ORDER BY points DESC, member_id LIMIT :limit OFFSET :offset
)
SELECT 'page' AS part, member_id, points, answers, NULL AS rank FROM page
UNION ALL
SELECT 'me', member_id, points, answers, (SELECT count(*) FROM totals t WHERE t.points > me.points) + 1
FROM totals me WHERE me.member_id = :member
UNION ALL
SELECT 'first', NULL, NULL, NULL,
       (SELECT count(*) FROM totals t WHERE t.points > (SELECT max(points) FROM page)) + 1
UNION ALL
SELECT 'total', NULL, NULL, NULL, (SELECT count(*) FROM totals)
"""

_PERIOD = "AND {time} >= :start AND {time} < :end"


def _leaderboard_source(category: Category, period: scoring.Period, deck_id: int | None) -> tuple[str, bool]:
    """The (member_id, points, answers) rows to rank, and whether they are read straight from a totals table.

    The SQL text is made of fixed pieces only; every value is a bound parameter.
    """
    deck = "" if deck_id is None else "AND deck_id = :deck"
    if category == "daily":
        if period == "all":
            if deck_id is None:
                return "SELECT member_id, points, answers FROM member_totals WHERE guild_id = :guild", True
            return (
                "SELECT member_id, points, answers FROM deck_totals "
                "WHERE guild_id = :guild AND deck_id = :deck",
                True,
            )
        when = _PERIOD.format(time="answered_at")
        return (
            f"SELECT member_id, sum(points), count(*) FROM answers WHERE guild_id = :guild {deck} {when} "
            "GROUP BY member_id",
            False,
        )
    if category == "practice":
        table, time = "practice_answers", "answered_at"
    elif category == "quiz":
        table, time = "quiz_results", "finished_at"
    else:
        raise InvalidValue(f"unknown leaderboard category {category!r}; use daily, practice or quiz")
    when = "" if period == "all" else _PERIOD.format(time=time)
    return (
        f"SELECT member_id, sum(points), count(*) FROM {table} WHERE guild_id = :guild {deck} {when} "
        "GROUP BY member_id",
        False,
    )


_MEMBER_STATS = """
SELECT t.points, t.answers, t.score_sum, t.streak, t.best_streak, t.last_answered_at,
       (SELECT count(*) FROM member_totals u
         WHERE u.guild_id = t.guild_id AND u.points > t.points) + 1 AS rank,
       (SELECT count(*) FROM member_totals u WHERE u.guild_id = t.guild_id) AS ranked,
       (SELECT count(*) FROM posts p
         WHERE p.guild_id = t.guild_id AND p.posted_at IS NOT NULL AND p.slot > t.last_slot) AS posts_since,
       coalesce((SELECT p.closes_at > :now FROM posts p
                  WHERE p.guild_id = t.guild_id AND p.posted_at IS NOT NULL
                  ORDER BY p.slot DESC LIMIT 1), FALSE) AS newest_open
FROM member_totals t WHERE t.guild_id = :guild AND t.member_id = :member
"""
