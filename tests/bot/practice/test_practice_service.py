"""The practice session core: card choice by spaced repetition, grading and recording, persistence, expiry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.decks import Card, Deck, Item
from bot.decks.library import DeckLibrary
from bot.errors import UserError
from bot.practice.service import (
    DEFAULT_COUNT,
    Feedback,
    Gone,
    PracticeError,
    PracticeService,
    Question,
    SessionState,
    Summary,
)
from bot.store import GuildSettings, Store
from tests.support import Clock

GUILD, ALICE, BOB = 111, 201, 202
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

DECK = Deck(
    title="Petit paquet",
    language="fr",
    cards=(
        Card(
            "Quelles sont les 4 forces de l'identité numérique ?",
            (
                Item("Connexion", "Se connecter à son univers de référence."),
                Item("Preuve", "Montrer ce que l'on fait."),
                Item("Cohérence"),
                Item("Historique"),
            ),
        ),
        Card("Quels sont les 3 piliers ?", (Item("Veille"), Item("Objectifs"), Item("Mesure"))),
        Card("Nommez 2 réseaux.", (Item("Facebook", aliases=("FB",)), Item("LinkedIn"))),
    ),
)
QUESTIONS = [card.question for card in DECK.cards]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "tutor.db") as opened:
        yield opened


@pytest.fixture
async def deck_id(store: Store) -> int:
    return await store.save_deck(None, "cours-2", DECK)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def sessions(store: Store, clock: Clock, deck_id: int) -> PracticeService:
    return PracticeService(store, DeckLibrary(store), clock=clock)


async def stored_state(store: Store, member: int = ALICE) -> SessionState | None:
    saved = await store.load_practice_session(GUILD, member)
    return None if saved is None else SessionState.from_json(saved.state)


# ---------------------------------------------------------------------------------------------- choosing


async def test_a_new_member_gets_new_cards_in_deck_order(sessions: PracticeService, store: Store):
    started = await sessions.start(GUILD, ALICE, None, 2)
    assert (started.new, started.due, started.ahead, started.deck_name) == (2, 0, 0, "cours-2")
    q = started.question
    assert (q.number, q.total, q.position, q.deck_title) == (1, 2, 0, "Petit paquet")
    assert q.question == QUESTIONS[0] and q.item_count == 4
    state = await stored_state(store)
    assert state is not None and state.id == q.session_id and len(state.card_ids) == 2


async def test_due_cards_come_first_then_new_ones(
    sessions: PracticeService, store: Store, deck_id: int, clock: Clock
):
    card_ids = (await store.load_deck(deck_id)).card_ids
    # Alice practised card 3 badly a while ago (due now) and card 1 perfectly (due much later).
    first = await sessions.start(GUILD, ALICE, "cours-2", 3)
    await sessions.answer(GUILD, ALICE, first.question.session_id, 0, "connexion preuve cohérence historique")
    step = await sessions.advance(GUILD, ALICE, first.question.session_id, 0)
    assert isinstance(step, Question) and step.position == 1
    await sessions.answer(GUILD, ALICE, step.session_id, 1, "je sais pas")
    step = await sessions.advance(GUILD, ALICE, step.session_id, 1)
    assert isinstance(step, Question) and step.question == QUESTIONS[2]
    await sessions.answer(GUILD, ALICE, step.session_id, 2, "rien")

    clock.advance(days=2)
    again = await sessions.start(GUILD, ALICE, None, 3)
    reviews = {r.card_id: r.due for r in await store.deck_reviews(ALICE, deck_id)}
    assert reviews[card_ids[1]] <= clock.now < reviews[card_ids[0]]
    assert again.due == 2 and again.new == 0 and again.ahead == 1
    state = await stored_state(store)
    assert state is not None and state.card_ids[-1] == card_ids[0]  # the well-known card comes last
    assert again.question.card_id in (card_ids[1], card_ids[2])


async def test_count_is_bounded_and_defaults(sessions: PracticeService):
    assert (await sessions.start(GUILD, ALICE)).question.total == min(DEFAULT_COUNT, 3)
    assert (await sessions.start(GUILD, BOB, None, 0)).question.total == 1


# ---------------------------------------------------------------------------------------------- decks


async def test_unknown_empty_and_missing_decks_store_nothing(store: Store, tmp_path: Path):
    async with Store.open(tmp_path / "empty.db") as bare:
        with pytest.raises(UserError) as none:
            await PracticeService(bare, DeckLibrary(bare)).start(GUILD, ALICE)
        assert none.value.key == "practice.error.no_deck"
    await store.save_deck(GUILD, "vide", Deck(title="Vide", cards=(Card("Rien ?", ()),)))
    sessions = PracticeService(store, DeckLibrary(store))
    with pytest.raises(UserError) as unknown:
        await sessions.start(GUILD, ALICE, "**nope** @everyone")
    assert (unknown.value.key, unknown.value.user) == (
        "practice.error.unknown_deck",
        {"name": "**nope** @everyone"},
    )
    with pytest.raises(UserError) as empty:
        await sessions.start(GUILD, ALICE, "vide")
    assert (empty.value.key, empty.value.user) == ("practice.error.empty_deck", {"name": "vide"})
    assert await store.load_practice_session(GUILD, ALICE) is None
    assert await store.practice_totals(GUILD, ALICE) == (0, 0)


async def test_the_guild_active_deck_is_the_default(store: Store, deck_id: int):
    other = await store.save_deck(GUILD, "anglais", Deck(title="English", cards=(DECK.cards[2],)))
    decks = DeckLibrary(store)
    assert (await decks.playable(GUILD, None, "practice")).info.id == deck_id  # bundled cours-2
    await store.save_guild(GuildSettings(GUILD, active_deck_id=other))
    chosen = await decks.playable(GUILD, None, "practice")
    assert (chosen.info.id, chosen.stored.deck.title, len(chosen.usable)) == (other, "English", 1)
    assert (await decks.playable(GUILD, "COURS-2", "practice")).info.id == deck_id  # names ignore case


# ---------------------------------------------------------------------------------------------- answering


async def test_feedback_is_complete_and_recorded(sessions: PracticeService, store: Store, deck_id: int):
    started = await sessions.start(GUILD, ALICE, None, 2)
    sid = started.question.session_id
    feedback = await sessions.answer(
        GUILD, ALICE, sid, 0, "- connexions\n- montrer ce que l'on fait\n- pizza"
    )
    assert isinstance(feedback, Feedback) and not feedback.last
    assert [(f.answer, f.part, f.via) for f in feedback.found] == [
        ("Connexion", "connexions", "answer"),
        ("Preuve", "montrer", "detail"),  # described by its detail
    ]
    assert [(m.answer, m.detail) for m in feedback.missed] == [("Cohérence", ""), ("Historique", "")]
    assert feedback.unmatched == ("pizza",)
    assert (feedback.found_count, feedback.total, feedback.score) == (2, 4, 0.5)
    assert feedback.points == 5 and feedback.practice_points == 5
    assert feedback.due > START
    card_id = (await store.load_deck(deck_id)).card_ids[0]
    review = await store.get_review(ALICE, card_id)
    assert review is not None and review.reviews == 1 and review.due == feedback.due
    assert await store.practice_totals(GUILD, ALICE) == (5, 1)
    state = await stored_state(store)
    assert state is not None and state.answered and state.scores == (0.5,) and state.points == 5


async def test_a_card_is_graded_once(sessions: PracticeService, store: Store):
    sid = (await sessions.start(GUILD, ALICE, None, 2)).question.session_id
    await sessions.answer(GUILD, ALICE, sid, 0, "connexion")
    with pytest.raises(PracticeError) as again:
        await sessions.answer(GUILD, ALICE, sid, 0, "connexion preuve cohérence historique")
    assert again.value.key == "practice.error.already_answered"
    with pytest.raises(PracticeError):
        await sessions.question(GUILD, ALICE, sid)  # the Answer button of an answered card
    with pytest.raises(PracticeError):
        await sessions.answer(GUILD, ALICE, sid, 1, "veille")  # not shown yet
    assert await store.practice_totals(GUILD, ALICE) == (2, 1)  # 1 item of 4: round(2.5) = 2 points


async def test_next_is_idempotent_and_the_last_answer_ends_with_a_summary(
    sessions: PracticeService, store: Store
):
    sid = (await sessions.start(GUILD, ALICE, None, 2)).question.session_id
    await sessions.answer(GUILD, ALICE, sid, 0, "connexion, preuve, cohérence, historique")
    first = await sessions.advance(GUILD, ALICE, sid, 0)
    second = await sessions.advance(GUILD, ALICE, sid, 0)  # a double click
    assert isinstance(first, Question) and first == second and first.position == 1
    assert await sessions.question(GUILD, ALICE, sid) == first
    last = await sessions.answer(GUILD, ALICE, sid, 1, "veille\nobjectifs")
    assert isinstance(last, Feedback) and last.last
    summary = last.summary
    assert summary is not None and (summary.answered, summary.total, summary.points) == (2, 2, 17)
    assert summary.average == pytest.approx((1 + 2 / 3) / 2, abs=1e-4) and summary.best == 1.0
    assert await store.load_practice_session(GUILD, ALICE) is None
    assert await sessions.advance(GUILD, ALICE, sid, 1) == Gone("ended")


async def test_stop_gives_the_summary_and_ends(sessions: PracticeService, store: Store):
    sid = (await sessions.start(GUILD, ALICE, None, 3)).question.session_id
    summary = await sessions.stop(GUILD, ALICE, sid)
    assert summary == Summary("Petit paquet", answered=0, total=3, average=0.0, best=0.0, points=0)
    assert await store.load_practice_session(GUILD, ALICE) is None
    assert await sessions.stop(GUILD, ALICE, sid) == Gone("ended")


async def test_a_new_session_replaces_the_old_one(sessions: PracticeService):
    old = (await sessions.start(GUILD, ALICE)).question.session_id
    new = (await sessions.start(GUILD, ALICE)).question.session_id
    assert old != new
    assert await sessions.question(GUILD, ALICE, old) == Gone("ended")
    assert isinstance(await sessions.question(GUILD, ALICE, new), Question)
    # Other members and guilds have their own sessions.
    assert await sessions.question(GUILD, BOB, new) == Gone("ended")


# ---------------------------------------------------------------------------------------------- persistence


async def test_a_session_resumes_from_the_store_and_expires_when_idle(
    store: Store, clock: Clock, deck_id: int
):
    first = PracticeService(store, DeckLibrary(store), clock=clock)
    sid = (await first.start(GUILD, ALICE, None, 3)).question.session_id
    await first.answer(GUILD, ALICE, sid, 0, "connexion")

    clock.advance(minutes=50)  # "after a restart": a new service on the same store
    second = PracticeService(store, DeckLibrary(store), clock=clock)
    step = await second.advance(GUILD, ALICE, sid, 0)
    assert isinstance(step, Question) and step.number == 2

    clock.advance(minutes=61)
    third = PracticeService(store, DeckLibrary(store), clock=clock)
    assert await third.question(GUILD, ALICE, sid) == Gone("expired")
    assert await store.load_practice_session(GUILD, ALICE) is None  # dropped
    assert await third.question(GUILD, ALICE, sid) == Gone("ended")
    assert await store.practice_totals(GUILD, ALICE) == (2, 1)  # the answer was kept


async def test_cards_removed_meanwhile_are_skipped(store: Store, clock: Clock, deck_id: int):
    sessions = PracticeService(store, DeckLibrary(store), clock=clock)
    sid = (await sessions.start(GUILD, ALICE, None, 3)).question.session_id
    await sessions.answer(GUILD, ALICE, sid, 0, "connexion")
    # The teacher re-imports the deck without its second card (never reviewed, so it is deleted).
    await store.save_deck(None, "cours-2", Deck(title="Petit paquet", cards=(DECK.cards[0], DECK.cards[2])))
    step = await sessions.advance(GUILD, ALICE, sid, 0)
    assert isinstance(step, Question) and step.question == QUESTIONS[2] and step.position == 2


async def test_a_broken_saved_state_counts_as_ended(store: Store, sessions: PracticeService):
    await store.save_practice_session(GUILD, ALICE, '{"v": 99}', expires_at=START + timedelta(hours=1))
    assert await sessions.question(GUILD, ALICE, "abcd1234") == Gone("ended")
    assert SessionState.from_json("[]") is None
