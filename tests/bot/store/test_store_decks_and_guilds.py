"""Decks (save, replace atomically, list, remove), guild settings, and practice state."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from store_support import GUILD, MONDAY, OTHER_GUILD, SAMPLE_DECK, MakePost

from bot.decks.model import Card, Deck, Item
from bot.store import (
    ALL_DAYS,
    DeckInUse,
    GuildSettings,
    InvalidValue,
    Store,
    UnknownRecord,
    days_to_mask,
    mask_to_days,
)


async def test_a_deck_round_trips(store: Store) -> None:
    deck_id = await store.save_deck(GUILD, "cours-2", SAMPLE_DECK)
    loaded = await store.load_deck(deck_id)
    assert (loaded.id, loaded.guild_id, loaded.name) == (deck_id, GUILD, "cours-2")
    assert loaded.deck == SAMPLE_DECK  # items, details, aliases, lines, language, source
    assert len(loaded.card_ids) == 3 and len(set(loaded.card_ids)) == 3
    card = await store.get_card(loaded.card_id_at(0))
    assert (
        card is not None
        and card.card == SAMPLE_DECK.cards[0]
        and card.position == 0
        and card.deck_id == deck_id
    )


async def test_replacing_a_deck_keeps_its_id_and_the_ids_of_unchanged_cards(
    store: Store, make_post: MakePost
) -> None:
    deck_id = await store.save_deck(None, "cours-2", SAMPLE_DECK)
    old_ids = (await store.load_deck(deck_id)).card_ids
    await make_post(MONDAY, card=1)  # card 1 has history
    first, posted, _unused = SAMPLE_DECK.cards
    richer = replace(first, items=(*first.items[:3], Item("Mobilisation", aliases=("engagement",))))
    new_card = Card("Une nouvelle question ?", (Item("Oui"),))
    changed = replace(SAMPLE_DECK, title="Cours 2, revu", cards=(new_card, richer))  # card 1 and 2 dropped

    assert await store.save_deck(None, "COURS-2", changed) == deck_id  # names ignore case
    loaded = await store.load_deck(deck_id)
    assert loaded.deck.title == "Cours 2, revu" and loaded.name == "COURS-2"
    assert loaded.deck.cards == (new_card, richer)
    assert loaded.card_ids[1] == old_ids[0]  # same question: same card, new items
    assert loaded.card_ids[0] not in old_ids
    # The dropped card with a post is retired (old posts still show it), the unused one is gone.
    retired = await store.get_card(old_ids[1])
    assert retired is not None and retired.position is None and retired.card == posted
    assert await store.get_card(old_ids[2]) is None
    assert (await store.get_deck_info(deck_id)).card_count == 2  # type: ignore[union-attr]

    # Putting the retired card back revives it.
    await store.save_deck(None, "cours-2", SAMPLE_DECK)
    assert (await store.load_deck(deck_id)).card_ids[:2] == old_ids[:2]


async def test_a_failed_replacement_leaves_the_old_deck(store: Store) -> None:
    deck_id = await store.save_deck(None, "cours-2", SAMPLE_DECK)
    broken = Deck("Broken", (Card("Q?", (Item(None),)),))  # type: ignore[arg-type]
    with pytest.raises(Exception, match=r"(?i)not.null"):  # both engines name the constraint
        await store.save_deck(None, "cours-2", broken)
    assert (await store.load_deck(deck_id)).deck == SAMPLE_DECK
    assert len(await store.list_decks(None)) == 1


async def test_bad_decks_are_refused(store: Store) -> None:
    with pytest.raises(InvalidValue, match="no cards"):
        await store.save_deck(None, "empty", Deck("Empty", ()))
    for bad in ("   ", "x" * 65, "**bold**", "<@123>"):  # the one deck-name rule (bot.decks.names)
        with pytest.raises(InvalidValue, match="1 to 64 letters, digits, spaces or dashes"):
            await store.save_deck(None, bad, SAMPLE_DECK)
    with pytest.raises(UnknownRecord, match="deck 99 does not exist"):
        await store.load_deck(99)


async def test_a_guild_sees_its_own_decks_then_the_bundled_ones(store: Store) -> None:
    bundled = await store.save_deck(None, "cours-2", SAMPLE_DECK)
    other = await store.save_deck(None, "anglais", SAMPLE_DECK)
    own = await store.save_deck(GUILD, "cours-2", replace(SAMPLE_DECK, title="Notre version"))
    await store.save_deck(OTHER_GUILD, "secret", SAMPLE_DECK)
    listed = await store.list_decks(GUILD)
    assert [(deck.id, deck.guild_id) for deck in listed] == [(own, GUILD), (other, None), (bundled, None)]
    assert listed[0].card_count == 3 and listed[0].title == "Notre version"
    assert (await store.find_deck(GUILD, "Cours-2")).id == own  # type: ignore[union-attr]
    assert (await store.find_deck(OTHER_GUILD, "cours-2")).id == bundled  # type: ignore[union-attr]
    assert await store.find_deck(GUILD, "secret") is None
    assert [deck.name for deck in await store.list_decks(None)] == ["anglais", "cours-2"]


async def test_removing_a_deck_is_refused_while_a_guild_uses_it(
    store: Store, make_post: MakePost, guild: GuildSettings, deck_id: int
) -> None:
    post = await make_post(MONDAY)
    await store.record_answer(post.id, 7, "x", [0], 1.0, MONDAY + timedelta(minutes=1))
    with pytest.raises(DeckInUse, match=r"active deck of 1 server\(s\).*/tutor setup"):
        await store.remove_deck(None, "cours-2")
    other = await store.save_deck(None, "autre", SAMPLE_DECK)
    await store.update_guild(GUILD, active_deck_id=other)
    await store.remove_deck(None, "cours-2")
    assert await store.get_deck_info(deck_id) is None
    # The scores stay; the post just lost its card.
    assert (await store.member_stats(GUILD, 7, MONDAY)).points == 10  # type: ignore[union-attr]
    kept = await store.get_post(post.id)
    assert kept is not None and kept.card_id is None
    assert [item.hits for item in (await store.post_stats(post.id)).items] == [1]
    with pytest.raises(UnknownRecord, match="no deck named"):
        await store.remove_deck(None, "cours-2")


async def test_guild_settings_round_trip_and_update(store: Store, deck_id: int) -> None:
    assert await store.get_guild(GUILD) is None
    settings = GuildSettings(
        GUILD,
        channel_id=10,
        post_time="07:45",
        timezone="America/Los_Angeles",
        days_mask=days_to_mask("mon,wed,fri"),
        active_deck_id=deck_id,
        language="en",
        teacher_role_id=99,
        private_answers=True,
    )
    saved = await store.save_guild(settings)
    assert replace(saved, created_at=None, updated_at=None) == settings
    assert saved.created_at is not None and saved.tz == ZoneInfo("America/Los_Angeles")
    assert saved.weekdays == frozenset({0, 2, 4}) and saved.post_hour_minute == (7, 45)
    assert saved.answer_window_hours == 24  # the default
    paused = await store.update_guild(GUILD, paused=True, answer_window_hours=12)
    assert paused.paused and paused.answer_window_hours == 12 and paused.created_at == saved.created_at
    assert [g.guild_id for g in await store.guilds()] == [GUILD]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"post_time": "8h"}, "not HH:MM"),
        ({"post_time": "24:00"}, "not HH:MM"),
        ({"timezone": "Europe/Lyon"}, "unknown timezone"),
        ({"days_mask": 128}, "7-bit"),
        ({"answer_window_hours": 0}, "between 1 and 168"),
        ({"language": "de"}, "fr, en"),
        ({"colour": "blue"}, "unknown guild settings"),
    ],
)
async def test_bad_settings_are_refused(store: Store, changes: dict[str, object], message: str) -> None:
    saved = await store.save_guild(GuildSettings(GUILD))
    with pytest.raises(InvalidValue, match=message):
        await store.update_guild(GUILD, **changes)
    assert await store.get_guild(GUILD) == saved


async def test_an_unknown_active_deck_or_guild_is_refused(store: Store) -> None:
    with pytest.raises(UnknownRecord, match="deck 404 does not exist"):
        await store.save_guild(GuildSettings(GUILD, active_deck_id=404))
    with pytest.raises(UnknownRecord, match="not set up yet"):
        await store.update_guild(GUILD, paused=True)


def test_days_of_the_week_as_a_mask() -> None:
    assert days_to_mask("mon,tue") == 0b11
    assert days_to_mask("Monday; Friday Sunday") == 0b1010001
    assert days_to_mask("") == days_to_mask("all") == ALL_DAYS
    assert mask_to_days(0b1010001) == "mon,fri,sun"
    with pytest.raises(InvalidValue, match="unknown day"):
        days_to_mask("lundi")


async def test_practice_reviews_and_sessions(store: Store, card_ids: tuple[int, ...], deck_id: int) -> None:
    now = MONDAY
    await store.record_practice(
        GUILD, 7, card_ids[0], state='{"s": 1}', due=now + timedelta(days=3), score=1.0, answered_at=now
    )
    await store.record_practice(
        None, 7, card_ids[1], state='{"s": 2}', due=now - timedelta(hours=1), score=0.5, answered_at=now
    )
    total = await store.record_practice(
        GUILD, 7, card_ids[0], state='{"s": 3}', due=now + timedelta(days=9), score=1.0, answered_at=now
    )
    assert total == 20  # practice points in that guild only
    review = await store.get_review(7, card_ids[0])
    assert review is not None and review.state == '{"s": 3}' and review.reviews == 2
    assert review.due == now + timedelta(days=9)
    assert [r.card_id for r in await store.due_reviews(7, deck_id, now)] == [card_ids[1]]
    assert [r.card_id for r in await store.deck_reviews(7, deck_id)] == [card_ids[1], card_ids[0]]
    assert await store.practice_totals(None, 7) == (5, 1)
    with pytest.raises(ValueError):
        await store.record_practice(
            GUILD, 7, card_ids[0], state="not json", due=now, score=1.0, answered_at=now
        )
    with pytest.raises(UnknownRecord):
        await store.record_practice(GUILD, 7, 404, state="{}", due=now, score=1.0, answered_at=now)

    await store.save_practice_session(GUILD, 7, '{"queue": [1, 2]}', expires_at=now + timedelta(minutes=30))
    await store.save_practice_session(GUILD, 7, '{"queue": [2]}', expires_at=now + timedelta(minutes=45))
    session = await store.load_practice_session(GUILD, 7)
    assert session is not None and session.state == '{"queue": [2]}'
    assert session.expires_at == now + timedelta(minutes=45)
    assert await store.load_practice_session(None, 7) is None
    await store.delete_practice_session(GUILD, 7)
    assert await store.load_practice_session(GUILD, 7) is None
