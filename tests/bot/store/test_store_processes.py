"""Two processes on one database (two stores: two connections, or two pools): one counted answer, one post
per slot and one reveal, whatever the race. Runs on both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from store_support import GUILD, MONDAY, SAMPLE_DECK, MakePost

from bot.store import GuildSettings, Store

DAY = timedelta(days=1)


async def test_two_stores_racing_the_same_answers_count_each_member_once(
    target: str | Path, store: Store, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=1)
    async with Store.open(target) as other:
        attempts = [(racer, member) for member in range(40) for racer in (store, other, store, other)]
        results = await asyncio.gather(
            *(
                racer.record_answer(post.id, member, "x", [member % 4], 0.25 if racer is store else 1.0, at)
                for racer, member in attempts
            )
        )
    by_member: dict[int, list] = {}  # type: ignore[type-arg]
    for (_, member), result in zip(attempts, results, strict=True):
        by_member.setdefault(member, []).append(result)
    for member, answers in by_member.items():
        assert sum(not result.already_answered for result in answers) == 1, member
        # Every attempt, from either process, is told the grade that was counted.
        assert len({(r.answer_id, r.score, r.points, r.matched) for r in answers}) == 1, member
    counted = [result for result in results if not result.already_answered]
    rows = await store._fetch(
        "SELECT (SELECT count(*) FROM answers), (SELECT sum(answers) FROM member_totals), "
        "(SELECT sum(points) FROM member_totals), (SELECT sum(answers) FROM deck_totals)"
    )
    assert tuple(int(value) for value in rows[0]) == (40, 40, sum(r.points for r in counted), 40)
    stats = await store.member_stats(GUILD, 7, at)
    assert stats is not None and stats.answers == 1 and stats.streak == 1


async def test_two_stores_answering_consecutive_posts_keep_every_streak(
    target: str | Path, store: Store, make_post: MakePost
) -> None:
    posts = [await make_post(MONDAY + day * DAY, hours=72) for day in range(3)]
    at = MONDAY + 2 * DAY + timedelta(minutes=1)
    async with Store.open(target) as other:
        await asyncio.gather(
            *(
                (store if (member + index) % 2 else other).record_answer(post.id, member, "x", [0], 0.5, at)
                for member in range(30)
                for index, post in enumerate(posts)
            )
        )
    rows = await store._fetch("SELECT DISTINCT answers, points, streak, best_streak FROM member_totals")
    assert [tuple(int(value) for value in row) for row in rows] == [(3, 15, 3, 3)]


async def test_two_stores_claiming_the_same_slots_make_one_post_each(
    target: str | Path, store: Store, card_ids: tuple[int, ...], guild: GuildSettings
) -> None:
    slots = [MONDAY + day * DAY for day in range(5)]
    async with Store.open(target) as other:
        claims = await asyncio.gather(
            *(
                racer.claim_post(GUILD, slot, card_ids[index % 3], closes_at=slot + timedelta(hours=20))
                for slot in slots
                for index, racer in enumerate((store, other, store, other, store, other))
            )
        )
    for slot in slots:
        of_slot = [claim for claim in claims if claim.post.slot == slot]
        assert len(of_slot) == 6
        assert sum(claim.created for claim in of_slot) == 1
        assert len({claim.post.id for claim in of_slot}) == 1
    assert len(await store._fetch("SELECT id FROM posts")) == len(slots)


async def test_two_stores_revealing_the_same_post_reveal_it_once(
    target: str | Path, store: Store, make_post: MakePost
) -> None:
    post = await make_post(MONDAY, hours=1)
    async with Store.open(target) as other:
        revealed = await asyncio.gather(
            *(racer.mark_revealed(post.id, MONDAY + DAY) for racer in (store, other) * 10)
        )
    assert sorted(revealed) == [False] * 19 + [True]
    assert not await store.posts_to_reveal(MONDAY + 2 * DAY)


async def test_two_stores_saving_the_same_new_deck_at_once_both_succeed_with_one_deck(
    target: str | Path, store: Store
) -> None:
    # Two bot processes started together both store the bundled decks.
    async with Store.open(target) as other:
        ids = await asyncio.gather(
            *(racer.save_deck(None, "cours-2", SAMPLE_DECK) for racer in (store, other, store, other))
        )
    assert len(set(ids)) == 1
    (deck,) = await store.list_decks(None)
    assert deck.id == ids[0]
    assert len((await store.load_deck(deck.id)).card_ids) == len(SAMPLE_DECK.cards)
