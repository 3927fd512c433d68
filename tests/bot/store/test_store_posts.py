"""Daily posts for the scheduler: idempotent claims, sending, open windows, reveals, failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from store_support import GUILD, MONDAY, MakePost

from bot.store import GuildSettings, PostClosed, Store, UnknownRecord


async def test_claiming_a_slot_is_idempotent_even_when_racing(
    store: Store, card_ids: tuple[int, ...]
) -> None:
    closes = MONDAY + timedelta(hours=24)
    claims = await asyncio.gather(
        *(store.claim_post(GUILD, MONDAY, card_ids[i % 3], closes_at=closes, channel_id=5) for i in range(10))
    )
    assert sum(claim.created for claim in claims) == 1
    assert len({claim.post.id for claim in claims}) == 1
    winner = next(claim.post for claim in claims if claim.created)
    assert all(claim.post.card_id == winner.card_id for claim in claims)  # later cards are ignored
    assert winner.message_id is None and winner.posted_at is None and winner.deck_id is not None
    assert winner.slot == MONDAY and winner.closes_at == closes


async def test_a_claimed_post_is_pending_until_sent(store: Store, card_ids: tuple[int, ...]) -> None:
    claim = await store.claim_post(GUILD, MONDAY, card_ids[0], closes_at=MONDAY + timedelta(hours=12))
    now = MONDAY + timedelta(minutes=1)
    assert [post.id for post in await store.pending_posts(now)] == [claim.post.id]
    assert await store.open_posts(now) == []
    assert await store.last_post(GUILD, sent_only=True) is None
    assert (await store.last_post(GUILD)) == claim.post
    with pytest.raises(PostClosed, match="not been sent yet"):
        await store.record_answer(claim.post.id, 1, "x", [], 0.0, now)

    sent = await store.set_post_message(
        claim.post.id, 55, 9999, now, closes_at=now + timedelta(hours=12)
    )  # the window starts when it is actually sent
    assert (sent.channel_id, sent.message_id, sent.posted_at) == (55, 9999, now)
    assert sent.closes_at == now + timedelta(hours=12)
    assert await store.pending_posts(now) == []
    assert await store.open_posts(now) == [sent]
    assert await store.open_post(GUILD, now) == sent
    assert await store.post_for_message(9999) == sent
    assert await store.last_post(GUILD, sent_only=True) == sent
    assert sent.is_open(now) and not sent.is_open(sent.closes_at)


async def test_reveals_come_due_at_the_deadline_once(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY, hours=12)
    assert await store.posts_to_reveal(MONDAY + timedelta(hours=11, minutes=59)) == []
    with pytest.raises(PostClosed, match="closed at"):
        await store.record_answer(post.id, 1, "late", [0], 1.0, MONDAY + timedelta(hours=12))
    due = await store.posts_to_reveal(MONDAY + timedelta(hours=12))
    assert [p.id for p in due] == [post.id]
    assert await store.open_posts(MONDAY + timedelta(hours=12)) == []
    assert await store.mark_revealed(post.id, MONDAY + timedelta(hours=12)) is True
    assert await store.mark_revealed(post.id, MONDAY + timedelta(hours=13)) is False  # nobody reveals twice
    assert await store.posts_to_reveal(MONDAY + timedelta(days=2)) == []
    revealed = await store.get_post(post.id)
    assert revealed is not None and revealed.revealed_at == MONDAY + timedelta(hours=12)


async def test_reveal_now_closes_the_window_early(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY, hours=24)
    early = MONDAY + timedelta(hours=2)
    closed = await store.close_post(post.id, early)
    assert closed.closes_at == early
    assert [p.id for p in await store.posts_to_reveal(early)] == [post.id]
    assert (await store.close_post(post.id, MONDAY + timedelta(hours=5))).closes_at == early  # never reopens


async def test_cards_posted_in_slot_order_per_deck(
    store: Store, make_post: MakePost, card_ids: tuple[int, ...]
) -> None:
    await make_post(MONDAY + timedelta(days=1), card=2)
    await make_post(MONDAY, card=0)
    await make_post(MONDAY + timedelta(days=2), card=1, sent=False)  # claimed counts: never post it twice
    deck_id = (await store.get_card(card_ids[0])).deck_id  # type: ignore[union-attr]
    assert await store.cards_posted(GUILD, deck_id) == [card_ids[0], card_ids[2], card_ids[1]]
    assert await store.cards_posted(GUILD + 1, deck_id) == []
    recent = await store.recent_posts(GUILD)
    assert [post.card_id for post in recent] == [card_ids[2], card_ids[0]]  # sent ones, newest first


async def test_unknown_posts_and_cards_are_named(store: Store) -> None:
    with pytest.raises(UnknownRecord, match="card 12345 does not exist"):
        await store.claim_post(GUILD, MONDAY, 12345, closes_at=MONDAY + timedelta(hours=1))
    with pytest.raises(UnknownRecord, match="post 777 does not exist"):
        await store.record_answer(777, 1, "x", [], 0.0, MONDAY)
    with pytest.raises(UnknownRecord):
        await store.set_post_message(777, 1, 2, MONDAY)
    assert await store.get_post(777) is None
    with pytest.raises(UnknownRecord):
        await store.post_stats(777)


async def test_post_failures_are_counted_and_reset(store: Store, guild: GuildSettings) -> None:
    assert await store.record_post_failure(GUILD, "403 Missing Permissions") == 1
    assert await store.record_post_failure(GUILD, "403 Missing Permissions (again)") == 2
    settings = await store.get_guild(GUILD)
    assert settings is not None and settings.failure_count == 2
    assert settings.last_error == "403 Missing Permissions (again)" and settings.last_failure_at is not None
    # Saving the set-up again does not hide the failures from /tutor status.
    await store.update_guild(GUILD, post_time="09:30")
    assert (await store.get_guild(GUILD)).failure_count == 2  # type: ignore[union-attr]
    await store.reset_post_failures(GUILD)
    settings = await store.get_guild(GUILD)
    assert settings is not None and (
        settings.failure_count,
        settings.last_error,
        settings.last_failure_at,
    ) == (
        0,
        None,
        None,
    )
    with pytest.raises(UnknownRecord):
        await store.record_post_failure(GUILD + 1, "no such guild")


async def test_a_send_intent_is_kept_until_the_message_is_recorded(
    store: Store, card_ids: tuple[int, ...]
) -> None:
    claim = await store.claim_post(GUILD, MONDAY, card_ids[0], closes_at=MONDAY + timedelta(hours=12))
    first = await store.begin_send(claim.post.id, "post", 55, "tp1")
    again = await store.begin_send(claim.post.id, "post", 55, "other")  # a second attempt, after a crash
    assert (
        first.created and not again.created and again.nonce == "tp1" and again.started_at == first.started_at
    )
    assert [(i.post_id, i.kind) for i in await store.send_intents(GUILD)] == [(claim.post.id, "post")]
    assert await store.send_intents(GUILD + 1) == []
    await store.set_post_message(claim.post.id, 55, 9999, MONDAY)  # sent: the intent goes with it
    assert await store.send_intents() == []

    await store.begin_send(claim.post.id, "reveal", 55, "tr1")
    assert await store.mark_revealed(claim.post.id, MONDAY + timedelta(hours=12))
    assert await store.send_intents() == []
    await store.begin_send(claim.post.id, "reveal", 55, "tr1")
    await store.drop_send(claim.post.id, "reveal")  # not found in the channel: may be sent anew
    assert await store.send_intents() == []
    with pytest.raises(UnknownRecord):
        await store.begin_send(claim.post.id + 100, "post", 55, "tp9")


async def test_unrevealed_cards_are_the_open_and_pending_posts(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY, hours=12)
    assert await store.unrevealed_cards(GUILD) == {post.card_id}
    await store.mark_revealed(post.id, MONDAY + timedelta(hours=12))
    assert await store.unrevealed_cards(GUILD) == set()
