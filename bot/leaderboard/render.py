"""What /leaderboard and /rank say: medals, rows, pages, the caller's own line, rank fields, the whole page.

Pure functions of store records, the language, the guild's timezone (for dates), members' display names
(``names``: member id → name, neutral values shown through ``markup.text``, escaped and never pinging; a
mention would show as a raw id to a reader whose client has not loaded that member) and a
:class:`bot.content.Markup`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content import PLAIN, Content, Field, Image, Markup
from bot.i18n import format_number, format_percent, starts_with_vowel, t, tn
from bot.rules.scoring import PERIODS, Category, Period
from bot.store import Leaderboard, LeaderboardRow, MemberStats

from .results import BoardPage, BoardRequest, RankCard
from .rules import PAGE_SIZE, page_count

_MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


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


def category_label(category: Category, lang: str) -> str:
    return t(f"leaderboard.category.{category}", lang)


def title(period: Period, lang: str, deck: str | None = None, category: Category = "daily") -> str:
    """``Leaderboard — This week`` (``— deck`` when restricted to one deck; pass the name escaped); the
    practice and quiz leaderboards say which they are: ``Leaderboard — Practice — This week``."""
    if category != "daily":
        values = {"category": category_label(category, lang), "period": period_label(period, lang)}
        if deck is None:
            return t("leaderboard.title_category", lang, **values)
        return t("leaderboard.title_category_deck", lang, deck=deck, **values)
    if deck is None:
        return t("leaderboard.title", lang, period=period_label(period, lang))
    return t("leaderboard.title_deck", lang, period=period_label(period, lang), deck=deck)


def member_name(member_id: int, names: Mapping[int, str], lang: str, markup: Markup = PLAIN) -> str:
    """A member as the class sees them: their display name escaped, or "a former member" when unknown."""
    name = names.get(member_id)
    return markup.text(name, 100) if name else t("leaderboard.unknown_member", lang)


def points_text(points: int, lang: str) -> str:
    return tn("common.points", points, lang, count=format_number(points, lang))


def row_lines(
    rows: Sequence[LeaderboardRow],
    lang: str,
    markup: Markup = PLAIN,
    *,
    highlight: int | None = None,
    names: Mapping[int, str] | None = None,
    category: Category = "daily",
) -> list[str]:
    """A line per row: medal or rank, the member's name, points and answers (quizzes played, for the quiz
    leaderboard); the ``highlight`` member underlined."""
    counted = "leaderboard.quizzes" if category == "quiz" else "leaderboard.answers"
    lines = []
    for row in rows:
        line = t(
            "leaderboard.row",
            lang,
            medal=medal(row.rank),
            member=member_name(row.member_id, names or {}, lang, markup),
            points=points_text(row.points, lang),
            answers=tn(counted, row.answers, lang, count=format_number(row.answers, lang)),
        )
        # Underlined rather than bold: the medal or rank already uses bold, and bold cannot nest.
        lines.append(f"__{line}__" if row.member_id == highlight else line)
    return lines


def caller_line(
    board: Leaderboard,
    member_id: int,
    lang: str,
    markup: Markup = PLAIN,
    names: Mapping[int, str] | None = None,
) -> str:
    """The caller's own rank and points, shown under every page (also when they are outside the top)."""
    me = board.me
    member = member_name(member_id, names or {}, lang, markup)
    if me is None:
        return t("leaderboard.caller_unranked", lang, member=member)
    return t(
        "leaderboard.caller",
        lang,
        member=member,
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


def chart_caption(count: int, lang: str) -> str:
    return tn("leaderboard.rank.chart_caption", count, lang, count=format_number(count, lang))


def member_ids(shown: BoardPage) -> tuple[int, ...]:
    """The members a page names: its rows and the caller."""
    return (*(row.member_id for row in shown.board.rows), shown.request.caller_id)


def page(
    shown: BoardPage, lang: str, markup: Markup = PLAIN, names: Mapping[int, str] | None = None
) -> Content:
    """A leaderboard page: the rows, the caller's own line, the period's dates and the page number."""
    request, board = shown.request, shown.board
    deck = markup.text(request.deck.name, 100) if request.deck is not None else None
    lines = row_lines(
        board.rows, lang, markup, highlight=request.caller_id, names=names, category=request.category
    )
    description = "\n".join([*lines, "", caller_line(board, request.caller_id, lang, markup, names)])
    span = period_range(board, request.tz, lang)
    pages = footer(shown.page, board.total, lang)
    return Content(
        title=title(request.period, lang, deck, request.category),
        description=description,
        footer=f"{span} · {pages}" if span else pages,
        kind="leaderboard",
    ).clipped()


def empty(request: BoardRequest, lang: str, markup: Markup = PLAIN) -> str:
    if request.deck is not None:
        return t("leaderboard.empty_deck", lang, deck=markup.text(request.deck.name, 100))
    if request.category != "daily":
        return t(f"leaderboard.empty_{request.category}", lang)
    return t("leaderboard.empty", lang)


def never_answered(
    member_id: int, *, is_caller: bool, lang: str, markup: Markup = PLAIN, name: str | None = None
) -> str:
    if is_caller:
        return t("leaderboard.rank.never_self", lang)
    shown = member_name(member_id, {member_id: name} if name else {}, lang, markup)
    return t("leaderboard.rank.never_other", lang, member=shown)


def rank(card: RankCard, name: str, lang: str, markup: Markup = PLAIN) -> Content:
    """/rank: points, rank, answers, average, streaks, the last answer and the chart of recent scores."""
    stats = card.stats
    fields = [Field(label, value, inline=True) for label, value in rank_fields(stats, lang)]
    if stats.last_answered_at is not None:
        fields.append(
            Field(
                t("leaderboard.rank.last_answer_label", lang),
                markup.time(stats.last_answered_at, "R"),
                inline=True,
            )
        )
    return Content(
        title=t(
            "leaderboard.rank.title_of_vowel" if starts_with_vowel(name) else "leaderboard.rank.title_of",
            lang,
            member=markup.text(name, 100),
        ),
        description=chart_caption(len(card.history), lang),
        fields=tuple(fields),
        kind="leaderboard",
        image=Image(card.chart_png, "rank.png"),
    ).clipped()
