"""A deck's grading vectors kept with the stored deck: read back byte for byte, one row per scope and model,
replaced when written again, gone with their deck, and a forgotten guild's taught-alias vectors gone too."""

from __future__ import annotations

import pytest
from store_support import GUILD, OTHER_GUILD, SAMPLE_DECK

from bot.store import GuildSettings, InvalidValue, Store

MODEL = "use-multilingual-v3/test"
BLOB = bytes(range(256)) * 40  # every byte value, NUL included: a real blob is binary


async def test_vectors_come_back_byte_for_byte_per_scope_and_model(store: Store, deck_id: int) -> None:
    assert await store.deck_vectors(deck_id, MODEL) is None
    assert await store.save_deck_vectors(deck_id, MODEL, "own", BLOB)
    assert await store.save_deck_vectors(deck_id, MODEL, "taught", b"\x00guild", guild_id=GUILD)
    own = await store.deck_vectors(deck_id, MODEL)
    assert own is not None and (own.digest, own.blob, own.guild_id) == ("own", BLOB, 0)
    taught = await store.deck_vectors(deck_id, MODEL, guild_id=GUILD)
    assert taught is not None and (taught.digest, taught.blob) == ("taught", b"\x00guild")
    assert await store.deck_vectors(deck_id, MODEL, guild_id=OTHER_GUILD) is None  # another guild taught none
    assert await store.deck_vectors(deck_id, "another-model/v4") is None  # another model never reads them


async def test_writing_again_replaces_and_drops_another_models_vectors(store: Store, deck_id: int) -> None:
    await store.save_deck_vectors(deck_id, "old-model", "d1", b"old")
    await store.save_deck_vectors(deck_id, MODEL, "d1", b"first")
    await store.save_deck_vectors(deck_id, MODEL, "d2", b"second")
    stored = await store.deck_vectors(deck_id, MODEL)
    assert stored is not None and (stored.digest, stored.blob) == ("d2", b"second")
    assert await store.deck_vectors(deck_id, "old-model") is None


async def test_removing_a_deck_removes_its_vectors(store: Store) -> None:
    deck_id = await store.save_deck(GUILD, "mine", SAMPLE_DECK)
    await store.save_deck_vectors(deck_id, MODEL, "own", BLOB)
    await store.save_deck_vectors(deck_id, MODEL, "taught", BLOB, guild_id=GUILD)
    await store.remove_deck(GUILD, "mine")
    assert await store.deck_vectors(deck_id, MODEL) is None
    assert await store.deck_vectors(deck_id, MODEL, guild_id=GUILD) is None
    # A deck removed before its vectors were written: nothing is stored, nothing raises.
    assert await store.save_deck_vectors(deck_id, MODEL, "own", BLOB) is False
    assert await store.deck_vectors(deck_id, MODEL) is None


async def test_a_reimport_keeps_the_row_for_the_reader_to_judge(store: Store, deck_id: int) -> None:
    await store.save_deck_vectors(deck_id, MODEL, "own", BLOB)
    assert await store.save_deck(None, "cours-2", SAMPLE_DECK) == deck_id  # same deck id
    stored = await store.deck_vectors(deck_id, MODEL)
    assert stored is not None and stored.digest == "own"  # the digest says which texts they were made for


async def test_forgetting_a_guild_forgets_its_taught_alias_vectors_only(store: Store, deck_id: int) -> None:
    await store.save_guild(GuildSettings(GUILD, channel_id=5))
    await store.save_deck_vectors(deck_id, MODEL, "own", BLOB)
    await store.save_deck_vectors(deck_id, MODEL, "taught", BLOB, guild_id=GUILD)
    await store.save_deck_vectors(deck_id, MODEL, "theirs", BLOB, guild_id=OTHER_GUILD)
    await store.forget_guild(GUILD)
    assert await store.deck_vectors(deck_id, MODEL, guild_id=GUILD) is None
    assert await store.deck_vectors(deck_id, MODEL, guild_id=OTHER_GUILD) is not None
    assert await store.deck_vectors(deck_id, MODEL) is not None  # the bundled deck's own stay


@pytest.mark.parametrize("model, digest, blob", [("", "d", b"x"), (MODEL, "", b"x"), (MODEL, "d", b"")])
async def test_incomplete_vectors_are_refused(
    store: Store, deck_id: int, model: str, digest: str, blob: bytes
) -> None:
    with pytest.raises(InvalidValue):
        await store.save_deck_vectors(deck_id, model, digest, blob)
    assert await store.deck_vectors(deck_id, MODEL) is None
