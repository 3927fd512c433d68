"""One card at a time (issue 10, editing in Discord): an edit in place keeps the card's id and everything
attached to it, a stale edit is refused, added cards get the next position, a removed card is retired when
history uses it, and the card queued for the next post is used once. Both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from store_support import GUILD, MONDAY, MakePost

from bot.decks.model import Card, Item
from bot.store import CardChanged, GuildSettings, InvalidValue, Store, UnknownRecord

EDITED = Card(
    "Les quatre forces du web ?", (Item("Transparence", "tout se voit", ("transparent",)), Item("Vitesse"))
)


async def test_an_edit_keeps_the_card_id_its_answers_and_their_grades(
    store: Store, deck_id: int, card_ids: tuple[int, ...], guild: GuildSettings, make_post: MakePost
) -> None:
    post = await make_post(MONDAY, card=0)
    now = MONDAY + timedelta(minutes=5)
    first = await store.record_answer(post.id, 7, "transparence, rapidité", [0, 1], 0.5, now)

    saved = await store.update_card(
        card_ids[0], EDITED, expected=(await store.load_deck(deck_id)).deck.cards[0]
    )

    assert saved.id == card_ids[0] and saved.position == 0
    loaded = await store.load_deck(deck_id)
    assert loaded.card_ids == card_ids  # same ids, same order
    assert loaded.deck.cards[0].question == EDITED.question and loaded.deck.cards[0].items == EDITED.items
    assert loaded.deck.cards[1].question == "Qui ? Quoi ?"  # the other cards are untouched
    answer = await store.get_answer(post.id, 7)
    assert answer is not None and answer.score == first.score and answer.points == first.points
    assert (await store.get_post(post.id)).card_id == card_ids[0]  # type: ignore[union-attr]
    # A re-import of the edited text keeps the id as well (save_deck matches the new question).
    again = await store.save_deck(None, "cours-2", loaded.deck)
    assert (await store.load_deck(again)).card_ids == card_ids


async def test_an_edit_from_a_stale_form_is_refused_whole(
    store: Store, deck_id: int, card_ids: tuple[int, ...]
) -> None:
    original = (await store.load_deck(deck_id)).deck.cards[0]
    theirs = Card("Leur version ?", (Item("Un"),))
    await store.update_card(card_ids[0], theirs, expected=original)
    with pytest.raises(CardChanged, match="changed since it was read"):
        await store.update_card(card_ids[0], EDITED, expected=original)
    stored = await store.get_card(card_ids[0])
    assert (
        stored is not None and stored.card.question == "Leur version ?" and stored.card.items == theirs.items
    )


async def test_two_edits_racing_from_the_same_form_one_wins_the_other_is_refused(
    store: Store, deck_id: int, card_ids: tuple[int, ...]
) -> None:
    original = (await store.load_deck(deck_id)).deck.cards[0]
    mine = Card("Ma version ?", (Item("A"), Item("B")))
    theirs = Card("Leur version ?", (Item("C"),))
    results = await asyncio.gather(
        store.update_card(card_ids[0], mine, expected=original),
        store.update_card(card_ids[0], theirs, expected=original),
        return_exceptions=True,
    )
    assert sum(isinstance(r, CardChanged) for r in results) == 1
    winner = mine if not isinstance(results[0], Exception) else theirs
    stored = await store.get_card(card_ids[0])
    assert stored is not None and (stored.card.question, stored.card.items) == (winner.question, winner.items)


async def test_an_invalid_card_is_refused_and_nothing_changes(
    store: Store, deck_id: int, card_ids: tuple[int, ...]
) -> None:
    before = await store.load_deck(deck_id)
    for bad in (Card("Q ?", ()), Card(" ", (Item("A"),)), Card("Q ?", (Item("A"), Item(" ")))):
        with pytest.raises(InvalidValue):
            await store.update_card(card_ids[0], bad)
        with pytest.raises(InvalidValue):
            await store.add_card(deck_id, bad)
    assert await store.load_deck(deck_id) == before


async def test_added_cards_come_last_and_removed_ones_are_retired_when_history_uses_them(
    store: Store, deck_id: int, card_ids: tuple[int, ...], guild: GuildSettings, make_post: MakePost
) -> None:
    added = await store.add_card(deck_id, EDITED)
    loaded = await store.load_deck(deck_id)
    assert loaded.card_ids == (*card_ids, added.id) and loaded.deck.cards[-1].items == EDITED.items
    info = await store.get_deck_info(deck_id)
    assert info is not None and info.card_count == 4

    post = await make_post(MONDAY, card=0)
    await store.record_answer(post.id, 7, "transparence", [0], 0.25, MONDAY + timedelta(minutes=1))
    assert await store.remove_card(card_ids[0]) is True  # posted: retired, not deleted
    assert await store.remove_card(added.id) is False  # never used: deleted
    assert await store.get_card(added.id) is None
    retired = await store.get_card(card_ids[0])
    assert retired is not None and retired.position is None and retired.card.question == "Les 4 forces ?"
    assert (await store.load_deck(deck_id)).card_ids == card_ids[1:]
    assert (await store.get_answer(post.id, 7)) is not None
    with pytest.raises(UnknownRecord):
        await store.update_card(card_ids[0], EDITED)  # a retired card is not edited
    with pytest.raises(UnknownRecord):
        await store.remove_card(card_ids[0])

    # The last card of a deck stays: a deck needs a question.
    await store.remove_card(card_ids[1])
    with pytest.raises(InvalidValue, match="last card"):
        await store.remove_card(card_ids[2])
    assert (await store.load_deck(deck_id)).card_ids == (card_ids[2],)
    # Added after removals: still the last position.
    again = await store.add_card(deck_id, EDITED)
    assert (await store.load_deck(deck_id)).card_ids == (card_ids[2], again.id)


async def test_the_queued_card_is_used_by_one_claim_then_cleared(
    store: Store, card_ids: tuple[int, ...], guild: GuildSettings
) -> None:
    assert await store.next_card(GUILD) is None
    await store.set_next_card(GUILD, card_ids[2])
    assert await store.next_card(GUILD) == card_ids[2]
    # A claim with another card (e.g. a post already claimed before the queue) leaves it queued.
    await store.claim_post(GUILD, MONDAY, card_ids[0], closes_at=MONDAY + timedelta(hours=12))
    assert await store.next_card(GUILD) == card_ids[2]
    # The claim that posts it uses it up; a repeated claim of that slot changes nothing.
    tuesday = MONDAY + timedelta(days=1)
    await store.claim_post(GUILD, tuesday, card_ids[2], closes_at=tuesday + timedelta(hours=12))
    assert await store.next_card(GUILD) is None
    await store.set_next_card(GUILD, card_ids[1])
    again = await store.claim_post(GUILD, tuesday, card_ids[1], closes_at=tuesday + timedelta(hours=12))
    assert not again.created and await store.next_card(GUILD) == card_ids[1]
    # Removing the queued card forgets it; an unknown card or guild is refused.
    await store.remove_card(card_ids[1])
    assert await store.next_card(GUILD) is None
    with pytest.raises(UnknownRecord):
        await store.set_next_card(GUILD, 999_999)
    with pytest.raises(UnknownRecord):
        await store.set_next_card(GUILD + 1, card_ids[0])
    # The guild's set-up saved again keeps a queued card (it is not a setting).
    await store.set_next_card(GUILD, card_ids[0])
    await store.update_guild(GUILD, paused=True)
    assert await store.next_card(GUILD) == card_ids[0]


async def test_credits_follow_the_items_when_an_edit_moves_renames_or_removes_them(
    store: Store, card_ids: tuple[int, ...], guild: GuildSettings, make_post: MakePost
) -> None:
    # Card 0: Transparence, Rapidité, Interactivité, Mobilisation.
    post = await make_post(MONDAY, card=0)
    now = MONDAY + timedelta(minutes=1)
    await store.record_answer(post.id, 1, "transparence, rapidité", [0, 1], 0.5, now)
    await store.record_answer(post.id, 2, "interactivité, mobilisation", [2, 3], 0.5, now)
    # A new item first (Transparence moves to 2nd place), Rapidité removed (its place now holds Transparence),
    # Interactivité renamed in place (Vitesse, 3rd), Mobilisation kept.
    edited = Card(
        "Les 4 forces ?",
        (Item("Authenticité"), Item("Transparence"), Item("Vitesse"), Item("Mobilisation")),
    )
    await store.update_card(card_ids[0], edited)
    one, two = await store.get_answer(post.id, 1), await store.get_answer(post.id, 2)
    assert one is not None and two is not None
    assert one.matched == (1,) and one.score == 0.5  # Transparence followed; Rapidité's credit is gone
    assert two.matched == (2, 3) and two.score == 0.5 and two.points > 0  # the grade and points stay
    stats = await store.post_stats(post.id)
    assert [item.hits for item in stats.items] == [0, 1, 1, 1]

    # A rename in place keeps the credit.
    renamed = Card("Les 4 forces ?", (Item("Authenticité"), Item("La transparence"), *edited.items[2:]))
    await store.update_card(card_ids[0], renamed)
    assert (await store.get_answer(post.id, 1)).matched == (1,)  # type: ignore[union-attr]

    # Two items swapped: each answer's credits swap with them (not twice).
    await store.record_answer(post.id, 3, "vitesse", [2], 0.25, now)
    swapped = Card("Les 4 forces ?", (renamed.items[0], renamed.items[2], renamed.items[1], renamed.items[3]))
    await store.update_card(card_ids[0], swapped)
    assert (await store.get_answer(post.id, 1)).matched == (2,)  # type: ignore[union-attr]
    assert (await store.get_answer(post.id, 2)).matched == (1, 3)  # type: ignore[union-attr]
    assert (await store.get_answer(post.id, 3)).matched == (1,)  # type: ignore[union-attr]
    assert [item.hits for item in (await store.post_stats(post.id)).items] == [0, 2, 1, 1]
