"""Fixtures for the store tests: a fresh database per test, a small deck, and a way to make open posts.

Every test that takes ``store`` (or ``target``) runs on both engines: SQLite always, PostgreSQL when
TUTOR_TEST_PG names a database the tests may wipe (``.ci/run`` starts a throwaway server and sets it).
Without it, the PostgreSQL half is skipped and says how to enable it. Modules or tests about SQLite itself
(its files, pragmas, locks) are marked ``sqlite_only``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pg_server import PG_URL, SKIP_PG
from store_support import GUILD, SAMPLE_DECK, MakePost

from bot.store import GuildSettings, Post, Store
from tests.support.postgres import wipe_postgres


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (its file, pragmas, locks)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    engines = (
        ["sqlite"] if metafunc.definition.get_closest_marker("sqlite_only") else ["sqlite", "postgresql"]
    )
    metafunc.parametrize("engine", engines, indirect=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, at the end of any run, that the PostgreSQL half was skipped and how to enable it."""
    skipped = [
        report for report in terminalreporter.stats.get("skipped", []) if "bot/store/" in report.nodeid
    ]
    if skipped and not PG_URL:
        terminalreporter.write_line(f"{len(skipped)} store tests: {SKIP_PG}")


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tutor.db"


@pytest.fixture
async def target(engine: str, db_path: Path) -> str | Path:
    """What Store.open takes: the SQLite file, or the PostgreSQL URL of a freshly emptied database."""
    if engine == "sqlite":
        return db_path
    if not PG_URL:
        pytest.skip(SKIP_PG)
    await wipe_postgres(PG_URL)
    return PG_URL


@pytest.fixture
async def pg_url() -> str:
    """The PostgreSQL test database, emptied (for the tests about PostgreSQL itself)."""
    if not PG_URL:
        pytest.skip(SKIP_PG)
    await wipe_postgres(PG_URL)
    return PG_URL


@pytest.fixture
async def store(target: str | Path) -> AsyncIterator[Store]:
    async with Store.open(target) as opened:
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
