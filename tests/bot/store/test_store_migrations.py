"""Migrations: from an empty file and from every earlier schema version, atomic, and the same end result."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from store_support import MONDAY, SAMPLE_DECK

from bot.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError

# About SQLite itself (its file, its pragmas, its connection): the PostgreSQL half is in test_store_postgres.
pytestmark = pytest.mark.sqlite_only

# Rows that every schema version since the first can hold, written with plain SQL the way an older bot did.
_V1_ROWS = (
    "INSERT INTO decks (id, guild_id, name, title, language, created_at, updated_at) "
    "VALUES (1, NULL, 'old', 'Old deck', 'fr', 0, 0)",
    "INSERT INTO cards (id, deck_id, position, question) VALUES (1, 1, 0, 'Q?')",
    "INSERT INTO items (card_id, position, answer) VALUES (1, 0, 'A'), (1, 1, 'B')",
    "INSERT INTO guilds (guild_id, channel_id, active_deck_id, created_at, updated_at) "
    "VALUES (7, 70, 1, 0, 0)",
    "INSERT INTO posts (id, guild_id, deck_id, card_id, slot, claimed_at, posted_at, closes_at) "
    f"VALUES (1, 7, 1, 1, {int(MONDAY.timestamp())}, 0, {int(MONDAY.timestamp())}, "
    f"{int((MONDAY + timedelta(days=1)).timestamp())})",
    "INSERT INTO answers (post_id, guild_id, deck_id, member_id, reply, matched, score, points, answered_at) "
    f"VALUES (1, 7, 1, 900, 'A', '[0]', 0.5, 5, {int(MONDAY.timestamp()) + 60})",
    "INSERT INTO member_totals (guild_id, member_id, points, answers, score_sum, streak, best_streak, "
    f"last_post_id, last_slot) VALUES (7, 900, 5, 1, 0.5, 1, 1, 1, {int(MONDAY.timestamp())})",
)


def _make_at_version(path: Path, version: int) -> None:
    """A database as a bot of schema ``version`` left it, with some data when it has tables."""
    with sqlite3.connect(path) as db:
        for migration in MIGRATIONS[:version]:
            for statement in migration:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        if version >= 1:
            for statement in _V1_ROWS:
                db.execute(statement)
    db.close()


def _create_empty_file(path: Path) -> None:
    path.write_bytes(b"")


def _schema(path: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    db.close()
    return {(kind, name, " ".join((sql or "").split())) for kind, name, sql in rows}


async def test_a_new_file_gets_the_whole_schema_in_wal_mode_with_foreign_keys(db_path: Path) -> None:
    async with Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert (await store._fetch("PRAGMA journal_mode"))[0][0] == "wal"
        assert (await store._fetch("PRAGMA foreign_keys"))[0][0] == 1
        assert (await store._fetch("PRAGMA busy_timeout"))[0][0] == 5000
        assert await store.integrity_check() == "ok"
    names = {name for _, name, _ in _schema(db_path)}
    assert {"guilds", "decks", "cards", "items", "posts", "answers", "member_totals", "reviews"} <= names
    assert {"practice_answers", "practice_sessions", "quiz_results", "deck_totals"} <= names


async def test_an_empty_existing_file_is_a_new_database(db_path: Path) -> None:
    _create_empty_file(db_path)
    async with Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
async def test_migrating_from_each_earlier_version_keeps_the_data(tmp_path: Path, version: int) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    async with Store.open(fresh):
        pass
    _make_at_version(old, version)

    async with Store.open(old) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert await store.integrity_check() == "ok"
        if version >= 1:
            deck = await store.load_deck(1)
            assert [item.answer for item in deck.deck.cards[0].items] == ["A", "B"]
            assert (await store.get_guild(7)).active_deck_id == 1  # type: ignore[union-attr]
            answer = await store.get_answer(1, 900)
            assert answer is not None and answer.points == 5 and answer.total_points == 5
        # The migrated database works like a new one.
        deck_id = await store.save_deck(7, "new", SAMPLE_DECK)
        card = (await store.load_deck(deck_id)).card_ids[0]
        slot = MONDAY + timedelta(days=1)
        claim = await store.claim_post(7, slot, card, closes_at=slot + timedelta(hours=24))
        await store.set_post_message(claim.post.id, 70, 71, slot)
        result = await store.record_answer(claim.post.id, 900, "x", [0], 1.0, slot + timedelta(minutes=5))
        assert result.total_points == (15 if version >= 1 else 10)
        assert result.streak == (2 if version >= 1 else 1)

    # Same tables, indexes and triggers as a database created at the current version.
    assert _schema(old) == _schema(fresh)


async def test_reopening_a_current_database_changes_nothing(db_path: Path) -> None:
    async with Store.open(db_path) as store:
        await store.save_deck(None, "cours-2", SAMPLE_DECK)
    before = _schema(db_path)
    async with Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert [deck.name for deck in await store.list_decks(None)] == ["cours-2"]
    assert _schema(db_path) == before


async def test_a_failing_migration_leaves_the_file_at_its_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Store.open(db_path):
        pass
    broken = (*MIGRATIONS, ("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"))
    monkeypatch.setattr("bot.store.connection.MIGRATIONS", broken)
    monkeypatch.setattr("bot.store.connection.SCHEMA_VERSION", len(broken))
    with pytest.raises(StoreError, match="syntax error"):
        async with Store.open(db_path):
            pass
    monkeypatch.undo()
    async with Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert not await store._fetch("SELECT name FROM sqlite_master WHERE name = 'half_done'")
