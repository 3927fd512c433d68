"""Many answers at once on the one connection, duplicates racing each other, cancellation mid-transaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from store_support import GUILD, MONDAY, MakePost

from bot.store import Store


async def _sums(store: Store) -> tuple[int, int, int, int]:
    rows = await store._fetch(
        "SELECT (SELECT count(*) FROM answers), (SELECT coalesce(sum(points), 0) FROM answers), "
        "(SELECT coalesce(sum(answers), 0) FROM member_totals), "
        "(SELECT coalesce(sum(points), 0) FROM member_totals)"
    )
    return tuple(rows[0])  # type: ignore[return-value]


async def test_two_hundred_members_answering_at_once_are_all_counted(
    store: Store, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    results = await asyncio.gather(
        *(
            store.record_answer(post.id, member, f"reply {member}", [member % 4], (member % 5) / 4, at)
            for member in range(200)
        )
    )
    assert not any(result.already_answered for result in results)
    assert len({result.answer_id for result in results}) == 200
    expected_points = sum(result.points for result in results)
    assert await _sums(store) == (200, expected_points, 200, expected_points)
    stats = await store.post_stats(post.id)
    assert stats.participants == 200
    assert [item.hits for item in stats.items] == [50, 50, 50, 50]


async def test_the_same_member_twice_at_once_is_counted_exactly_once(
    store: Store, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    first, second = await asyncio.gather(
        store.record_answer(post.id, 42, "Transparence, rapidité", [0, 1], 0.5, at),
        store.record_answer(post.id, 42, "Tout", [0, 1, 2, 3], 1.0, at),
    )
    assert sorted([first.already_answered, second.already_answered]) == [False, True]
    # Both replies get the grade of the one that was counted.
    assert (first.score, first.points, first.matched) == (second.score, second.points, second.matched)
    assert first.answer_id == second.answer_id
    assert await _sums(store) == (1, first.points, 1, first.points)
    member = await store.member_stats(GUILD, 42, at)
    assert member is not None and member.answers == 1 and member.streak == 1


async def test_a_storm_of_duplicates_counts_one_answer_per_member(store: Store, make_post: MakePost) -> None:
    posts = [await make_post(MONDAY + timedelta(days=day), hours=48) for day in range(2)]
    at = MONDAY + timedelta(days=1, minutes=1)
    attempts = [(post.id, member) for post in posts for member in range(50) for _ in range(4)]
    results = await asyncio.gather(
        *(store.record_answer(post_id, member, "x", [0], 0.25, at) for post_id, member in attempts)
    )
    assert sum(not result.already_answered for result in results) == 100
    assert await _sums(store) == (100, 200, 100, 200)
    # Each member answered both consecutive posts: a streak of 2, whatever order the tasks ran in.
    totals = await store._fetch("SELECT DISTINCT streak, best_streak FROM member_totals")
    assert [tuple(row) for row in totals] == [(2, 2)]


async def test_a_cancelled_caller_leaves_a_whole_answer_or_none(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    tasks = [
        asyncio.create_task(store.record_answer(post.id, member, "x", [0], 1.0, at)) for member in range(20)
    ]
    await asyncio.sleep(0)
    for task in tasks[::2]:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # The connection is not left inside a transaction, and every answer came with its totals.
    later = await store.record_answer(post.id, 999, "x", [0], 1.0, at)
    assert not later.already_answered
    count, points, total_answers, total_points = await _sums(store)
    assert count == total_answers and points == total_points
    # The callers that gave up had already started their transactions; those finished on their own.
    assert count == 21
