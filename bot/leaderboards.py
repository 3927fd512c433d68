"""Discord-free glue for /leaderboard and /rank: medals, rows, pages, the caller's own line, rank fields.

The cog turns these strings into embeds; everything here is a pure function of store records, the
language and (for dates) the guild's timezone, so it is tested without Discord.

Members are written as ``<@id>`` mentions: inside an embed Discord shows the member's name and notifies no
one, and the bot needs no member list (no privileged intent) to name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .i18n import format_number, format_percent, t, tn
from .scoring import PERIODS, Period
from .store import HistoryEntry, Leaderboard, LeaderboardRow, MemberStats

__all__ = [
    "PAGE_SIZE",
    "caller_line",
    "chart_caption",
    "footer",
    "in_a_row",
    "medal",
    "mention",
    "offset_of",
    "page_count",
    "period_label",
    "period_range",
    "points_text",
    "rank_fields",
    "row_lines",
    "score_points",
    "title",
]

#: Rows on one page of the leaderboard.
PAGE_SIZE = 10
_MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def mention(member_id: int) -> str:
    return f"<@{member_id}>"


def medal(rank: int) -> str:
    """🥇🥈🥉 for the first three ranks (ties share them), else the rank in bold."""
    return _MEDALS.get(rank, f"**{rank}.**")


def period_label(period: Period, lang: str) -> str:
    if period == "week":
        return t("leaderboard.period.week", lang)
    if period == "month":
        return t("leaderboard.period.month", lang)
    if period == "all":
        return t("leaderboard.period.all", lang)
    raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")


def title(period: Period, lang: str, deck: str | None = None) -> str:
    """``Leaderboard — This week`` (``— deck`` when restricted to one deck; pass the name escaped)."""
    if deck is None:
        return t("leaderboard.title", lang, period=period_label(period, lang))
    return t("leaderboard.title_deck", lang, period=period_label(period, lang), deck=deck)


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for ``total`` ranked members; at least one."""
    return max(1, -(-total // size))


def offset_of(page: int, total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """(page, offset) for a 0-based page, clamped to the pages that exist."""
    page = min(max(page, 0), page_count(total, size) - 1)
    return page, page * size


def points_text(points: int, lang: str) -> str:
    return tn("common.points", points, lang, count=format_number(points, lang))


def row_lines(rows: Sequence[LeaderboardRow], lang: str, *, highlight: int | None = None) -> list[str]:
    """A line per row: medal or rank, the member, points and answers; the ``highlight`` member underlined."""
    lines = []
    for row in rows:
        line = t(
            "leaderboard.row",
            lang,
            medal=medal(row.rank),
            member=mention(row.member_id),
            points=points_text(row.points, lang),
            answers=tn("leaderboard.answers", row.answers, lang, count=format_number(row.answers, lang)),
        )
        # Underlined rather than bold: the medal or rank already uses bold, and bold cannot nest.
        lines.append(f"__{line}__" if row.member_id == highlight else line)
    return lines


def caller_line(board: Leaderboard, member_id: int, lang: str) -> str:
    """The caller's own rank and points, shown under every page (also when they are outside the top)."""
    me = board.me
    if me is None:
        return t("leaderboard.caller_unranked", lang, member=mention(member_id))
    return t(
        "leaderboard.caller",
        lang,
        member=mention(member_id),
        rank=format_number(me.rank, lang),
        total=format_number(board.total, lang),
        points=points_text(me.points, lang),
    )


def footer(page: int, total: int, lang: str, size: int = PAGE_SIZE) -> str:
    """``Page 2/3 · 25 members ranked`` for a 0-based ``page``."""
    return t(
        "leaderboard.footer",
        lang,
        page=page + 1,
        pages=page_count(total, size),
        members=tn("leaderboard.members", total, lang, count=format_number(total, lang)),
    )


def _local_date(moment: datetime, tz: ZoneInfo, lang: str) -> str:
    local = moment.astimezone(tz)
    return t("leaderboard.chart.date", lang, month=f"{local.month:02d}", day=f"{local.day:02d}")


def period_range(board: Leaderboard, tz: ZoneInfo, lang: str) -> str | None:
    """``From 03/04 to 03/10``: the period's first and last local days (None for all time)."""
    if board.start is None or board.end is None:
        return None
    # ``end`` is the first instant of the next period: its previous instant is on the period's last day.
    last = board.end - timedelta(seconds=1)
    return t(
        "leaderboard.range", lang, start=_local_date(board.start, tz, lang), end=_local_date(last, tz, lang)
    )


def in_a_row(count: int, lang: str) -> str:
    return tn("leaderboard.rank.in_a_row", count, lang, count=format_number(count, lang))


def rank_fields(stats: MemberStats, lang: str) -> list[tuple[str, str]]:
    """(label, value) pairs for /rank: points, rank, answers, average score, current and best streak."""
    return [
        (t("common.points_label", lang), format_number(stats.points, lang)),
        (
            t("leaderboard.rank.rank_label", lang),
            t(
                "leaderboard.rank.rank_value",
                lang,
                rank=format_number(stats.rank, lang),
                total=format_number(stats.ranked, lang),
            ),
        ),
        (t("leaderboard.rank.answers_label", lang), format_number(stats.answers, lang)),
        (t("leaderboard.rank.average_label", lang), format_percent(stats.average_score, lang)),
        (t("leaderboard.rank.streak_label", lang), in_a_row(stats.streak, lang)),
        (t("leaderboard.rank.best_streak_label", lang), in_a_row(stats.best_streak, lang)),
    ]


def score_points(history: Sequence[HistoryEntry]) -> list[tuple[datetime, float]]:
    """A member's history (newest first, as the store gives it) as chart points, oldest first."""
    return [(entry.answered_at, entry.score) for entry in reversed(history)]


def chart_caption(count: int, lang: str) -> str:
    return tn("leaderboard.rank.chart_caption", count, lang, count=format_number(count, lang))
