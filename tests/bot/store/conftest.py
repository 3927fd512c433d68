"""Fixtures for the store tests: a fresh database per test, a small deck, and a way to make open posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_support import GUILD, SAMPLE_DECK, MakePost

from bot.store import GuildSettings, Post, Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tutor.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
async def deck_id(store: Store) -> int:
    return await store.save_deck(None, "cours-2", SAMPLE_DECK)


@pytest.fixture
async def card_ids(store: Store, deck_id: int) -> tuple[int, ...]:
    return (await store.load_deck(deck_id)).card_ids


@pytest.fixture
async def guild(store: Store, deck_id: int) -> GuildSettings:
    return await store.save_guild(
        GuildSettings(GUILD, channel_id=5, timezone="Europe/Paris", active_deck_id=deck_id)
    )


@pytest.fixture
def make_post(store: Store, card_ids: tuple[int, ...]) -> MakePost:
    """A sent post of ``guild_id`` for ``slot``, open for ``hours`` from the slot."""

    async def make(
        slot: datetime, *, guild_id: int = GUILD, hours: float = 24, card: int = 0, sent: bool = True
    ) -> Post:
        claim = await store.claim_post(
            guild_id, slot, card_ids[card % len(card_ids)], closes_at=slot + timedelta(hours=hours)
        )
        if not sent:
            return claim.post
        return await store.set_post_message(claim.post.id, 5, 10_000 + claim.post.id, slot)

    return make
