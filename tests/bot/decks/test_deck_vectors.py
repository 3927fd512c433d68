"""A deck's grading vectors are kept with the stored deck: after a restart (a new Store and a new library on
the same database) they are restored, not embedded again; an edited card or an accepted alias gets fresh
vectors for what changed only; damaged or another model's vectors are embedded again, never an error.

The model is a stand-in that counts what it is asked to embed (the seam: the loaded model of
bot.grading.semantic); "a restart" empties the process's memory of vectors.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.daily.results import PostJob, SetupRequest
from bot.decks import Card, Item
from bot.decks.library import DeckLibrary
from bot.grading import deck_texts, grade_reply, meaning, semantic
from bot.services import Services
from bot.store import GuildSettings, NewGrade, Store, StoredReply, StoreUnavailable
from bot.teacher.results import ImportPreview
from tests.support import Clock
from tests.support.decks import card, deck, item

GUILD = 111
OTHER_GUILD = 222

CYCLE = deck(
    "Le cycle de l'eau",
    card(
        "Les étapes du cycle de l'eau ?",
        item("Évaporation: l'eau des océans devient vapeur", "evaporation"),
        "Condensation: la vapeur forme les nuages",
        "Précipitations",
    ),
    card("Qui produit la matière organique ?", "Plantes vertes: par la photosynthèse"),
    card("Qui décompose la matière morte ?", "Champignons", "Bactéries"),
)
TEXTS = deck_texts([c.items for c in CYCLE.cards])


class CountingModel:
    """Stands in for the sentence encoder: a fixed pseudo-random vector per text, and every call kept."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([_vector(text) for text in texts])

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]


def _vector(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
    return np.random.default_rng(seed).standard_normal(semantic.DIMENSIONS).astype(np.float32)


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingModel]:
    fake = CountingModel()
    monkeypatch.setattr(semantic._state, "model", fake)
    monkeypatch.setattr(semantic._state, "failure", None)
    monkeypatch.setattr(semantic._state, "enabled", True)
    monkeypatch.setattr(semantic._state, "cache", {})
    yield fake
    meaning._card_vectors.cache_clear()  # grading's per-card caches hold the stand-in's vectors
    meaning._deck_matrix.cache_clear()


def restart(model: CountingModel) -> None:
    """A new process: no vector in memory, no call counted yet."""
    semantic._state.cache = {}
    semantic.forget_recent_parts()
    meaning._card_vectors.cache_clear()
    meaning._deck_matrix.cache_clear()
    model.calls.clear()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tutor.db"


async def first_start(db: Path, guild_id: int | None = GUILD) -> int:
    """The bundled deck stored and graded once (its vectors computed and stored); its id."""
    async with Store.open(db) as store:
        deck_id = await store.save_deck(None, "cycle", CYCLE)
        library = DeckLibrary(store)
        assert await library.others(deck_id, 0, guild_id) is not None
        await library.close()  # the vectors are stored in the background; closing waits for them
    return deck_id


async def graded_after_restart(db: Path, deck_id: int, guild_id: int | None = GUILD) -> None:
    async with Store.open(db) as store:
        library = DeckLibrary(store)
        await library.others(deck_id, 0, guild_id)
        await library.close()


async def test_after_a_restart_the_deck_is_restored_not_embedded(db: Path, model: CountingModel) -> None:
    deck_id = await first_start(db)
    assert model.calls == [TEXTS]  # every item, alias and detail, in one call
    before = semantic.deck_vectors(TEXTS)
    restart(model)
    async with Store.open(db) as store:
        library = DeckLibrary(store)
        stored = await store.load_deck(deck_id, guild_id=GUILD)
        others = await library.others(deck_id, stored.card_ids[0], GUILD)
        assert model.calls == []
        assert np.allclose(semantic.deck_vectors(TEXTS), before, atol=2e-3)  # the same vectors (float16)
        # A member's answer: only the reply is embedded, never the deck again.
        first = stored.deck.cards[0]
        grade_reply(first.items, "la vapeur qui monte des mers", question=first.question, others=others)
        assert model.calls and not set(model.embedded) & set(TEXTS)
        await library.close()


async def test_concurrent_first_answers_embed_the_deck_once(db: Path, model: CountingModel) -> None:
    async with Store.open(db) as store:
        deck_id = await store.save_deck(None, "cycle", CYCLE)
        library = DeckLibrary(store)
        ids = (await store.load_deck(deck_id)).card_ids
        await asyncio.gather(*(library.others(deck_id, ids[n % 3], GUILD) for n in range(20)))
        assert model.calls == [TEXTS]
        await library.close()


async def test_an_edited_card_gets_fresh_vectors_for_what_changed(db: Path, model: CountingModel) -> None:
    deck_id = await first_start(db)
    async with Store.open(db) as store:
        ids = (await store.load_deck(deck_id)).card_ids
        await store.update_card(
            ids[2], Card("Qui décompose la matière morte ?", (Item("Champignons"), Item("Vers de terre")))
        )
    restart(model)
    await graded_after_restart(db, deck_id)
    assert model.calls == [["Vers de terre", "de terre"]]  # the new key (and its words after the first) only
    restart(model)
    await graded_after_restart(db, deck_id)
    assert model.calls == []  # the edited deck's vectors were stored


async def test_an_accepted_alias_is_embedded_once_for_its_guild_only(db: Path, model: CountingModel) -> None:
    deck_id = await first_start(db)

    async def regrade(card: Card, replies: Sequence[StoredReply]) -> list[NewGrade]:
        return []

    async with Store.open(db) as store:
        await store.save_guild(GuildSettings(GUILD, channel_id=5))
        ids = (await store.load_deck(deck_id)).card_ids
        await store.teach_alias(GUILD, ids[0], "Condensation", "nuages", key="nuages", regrade=regrade)
    restart(model)
    await graded_after_restart(db, deck_id, GUILD)
    assert model.calls == [["nuages"]]
    model.calls.clear()
    await graded_after_restart(db, deck_id, OTHER_GUILD)  # the bundled deck's own vectors: already here
    assert model.calls == []
    restart(model)
    await graded_after_restart(db, deck_id, GUILD)
    await graded_after_restart(db, deck_id, OTHER_GUILD)
    assert model.calls == []  # both restored: the deck's own row and the guild's alias row


@pytest.mark.parametrize("damage", [b"TUTORSEM1 damaged", b"not vectors at all"])
async def test_damaged_vectors_are_embedded_again_and_logged_once(
    db: Path, model: CountingModel, caplog: pytest.LogCaptureFixture, damage: bytes
) -> None:
    deck_id = await first_start(db)
    async with Store.open(db) as store:
        stored = await store.deck_vectors(deck_id, semantic.MODEL_ID)
        assert stored is not None
        await store.save_deck_vectors(deck_id, semantic.MODEL_ID, stored.digest, damage)
    restart(model)
    with caplog.at_level(logging.WARNING, logger="bot.decks.vectors"):
        async with Store.open(db) as store:
            library = DeckLibrary(store)
            others = await library.others(deck_id, 0, GUILD)
            await library.others(deck_id, 0, OTHER_GUILD)
            library.forget_others()
            await library.others(deck_id, 0, GUILD)
            await library.close()
    assert others is not None  # the member is graded as ever
    assert model.calls == [TEXTS]
    warnings = [r for r in caplog.records if r.name == "bot.decks.vectors"]
    assert len(warnings) == 1 and "could not be read" in warnings[0].getMessage()
    restart(model)
    await graded_after_restart(db, deck_id)
    assert model.calls == []  # stored again, sound


async def test_another_model_never_reuses_the_stored_vectors(
    db: Path, model: CountingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck_id = await first_start(db)
    shipped = semantic.MODEL_ID
    monkeypatch.setattr(semantic, "MODEL_ID", "use-multilingual-v4/another")
    restart(model)
    await graded_after_restart(db, deck_id)
    assert model.calls == [TEXTS]
    async with Store.open(db) as store:
        assert await store.deck_vectors(deck_id, shipped) is None
        assert await store.deck_vectors(deck_id, "use-multilingual-v4/another") is not None


async def test_with_meaning_off_nothing_is_computed_or_stored(
    db: Path, model: CountingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(semantic._state, "enabled", False)  # TUTOR_SEMANTIC=0
    deck_id = await first_start(db)
    async with Store.open(db) as store:
        library = DeckLibrary(store)
        await library.playable(GUILD, "cycle", "quiz")
        library.vectors.prepare_later(deck_id)
        await library.close()
        assert await store.deck_vectors(deck_id, semantic.MODEL_ID) is None
    assert model.calls == []


async def test_a_quiz_or_practice_deck_is_restored_in_the_background_as_it_starts(
    db: Path, model: CountingModel
) -> None:
    await first_start(db)
    restart(model)
    async with Store.open(db) as store:
        library = DeckLibrary(store)
        await library.playable(GUILD, "cycle", "practice")  # returns at once: the command answers in time
        await library.vectors.settled()
        await library.close()
    semantic.deck_vectors(TEXTS)
    assert model.calls == []


async def test_saved_decks_are_prepared_ahead_in_the_background(db: Path, model: CountingModel) -> None:
    async with Store.open(db) as store:
        deck_id = await store.save_deck(None, "cycle", CYCLE)
        library = DeckLibrary(store)
        await library.prepare_bundled()  # what the bot does at start-up
        await library.vectors.settled()
        await library.close()
        assert await store.deck_vectors(deck_id, semantic.MODEL_ID) is not None
    assert model.calls == [TEXTS]
    restart(model)
    await graded_after_restart(db, deck_id)
    assert model.calls == []


async def test_a_deck_a_teacher_imports_is_prepared_before_its_first_answer(
    db: Path, model: CountingModel
) -> None:
    async with Store.open(db) as store:
        services = Services.build(store, Clock(datetime(2025, 3, 10, 12, 0, tzinfo=UTC)))
        await services.teacher.save_import(ImportPreview(GUILD, "cycle.yaml", "cycle", CYCLE, None))
        await services.decks.vectors.settled()
        info = await store.find_deck(GUILD, "cycle")
        assert info is not None and await store.deck_vectors(info.id, semantic.MODEL_ID) is not None
        await services.close()
    assert model.calls == [TEXTS]


async def test_a_second_library_in_the_same_process_warns_of_nothing(
    db: Path, model: CountingModel, caplog: pytest.LogCaptureFixture
) -> None:
    deck_id = await first_start(db)
    model.calls.clear()
    with caplog.at_level(logging.INFO, logger="bot.decks.vectors"):
        await graded_after_restart(db, deck_id)  # the vectors are in memory already: nothing to restore
    assert model.calls == []
    assert [r for r in caplog.records if r.name == "bot.decks.vectors"] == []


async def test_the_database_failing_costs_the_member_nothing(
    db: Path, model: CountingModel, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    deck_id = await first_start(db)
    restart(model)

    async def unavailable(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("the database is read-only", reason="read_only")

    async with Store.open(db) as store:
        monkeypatch.setattr(store, "deck_vectors", unavailable)
        library = DeckLibrary(store)
        with caplog.at_level(logging.WARNING, logger="bot.decks.vectors"):
            others = await library.others(deck_id, 0, GUILD)
        await library.close()
    assert others is not None and len(others) == len(CYCLE.cards)
    assert model.calls == []  # nothing embedded ahead: grading embeds what it needs, as without the store
    assert len([r for r in caplog.records if r.name == "bot.decks.vectors"]) == 1


async def test_a_members_first_answer_after_a_restart_embeds_only_the_reply(
    db: Path, model: CountingModel
) -> None:
    clock = Clock(datetime(2025, 3, 10, 11, 0, tzinfo=UTC))

    async def answer(store: Store, member: int) -> None:
        services = Services.build(store, clock)
        outcome = await services.daily.answer(GUILD, member, "l'eau monte en vapeur, puis il pleut")
        assert outcome.grade is not None
        await services.close()

    async with Store.open(db, clock=clock) as store:
        await store.save_deck(None, "cycle", CYCLE)
        services = Services.build(store, clock)
        await services.daily.setup(
            SetupRequest(guild_id=GUILD, channel_id=5, time="08:00", timezone="UTC", deck="cycle")
        )
        clock.now = datetime(2025, 3, 11, 8, 0, tzinfo=UTC)
        job = next(job for job in await services.daily.posts.due_jobs() if isinstance(job, PostJob))
        prepared = await services.daily.posts.prepare_post(job.guild_id, job.slot)
        assert prepared is not None
        await services.daily.posts.post_sent(prepared, 5, 9000)
        await services.close()
        clock.now += timedelta(minutes=5)
        await answer(store, 1001)
    assert model.calls[0] == TEXTS  # the first answer ever: the deck embedded once, then stored
    restart(model)
    async with Store.open(db, clock=clock) as store:
        await answer(store, 1002)
    assert model.calls and not set(model.embedded) & set(TEXTS)  # the reply's parts only
