"""The guild's scores as CSV (/tutor export), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterable

from bot.rules import scoring

from .base import Conn, Row, StoreBase
from .records import from_epoch


class ExportStore(StoreBase):
    """The Store's export method."""

    async def export_scores_csv(self, guild_id: int) -> str:
        """The guild's scores as CSV text, one member a line, best first (times in UTC, ISO-8601), with each
        member's display name as the bot last saw it (empty when it never did)."""

        async def work(db: Conn) -> tuple[list[Row], list[int], bool]:
            rows = list(await db.fetch(_EXPORT, {"guild": guild_id}))
            slots = [
                int(row[0])
                for row in await db.fetch(
                    "SELECT slot FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL ORDER BY slot",
                    (guild_id,),
                )
            ]
            newest = list(
                await db.fetch(
                    "SELECT closes_at > ? FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL "
                    "ORDER BY slot DESC LIMIT 1",
                    (self._now(), guild_id),
                )
            )
            return rows, slots, bool(newest and newest[0][0])

        rows, slots, newest_open = await self._read(work)
        out = io.StringIO()
        writer = SpreadsheetSafeWriter(out)
        writer.writerow(
            [
                "member_id",
                "name",
                "points",
                "answers",
                "average_score",
                "streak",
                "best_streak",
                "last_answered_at",
                "practice_points",
                "practice_answers",
                "quiz_points",
                "quizzes",
            ]
        )
        for row in rows:
            streak = 0
            if row["last_slot"] is not None:
                since = len(slots) - bisect_right(slots, row["last_slot"])
                streak = scoring.live_streak(
                    row["streak"], posts_since_last_answer=since, newest_post_open=newest_open
                )
            last = from_epoch(row["last_answered_at"])
            writer.writerow(
                [
                    row["member_id"],
                    row["name"] or "",
                    row["points"],
                    row["answers"],
                    f"{row['score_sum'] / row['answers']:.3f}" if row["answers"] else "",
                    streak,
                    row["best_streak"],
                    last.isoformat() if last else "",
                    int(row["practice_points"]),
                    row["practice_answers"],
                    int(row["quiz_points"]),
                    row["quizzes"],
                ]
            )
        return out.getvalue()


#: What a spreadsheet may read as the start of a formula (OWASP's list: = + - @, tab and carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs: ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``.

    A leading apostrophe is what Excel, LibreOffice and Google Sheets take as "this is text" (and do not
    show). Plain numbers, negative ones included, are kept as they are: they are not formulas.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SpreadsheetSafeWriter:
    """``csv.writer`` whose every cell goes through :func:`spreadsheet_safe` (names and any text included)."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])


_EXPORT = """
WITH members (member_id) AS (
    SELECT member_id FROM member_totals WHERE guild_id = :guild
    UNION SELECT member_id FROM practice_answers WHERE guild_id = :guild
    UNION SELECT member_id FROM quiz_results WHERE guild_id = :guild
),
practice AS (
    SELECT member_id, sum(points) AS points, count(*) AS answers FROM practice_answers
    WHERE guild_id = :guild GROUP BY member_id
),
quiz AS (
    SELECT member_id, sum(points) AS points, count(*) AS quizzes FROM quiz_results
    WHERE guild_id = :guild GROUP BY member_id
)
SELECT m.member_id, n.display_name AS name, coalesce(t.points, 0) AS points,
       coalesce(t.answers, 0) AS answers,
       coalesce(t.score_sum, 0) AS score_sum, coalesce(t.streak, 0) AS streak,
       coalesce(t.best_streak, 0) AS best_streak, t.last_slot, t.last_answered_at,
       coalesce(pr.points, 0) AS practice_points, coalesce(pr.answers, 0) AS practice_answers,
       coalesce(q.points, 0) AS quiz_points, coalesce(q.quizzes, 0) AS quizzes
FROM members m
LEFT JOIN member_totals t ON t.guild_id = :guild AND t.member_id = m.member_id
LEFT JOIN practice pr ON pr.member_id = m.member_id
LEFT JOIN quiz q ON q.member_id = m.member_id
LEFT JOIN member_names n ON n.guild_id = :guild AND n.member_id = m.member_id
ORDER BY points DESC, m.member_id
"""
