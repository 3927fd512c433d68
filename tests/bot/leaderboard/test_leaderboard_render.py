"""The leaderboard and /rank texts: medals, pages, the caller's own line, rank fields, both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import NBSP
from bot.leaderboard import render as lb
from bot.leaderboard import rules
from bot.leaderboard.results import RankCard
from bot.store import HistoryEntry, Leaderboard, LeaderboardRow, MemberStats
from tests.support import MARK


def board(rows: list[LeaderboardRow], *, total: int, me: LeaderboardRow | None = None) -> Leaderboard:
    return Leaderboard(rows=tuple(rows), total=total, me=me, start=None, end=None)


NAMES = {10: "Alice", 11: "Bob", 12: "Carol", 13: "Zoé", 99: "Me"}


def test_medals_for_the_first_three_ranks_ties_included():
    assert [lb.medal(rank) for rank in (1, 2, 3, 4, 11)] == ["🥇", "🥈", "🥉", "**4.**", "**11.**"]
    rows = [LeaderboardRow(1, 10, 50, 5), LeaderboardRow(1, 11, 50, 6), LeaderboardRow(3, 12, 40, 4)]
    lines = lb.row_lines(rows, "en", MARK, highlight=12, names=NAMES)
    assert lines[0] == "🥇 [Alice] — 50 points · 5 answers"  # a display name, escaped: never a mention
    assert lines[1].startswith("🥇 [Bob]")
    assert lines[2] == "__🥉 [Carol] — 40 points · 4 answers__"  # the caller stands out
    assert lb.row_lines([LeaderboardRow(4, 13, 1, 1)], "fr", MARK, names=NAMES) == [
        "**4.** [Zoé] — 1 point · 1 réponse"
    ]
    assert lb.row_lines([LeaderboardRow(4, 13, 1500, 2)], "fr", MARK, names=NAMES) == [
        f"**4.** [Zoé] — 1{NBSP}500 points · 2 réponses"
    ]
    # A member whose name the bot cannot learn (they left the server); quizzes are counted as quizzes.
    assert lb.row_lines([LeaderboardRow(2, 77, 30, 1)], "en", MARK, category="quiz") == [
        "🥈 a former member — 30 points · 1 quiz"
    ]
    assert lb.row_lines([LeaderboardRow(2, 77, 30, 3)], "fr", MARK, category="quiz") == [
        "🥈 un ancien membre — 30 points · 3 quiz"
    ]


def test_pages():
    assert [rules.page_count(n) for n in (0, 1, 10, 11, 25)] == [1, 1, 1, 2, 3]
    assert rules.offset_of(0, 25) == (0, 0)
    assert rules.offset_of(2, 25) == (2, 20)
    assert rules.offset_of(7, 25) == (2, 20)  # past the end: the last page
    assert rules.offset_of(-1, 25) == (0, 0)
    assert lb.footer(1, 25, "en") == "Page 2/3 · 25 members ranked"
    assert lb.footer(0, 1, "fr") == "Page 1/1 · 1 membre classé"


def test_the_callers_line_inside_or_outside_the_page():
    me = LeaderboardRow(14, 99, 12, 3)
    assert (
        lb.caller_line(board([], total=25, me=me), 99, "en", MARK, NAMES)
        == "[Me]: rank **14** of 25 — 12 points"
    )
    assert (
        lb.caller_line(board([], total=25, me=me), 99, "fr", MARK, NAMES)
        == f"[Me]{NBSP}: rang **14** sur 25 — 12 points"
    )
    assert (
        lb.caller_line(board([], total=25), 99, "en", MARK, NAMES)
        == "[Me] has no points for this period yet."
    )


def test_titles_and_period_ranges_in_the_guilds_timezone():
    assert lb.title("week", "en") == "Leaderboard — This week"
    assert lb.title("all", "fr", deck="cours-2") == "Classement — Depuis le début — cours-2"
    with pytest.raises(ValueError, match="unknown period"):
        lb.period_label("year", "en")  # type: ignore[arg-type]
    tz = ZoneInfo("America/Montreal")
    week = Leaderboard(
        rows=(),
        total=0,
        me=None,
        start=datetime(2024, 3, 4, 5, 0, tzinfo=UTC),  # Monday 00:00 in Montreal
        end=datetime(2024, 3, 11, 4, 0, tzinfo=UTC),  # next Monday 00:00 (after the DST change)
    )
    assert lb.period_range(week, tz, "en") == "From 03/04 to 03/10"
    assert lb.period_range(week, tz, "fr") == "Du 04/03 au 10/03"
    assert lb.period_range(board([], total=0), tz, "en") is None


def test_rank_fields_and_chart_points():
    stats = MemberStats(
        guild_id=1,
        member_id=2,
        points=1234,
        answers=7,
        average_score=5 / 6,
        streak=1,
        best_streak=4,
        rank=3,
        ranked=12,
        last_answered_at=None,
    )
    assert lb.rank_fields(stats, "en") == [
        ("Points", "1,234"),
        ("Rank", "#3 of 12"),
        ("Answers", "7"),
        ("Average score", "83%"),
        ("Current streak", "1 question in a row"),
        ("Best streak", "4 questions in a row"),
    ]
    fields = dict(lb.rank_fields(stats, "fr"))
    assert fields["Rang"] == "3 sur 12"
    assert fields["Score moyen"] == f"83{NBSP}%"
    assert fields["Meilleure série"] == "4 questions d'affilée"

    older = datetime(2024, 3, 4, tzinfo=UTC)
    newer = datetime(2024, 3, 5, tzinfo=UTC)
    history = [
        HistoryEntry(2, newer, 1, "Q", 0.5, 5, (0,), newer),
        HistoryEntry(1, older, 1, "Q", 1.0, 10, (0, 1), older),
    ]
    assert rules.score_points(history) == [(older, 1.0), (newer, 0.5)]
    assert lb.chart_caption(1, "en") == "The chart shows the score of the last answer."
    assert lb.chart_caption(8, "fr") == "Le graphique montre les scores des 8 dernières réponses."


@pytest.mark.parametrize(
    ("name", "lang", "title"),
    [
        ("Alice", "fr", "Rang d'Alice"),
        ("Émile", "fr", "Rang d'Émile"),
        ("Bob", "fr", "Rang de Bob"),
        ("Hugo", "fr", "Rang de Hugo"),  # an h may be aspirated: never elided
        ("Alice", "en", "Alice's rank"),
        ("Bob", "en", "Bob's rank"),
    ],
)
def test_the_rank_title_elides_and_uses_the_possessive(name: str, lang: str, title: str) -> None:
    stats = MemberStats(
        guild_id=1,
        member_id=2,
        points=10,
        answers=1,
        average_score=1.0,
        streak=1,
        best_streak=1,
        rank=1,
        ranked=1,
        last_answered_at=None,
    )
    card = RankCard(stats=stats, history=(), tz=ZoneInfo("UTC"), chart_png=b"png")
    assert lb.rank(card, name, lang).title == title
