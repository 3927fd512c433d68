"""Group commit: answers that wait while the connection is busy are recorded together in one transaction, each
with the outcome it would have had alone, in arrival order."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from store_support import GUILD, MONDAY, OTHER_GUILD, SAMPLE_DECK, MakePost

from bot.store import AnswerResult, GuildSettings, PostClosed, Store, UnknownRecord

# About SQLite itself (its file, its pragmas, its connection): the PostgreSQL half is in test_store_postgres.
pytestmark = pytest.mark.sqlite_only

DAY = timedelta(days=1)


@asynccontextmanager
async def _busy(store: Store) -> AsyncIterator[list[str]]:
    """Hold the connection (as a long transaction would) while the block queues answers; on leaving, let
    them through and yield the statements run meanwhile."""
    statements: list[str] = []
    db = store._conn()
    async with store._lock:
        await db.set_trace_callback(statements.append)
        yield statements
    # Let the writer run what was queued before the trace stops.
    if store._writer is not None:
        await asyncio.wait([store._writer])
    await db.set_trace_callback(None)


async def _queued(coros: list[Coroutine[Any, Any, AnswerResult]]) -> list[asyncio.Task[AnswerResult]]:
    tasks = [asyncio.create_task(coro) for coro in coros]
    await asyncio.sleep(0)  # each has queued its answer
    return tasks


def _transactions(statements: list[str]) -> int:
    return sum(statement.startswith("BEGIN") for statement in statements)


async def test_answers_waiting_for_the_connection_share_one_transaction_and_each_gets_its_own_outcome(
    store: Store, make_post: MakePost
) -> None:
    monday = await make_post(MONDAY, hours=20)
    tuesday = await make_post(MONDAY + DAY, hours=20)
    unsent = await make_post(MONDAY + 2 * DAY, sent=False)
    at = MONDAY + DAY + timedelta(hours=1)  # Monday's window has closed; Tuesday's is open
    await store.record_answer(monday.id, 1, "x", [0], 1.0, MONDAY + timedelta(hours=1))

    calls = [
        (tuesday.id, 1, [0, 1], 0.5),  # continues member 1's streak
        (tuesday.id, 2, [0], 0.25),
        (tuesday.id, 2, [0, 1, 2, 3], 1.0),  # a duplicate in the same batch: the first grade stays
        (monday.id, 3, [0], 1.0),  # closed
        (unsent.id, 3, [0], 1.0),  # not sent yet
        (999_999, 3, [0], 1.0),  # no such post
        (tuesday.id, 3, [1], 0.75),  # after its own failed answers
        (tuesday.id, 1, [], 0.0),  # another duplicate, of member 1
        *((tuesday.id, member, [member % 4], (member % 5) / 4) for member in range(10, 60)),
    ]
    async with _busy(store) as statements:
        tasks = await _queued(
            [
                store.record_answer(post_id, member, f"reply {member}", matched, score, at)
                for post_id, member, matched, score in calls
            ]
        )
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert _transactions(statements) == 1
    assert statements.count("COMMIT") == 1

    first_1, first_2, dup_2, closed, unsent_error, unknown, member_3, dup_1 = outcomes[:8]
    assert isinstance(first_1, AnswerResult) and not first_1.already_answered
    assert (first_1.points, first_1.total_points, first_1.total_answers) == (5, 15, 2)
    assert (first_1.streak, first_1.best_streak) == (2, 2)
    assert isinstance(first_2, AnswerResult) and not first_2.already_answered
    assert (first_2.points, first_2.matched, first_2.streak) == (2, (0,), 1)
    assert isinstance(dup_2, AnswerResult) and dup_2.already_answered
    assert (dup_2.answer_id, dup_2.score, dup_2.points, dup_2.matched) == (first_2.answer_id, 0.25, 2, (0,))
    assert (dup_2.total_points, dup_2.total_answers) == (2, 1)
    assert isinstance(closed, PostClosed) and "closed at" in str(closed)
    assert isinstance(unsent_error, PostClosed) and "not been sent" in str(unsent_error)
    assert isinstance(unknown, UnknownRecord)
    assert isinstance(member_3, AnswerResult) and not member_3.already_answered
    assert (member_3.points, member_3.total_points, member_3.total_answers) == (8, 8, 1)
    assert isinstance(dup_1, AnswerResult) and dup_1.already_answered
    assert (dup_1.answer_id, dup_1.points, dup_1.total_points, dup_1.streak) == (first_1.answer_id, 5, 15, 2)
    rest = outcomes[8:]
    assert all(isinstance(result, AnswerResult) and not result.already_answered for result in rest)

    # What the callers were told is what was committed.
    recorded = [result for result in outcomes if isinstance(result, AnswerResult)]
    for result in recorded:
        assert await store.get_answer(result.post_id, result.member_id) == (
            await store.get_answer(result.post_id, result.member_id)
        )
        stored = await store.get_answer(result.post_id, result.member_id)
        assert stored is not None and stored.answer_id == result.answer_id and stored.points == result.points
    counted = [result for result in recorded if not result.already_answered]
    assert len({result.answer_id for result in counted}) == len(counted) == 53
    rows = await store._fetch(
        "SELECT count(*), sum(points) FROM answers WHERE post_id = ?",
        (tuesday.id,),
    )
    assert tuple(rows[0]) == (53, sum(result.points for result in counted))
    totals = await store._fetch("SELECT sum(points), sum(answers) FROM member_totals")
    assert tuple(totals[0]) == (10 + sum(result.points for result in counted), 54)
    deck = await store._fetch("SELECT sum(points), sum(answers) FROM deck_totals")
    assert tuple(deck[0]) == tuple(totals[0])


async def _scenario_store(path: Path) -> tuple[Store, list[int]]:
    store = await Store.connect(path)
    deck_id = await store.save_deck(None, "cours-2", SAMPLE_DECK)
    card_ids = (await store.load_deck(deck_id)).card_ids
    post_ids = []
    for guild_id in (GUILD, OTHER_GUILD):
        await store.save_guild(GuildSettings(guild_id, channel_id=5, active_deck_id=deck_id))
        for day in range(6):
            slot = MONDAY + day * DAY
            claim = await store.claim_post(guild_id, slot, card_ids[day % 3], closes_at=slot + 5 * DAY)
            if day != 3:  # one post of each guild was never sent
                await store.set_post_message(claim.post.id, 5, 10_000 + claim.post.id, slot)
            post_ids.append(claim.post.id)
    return store, post_ids


async def _tables(store: Store) -> list[list[tuple[Any, ...]]]:
    return [
        [tuple(row) for row in await store._fetch(sql)]
        for sql in (
            "SELECT * FROM answers ORDER BY id",
            "SELECT * FROM member_totals ORDER BY guild_id, member_id",
            "SELECT * FROM deck_totals ORDER BY guild_id, deck_id, member_id",
        )
    ]


@pytest.mark.parametrize("seed", range(4))
async def test_a_batch_ends_exactly_as_the_same_answers_recorded_one_by_one(
    tmp_path: Path, seed: int
) -> None:
    """Late answers to older posts (history recount), several posts per member in one batch, duplicates,
    closed, unsent and unknown posts: outcomes and tables identical to the sequential recording."""
    chance = random.Random(seed)
    alone, post_ids = await _scenario_store(tmp_path / "alone.db")
    together, _ = await _scenario_store(tmp_path / "together.db")
    at = MONDAY + 5 * DAY + timedelta(hours=1)  # posts of days 0-4 still open, day 5's too
    calls = [
        (
            chance.choice([*post_ids, 424_242]),
            chance.randrange(8),
            sorted(chance.sample(range(4), chance.randrange(5))),
            chance.choice((0.0, 0.25, 0.5, 0.75, 1.0)),
            at + timedelta(days=chance.choice((0, 0, 0, 1, 5))),  # some after the window
        )
        for _ in range(300)
    ]
    try:

        async def one(store: Store, call: tuple[Any, ...]) -> AnswerResult | BaseException:
            post_id, member, matched, score, when = call
            try:
                return await store.record_answer(post_id, member, f"r{member}", matched, score, when)
            except (PostClosed, UnknownRecord) as error:
                return error

        expected = [await one(alone, call) for call in calls]
        async with _busy(together) as statements:
            tasks = await _queued([one(together, call) for call in calls])  # type: ignore[misc]
        got = await asyncio.gather(*tasks)
        assert _transactions(statements) <= 2  # at most _MAX_ANSWER_BATCH answers a transaction

        assert [type(outcome) for outcome in got] == [type(outcome) for outcome in expected]
        assert [str(outcome) for outcome in got if isinstance(outcome, Exception)] == [
            str(outcome) for outcome in expected if isinstance(outcome, Exception)
        ]
        assert [outcome for outcome in got if isinstance(outcome, AnswerResult)] == [
            outcome for outcome in expected if isinstance(outcome, AnswerResult)
        ]
        assert any(isinstance(outcome, AnswerResult) and outcome.already_answered for outcome in got)
        assert await _tables(together) == await _tables(alone)
    finally:
        await alone.close()
        await together.close()


async def test_an_answer_that_fails_the_batch_fails_alone(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    async with _busy(store) as statements:
        tasks = await _queued(
            [
                store.record_answer(post.id, member, "\ud800" if member == 3 else "ok", [0], 1.0, at)
                for member in range(6)
            ]
        )
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    # The batch failed on the unencodable reply, was rolled back, then each answer went alone.
    assert _transactions(statements) == 1 + 6
    assert isinstance(outcomes[3], UnicodeEncodeError)
    good = [outcome for index, outcome in enumerate(outcomes) if index != 3]
    assert all(isinstance(result, AnswerResult) and not result.already_answered for result in good)
    rows = await store._fetch("SELECT member_id FROM answers ORDER BY member_id")
    assert [row[0] for row in rows] == [0, 1, 2, 4, 5]
    totals = await store._fetch("SELECT count(*), sum(points) FROM member_totals")
    assert tuple(totals[0]) == (5, 50)


async def test_cancelled_callers_in_a_batch_are_recorded_and_the_others_answered(
    store: Store, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    async with _busy(store):
        tasks = await _queued(
            [store.record_answer(post.id, member, "x", [0], 1.0, at) for member in range(10)]
        )
        for task in tasks[::3]:
            task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for index, outcome in enumerate(outcomes):
        if index % 3 == 0:
            assert isinstance(outcome, asyncio.CancelledError)
        else:
            assert isinstance(outcome, AnswerResult) and not outcome.already_answered
    rows = await store._fetch("SELECT count(*), (SELECT sum(answers) FROM member_totals) FROM answers")
    assert tuple(rows[0]) == (10, 10)
    later = await store.record_answer(post.id, 0, "again", [1], 0.5, at)
    assert later.already_answered and later.points == 10


async def test_writes_keep_their_call_order_around_a_batch_and_close_records_the_waiting_answers(
    store: Store, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    async with _busy(store) as statements:
        early = await _queued(
            [store.record_answer(post.id, member, "x", [0], 1.0, at) for member in range(5)]
        )
        closing = asyncio.create_task(store.close_post(post.id, at))  # reveal now
        await asyncio.sleep(0)
        late = await _queued([store.record_answer(post.id, member, "x", [0], 1.0, at) for member in (7, 8)])
    # The answers called before close_post were recorded, in one transaction; the ones called after it
    # waited for it, in a batch of their own, and found the post closed.
    assert all(not result.already_answered for result in await asyncio.gather(*early))
    assert (await closing).closes_at == at
    for task in late:
        with pytest.raises(PostClosed):
            await task
    assert _transactions(statements) == 3

    other = await make_post(MONDAY + DAY)
    pending = await _queued(
        [store.record_answer(other.id, member, "x", [0], 1.0, MONDAY + DAY) for member in range(5)]
    )
    await store.close()  # the answers already waiting are recorded first
    assert all(task.done() and not task.result().already_answered for task in pending)
    async with Store.open(store.path) as reopened:
        rows = await reopened._fetch("SELECT count(*) FROM answers WHERE post_id = ?", (other.id,))
        assert rows[0][0] == 5
