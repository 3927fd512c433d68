"""Leaderboards: pages with the caller's own rank, ties, week and month edges in the guild's timezone, decks,
and the practice and quiz categories kept apart from the daily competition."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from store_support import GUILD, MONDAY, OTHER_GUILD, SAMPLE_DECK, MakePost

from bot.store import Store

LA = ZoneInfo("America/Los_Angeles")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
PARIS = ZoneInfo("Europe/Paris")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def _answer_at(
    store: Store, make_post: MakePost, member: int, at: datetime, score: float = 1.0
) -> None:
    """One answer at exactly ``at``, to a post of its own (slots are unique per guild)."""
    post = await make_post(at - timedelta(minutes=1), hours=1)
    await store.record_answer(post.id, member, "x", [0], score, at)


async def test_the_callers_rank_comes_with_the_page_even_outside_the_top_ten(
    store: Store, make_post: MakePost
) -> None:
    posts = [await make_post(MONDAY + timedelta(hours=hour)) for hour in range(3)]
    # Member m earns m points over three answers: 25 distinct totals, member 1 last.
    for member in range(1, 26):
        for index, post in enumerate(posts):
            earned = min(max(member - 10 * index, 0), 10)
            await store.record_answer(post.id, member, "x", [0], earned / 10, MONDAY + timedelta(hours=3))
    board = await store.leaderboard(GUILD, "all", now=MONDAY, tz=PARIS, member_id=1)
    assert board.total == 25
    assert [row.member_id for row in board.rows] == list(range(25, 15, -1))
    assert [row.rank for row in board.rows] == list(range(1, 11))
    assert board.me is not None and board.me.rank == 25 and board.me.points == 1 and board.me.answers == 3
    assert board.me not in board.rows

    page3 = await store.leaderboard(GUILD, "all", now=MONDAY, tz=PARIS, offset=20, member_id=25)
    assert [row.member_id for row in page3.rows] == [5, 4, 3, 2, 1]
    assert page3.me is not None and page3.me.rank == 1
    past_the_end = await store.leaderboard(GUILD, "all", now=MONDAY, tz=PARIS, offset=40, member_id=777)
    assert past_the_end.rows == () and past_the_end.total == 25 and past_the_end.me is None

    # The period boards agree with the all-time one.
    for period in ("week", "month"):
        week = await store.leaderboard(GUILD, period, now=MONDAY, tz=PARIS, member_id=1)
        assert week.rows == board.rows and week.me == board.me and week.total == 25


async def test_ties_share_a_rank_and_pages_are_stable(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    for member, score in [(10, 1.0), (20, 0.5), (30, 0.5), (40, 0.0)]:
        await store.record_answer(post.id, member, "x", [], score, MONDAY + timedelta(minutes=1))
    board = await store.leaderboard(GUILD, "week", now=MONDAY, tz=PARIS, limit=2, member_id=30)
    assert [(row.rank, row.member_id) for row in board.rows] == [(1, 10), (2, 20)]
    assert board.me is not None and (board.me.rank, board.me.member_id) == (2, 30)
    second = await store.leaderboard(GUILD, "week", now=MONDAY, tz=PARIS, limit=2, offset=2)
    assert [(row.rank, row.member_id) for row in second.rows] == [(2, 30), (4, 40)]


async def test_an_empty_guild_has_an_empty_board(store: Store) -> None:
    board = await store.leaderboard(GUILD, "month", now=MONDAY, tz=PARIS, member_id=1)
    assert board.rows == () and board.total == 0 and board.me is None


async def test_week_edges_across_the_spring_forward_in_los_angeles(store: Store, make_post: MakePost) -> None:
    # The week of 4 March 2024 runs from 08:00 UTC on the 4th (PST) to 07:00 UTC on the 11th (PDT).
    await _answer_at(store, make_post, 1, utc(2024, 3, 4, 7, 59, 59))  # Sunday 3rd, 23:59:59 PST
    await _answer_at(store, make_post, 2, utc(2024, 3, 4, 8, 0, 0))  # Monday 4th, 00:00 PST
    await _answer_at(store, make_post, 3, utc(2024, 3, 11, 6, 59, 59))  # Sunday 10th, 23:59:59 PDT
    await _answer_at(store, make_post, 4, utc(2024, 3, 11, 7, 0, 0))  # Monday 11th, 00:00 PDT

    async def members(now: datetime) -> set[int]:
        board = await store.leaderboard(GUILD, "week", now=now, tz=LA)
        return {row.member_id for row in board.rows}

    assert await members(utc(2024, 3, 8, 20)) == {2, 3}
    assert await members(utc(2024, 3, 11, 7, 30)) == {4}
    assert await members(utc(2024, 3, 3, 20)) == {1}
    # In UTC the same answers split differently: the guild's timezone is what counts.
    utc_board = await store.leaderboard(GUILD, "week", now=utc(2024, 3, 8, 20), tz=ZoneInfo("UTC"))
    assert {row.member_id for row in utc_board.rows} == {1, 2}


async def test_month_edges_in_kiritimati(store: Store, make_post: MakePost) -> None:
    # 1 March 2024 00:00 in Kiritimati (UTC+14) is 29 February 10:00 UTC.
    await _answer_at(store, make_post, 1, utc(2024, 2, 29, 9, 59, 59))
    await _answer_at(store, make_post, 2, utc(2024, 2, 29, 10, 0, 0))
    await _answer_at(store, make_post, 3, utc(2024, 3, 31, 9, 59, 59))  # 31 March 23:59:59 local
    await _answer_at(store, make_post, 4, utc(2024, 3, 31, 10, 0, 0))  # 1 April 00:00 local

    march = await store.leaderboard(GUILD, "month", now=utc(2024, 3, 15), tz=KIRITIMATI)
    assert {row.member_id for row in march.rows} == {2, 3}
    assert march.start == utc(2024, 2, 29, 10) and march.end == utc(2024, 3, 31, 10)
    february = await store.leaderboard(GUILD, "month", now=utc(2024, 2, 29, 9), tz=KIRITIMATI)
    assert {row.member_id for row in february.rows} == {1}
    # The week of Monday 4 March local time starts on Sunday 3 March 10:00 UTC.
    await _answer_at(store, make_post, 5, utc(2024, 3, 3, 10, 0, 0))
    await _answer_at(store, make_post, 6, utc(2024, 3, 3, 9, 59, 59))
    week = await store.leaderboard(GUILD, "week", now=utc(2024, 3, 5), tz=KIRITIMATI)
    assert {row.member_id for row in week.rows} == {5}


async def test_a_month_across_the_change_to_summer_time_in_paris(store: Store, make_post: MakePost) -> None:
    await _answer_at(store, make_post, 1, utc(2024, 3, 31, 21, 59, 59))  # 31 March 23:59:59 CEST
    await _answer_at(store, make_post, 2, utc(2024, 3, 31, 22, 0, 0))  # 1 April 00:00 CEST
    await _answer_at(store, make_post, 3, utc(2024, 2, 29, 23, 0, 0))  # 1 March 00:00 CET
    march = await store.leaderboard(GUILD, "month", now=utc(2024, 3, 20), tz=PARIS)
    assert {row.member_id for row in march.rows} == {1, 3}
    april = await store.leaderboard(GUILD, "month", now=utc(2024, 4, 2), tz=PARIS)
    assert {row.member_id for row in april.rows} == {2}


async def test_a_deck_board_counts_only_that_decks_posts(
    store: Store, make_post: MakePost, deck_id: int, card_ids: tuple[int, ...]
) -> None:
    other_deck = await store.save_deck(GUILD, "autre", SAMPLE_DECK)
    other_card = (await store.load_deck(other_deck)).card_ids[0]
    first = await make_post(MONDAY)
    claim = await store.claim_post(
        GUILD, MONDAY + timedelta(hours=1), other_card, closes_at=MONDAY + timedelta(days=1)
    )
    second = await store.set_post_message(claim.post.id, 5, 6, MONDAY + timedelta(hours=1))
    at = MONDAY + timedelta(hours=2)
    await store.record_answer(first.id, 1, "x", [0], 1.0, at)
    await store.record_answer(second.id, 1, "x", [0], 0.5, at)
    await store.record_answer(second.id, 2, "x", [0], 1.0, at)
    for period in ("week", "month", "all"):
        board = await store.leaderboard(GUILD, period, now=at, tz=PARIS, deck_id=other_deck)
        assert [(row.member_id, row.points) for row in board.rows] == [(2, 10), (1, 5)], period
        board = await store.leaderboard(GUILD, period, now=at, tz=PARIS, deck_id=deck_id)
        assert [(row.member_id, row.points) for row in board.rows] == [(1, 10)], period
        overall = await store.leaderboard(GUILD, period, now=at, tz=PARIS)
        assert [(row.member_id, row.points, row.answers) for row in overall.rows] == [(1, 15, 2), (2, 10, 1)]


async def test_guilds_do_not_see_each_others_scores(store: Store, make_post: MakePost) -> None:
    ours = await make_post(MONDAY)
    theirs = await make_post(MONDAY, guild_id=OTHER_GUILD)
    await store.record_answer(ours.id, 1, "x", [0], 1.0, MONDAY + timedelta(minutes=1))
    await store.record_answer(theirs.id, 2, "x", [0], 1.0, MONDAY + timedelta(minutes=1))
    for period in ("week", "all"):
        board = await store.leaderboard(GUILD, period, now=MONDAY, tz=PARIS)
        assert [row.member_id for row in board.rows] == [1]


async def test_practice_and_quiz_points_have_their_own_boards(
    store: Store, make_post: MakePost, card_ids: tuple[int, ...]
) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    await store.record_answer(post.id, 1, "x", [0], 1.0, at)
    await store.record_practice(GUILD, 2, card_ids[0], state="{}", due=at, score=1.0, answered_at=at)
    await store.record_practice(GUILD, 2, card_ids[1], state="{}", due=at, score=0.5, answered_at=at)
    await store.record_quiz_result(GUILD, "quiz-1", 3, points=42, rounds=5, finished_at=at)
    await store.record_quiz_result(
        GUILD, "quiz-1", 3, points=40, rounds=5, finished_at=at
    )  # same quiz: replaced

    async def board(category: str, period: str = "week") -> list[tuple[int, int, int]]:
        result = await store.leaderboard(GUILD, period, now=at, tz=PARIS, category=category)  # type: ignore[arg-type]
        return [(row.member_id, row.points, row.answers) for row in result.rows]

    assert await board("daily") == [(1, 10, 1)]
    assert await board("practice") == await board("practice", "all") == [(2, 15, 2)]
    assert await board("quiz") == await board("quiz", "month") == [(3, 40, 1)]
    assert await store.practice_totals(GUILD, 2) == (15, 2)


async def test_every_page_agrees_with_ranking_by_hand(
    store: Store, make_post: MakePost, deck_id: int, card_ids: tuple[int, ...]
) -> None:
    """Random scores with many ties, checked page by page against a plain Python ranking."""
    rng = random.Random(7)
    other_deck = await store.save_deck(GUILD, "autre", SAMPLE_DECK)
    other_card = (await store.load_deck(other_deck)).card_ids[0]
    posts = [await make_post(MONDAY + timedelta(hours=hour), hours=48) for hour in range(3)]
    claim = await store.claim_post(
        GUILD, MONDAY + timedelta(hours=3), other_card, closes_at=MONDAY + timedelta(days=2)
    )
    posts.append(await store.set_post_message(claim.post.id, 5, 6, MONDAY + timedelta(hours=3)))
    points: dict[int | None, dict[int, list[int]]] = {None: {}, deck_id: {}, other_deck: {}}
    for post in posts:
        for member in rng.sample(range(1, 61), 45):
            result = await store.record_answer(
                post.id, member, "x", [0], rng.choice([0, 0.3, 0.5, 1]), MONDAY + timedelta(hours=5)
            )
            for deck in (None, post.deck_id):
                points[deck].setdefault(member, []).append(result.points)

    for deck, earned in points.items():
        ordered = sorted(earned.items(), key=lambda entry: (-sum(entry[1]), entry[0]))
        expected = [
            (1 + sum(1 for _, other in ordered if sum(other) > sum(mine)), member, sum(mine), len(mine))
            for member, mine in ordered
        ]
        for period in ("week", "all"):
            for offset in range(0, len(expected) + 5, 7):
                caller = rng.choice([*earned, 999])
                board = await store.leaderboard(
                    GUILD,
                    period,
                    now=MONDAY,
                    tz=PARIS,
                    deck_id=deck,
                    limit=7,
                    offset=offset,
                    member_id=caller,
                )
                got = [(row.rank, row.member_id, row.points, row.answers) for row in board.rows]
                assert got == expected[offset : offset + 7], (deck, period, offset)
                assert board.total == len(expected)
                mine = next((entry for entry in expected if entry[1] == caller), None)
                assert (
                    None
                    if board.me is None
                    else (board.me.rank, board.me.member_id, board.me.points, board.me.answers)
                ) == mine
