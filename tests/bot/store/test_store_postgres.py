"""PostgreSQL itself: the same schema as SQLite's, group commit, one clear line for every start-up problem,
and a server that goes away mid-burst (a killed connection, a restart): nothing acknowledged is lost, the
rest is StoreUnavailable, and the store carries on by itself once the server is back."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from pg_server import PG_URL, SKIP_PG
from store_support import GUILD, MONDAY, SAMPLE_DECK

from bot.store import (
    SCHEMA_VERSION,
    AnswerResult,
    GuildSettings,
    InvalidValue,
    Store,
    StoreError,
    StoreUnavailable,
)
from bot.store.postgres import DEFAULT_POOL, pool_size
from tests.support import postgres as test_postgres

AT = MONDAY + timedelta(minutes=1)


def _with_path(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


async def _daily(store: Store) -> int:
    """A bundled deck, a guild using it and one open post: the post's id."""
    deck_id = await store.save_deck(None, "cours-2", SAMPLE_DECK)
    card = (await store.load_deck(deck_id)).card_ids[0]
    await store.save_guild(GuildSettings(GUILD, channel_id=5, active_deck_id=deck_id))
    claim = await store.claim_post(GUILD, MONDAY, card, closes_at=MONDAY + timedelta(days=30))
    return (await store.set_post_message(claim.post.id, 5, 6, MONDAY)).id


def _sqlite_schema(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = {
            table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            for table in tables
            if not table.startswith("sqlite_")
        }
        indexes = {
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'"
            )
        }
        triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    db.close()
    return {"columns": columns, "indexes": indexes, "triggers": triggers}


async def _postgres_schema(url: str) -> dict[str, object]:
    db = await asyncpg.connect(url)
    try:
        columns: dict[str, list[str]] = {}
        for row in await db.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name <> 'schema_version' "
            "ORDER BY table_name, ordinal_position"
        ):
            columns.setdefault(row[0], []).append(row[1])
        # The indexes behind PRIMARY KEY and UNIQUE constraints are SQLite's autoindexes: not named there.
        indexes = {
            row[0]
            for row in await db.fetch(
                "SELECT indexname FROM pg_indexes i WHERE schemaname = current_schema() AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
            )
        }
        triggers = {
            row[0]
            for row in await db.fetch(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers "
                "WHERE trigger_schema = current_schema()"
            )
        }
    finally:
        await db.close()
    return {"columns": columns, "indexes": indexes, "triggers": triggers}


async def test_the_same_migrations_make_the_same_schema_on_both_engines(tmp_path: Path, pg_url: str) -> None:
    async with Store.open(tmp_path / "tutor.db") as store:
        assert await store.schema_version() == SCHEMA_VERSION
    async with Store.open(pg_url) as store:
        assert store.engine == "postgresql"
        assert await store.schema_version() == SCHEMA_VERSION
    async with Store.open(pg_url) as store:  # reopening runs nothing again
        assert await store.schema_version() == SCHEMA_VERSION
    assert await _postgres_schema(pg_url) == _sqlite_schema(tmp_path / "tutor.db")


async def test_two_processes_starting_together_migrate_once(pg_url: str) -> None:
    stores = await asyncio.gather(*(Store.connect(pg_url) for _ in range(3)))
    try:
        assert [await store.schema_version() for store in stores] == [SCHEMA_VERSION] * 3
        rows = await stores[0]._fetch("SELECT count(*) FROM schema_version")
        assert rows[0][0] == 1
    finally:
        for store in stores:
            await store.close()


async def test_answers_waiting_for_the_writer_share_one_transaction(pg_url: str) -> None:
    async with Store.open(pg_url) as store:
        post_id = await _daily(store)
        async with store._lock:  # a long write holds the writer; answers queue up meanwhile
            tasks = [
                asyncio.create_task(store.record_answer(post_id, member, "x", [0], 0.5, AT))
                for member in range(60)
            ]
            await asyncio.sleep(0.05)
        results = await asyncio.gather(*tasks)
        assert all(not result.already_answered for result in results)
        # Rows written by one transaction carry its transaction id.
        rows = await store._fetch(
            "SELECT count(*), count(DISTINCT xmin::text) FROM answers WHERE post_id = ?", (post_id,)
        )
        assert tuple(rows[0]) == (60, 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_server_that_is_down_is_one_clear_line_at_start_up() -> None:
    url = f"postgresql://tutor:secret@127.0.0.1:{_free_port()}/tutor"
    with pytest.raises(StoreError, match=r"cannot reach PostgreSQL at .*is the server running") as caught:
        await Store.connect(url)
    assert "\n" not in str(caught.value) and "secret" not in str(caught.value)


async def test_a_missing_database_says_how_to_create_it(pg_url: str) -> None:
    with pytest.raises(StoreError, match=r"does not exist.*createdb") as caught:
        await Store.connect(_with_path(pg_url, "tutor_missing_test"))
    assert "\n" not in str(caught.value)


async def test_another_programs_database_and_a_newer_schema_are_refused_untouched(pg_url: str) -> None:
    db = await asyncpg.connect(pg_url)
    try:
        await db.execute("CREATE TABLE invoices (id BIGINT PRIMARY KEY, total DOUBLE PRECISION)")
        await db.execute("INSERT INTO invoices VALUES (1, 9.5)")
        with pytest.raises(StoreError, match=r"tables of another program.*nothing was changed"):
            await Store.connect(pg_url)
        assert await db.fetchval("SELECT count(*) FROM invoices") == 1
        assert await db.fetchval("SELECT to_regclass('schema_version')") is None

        await db.execute("DROP TABLE invoices")
        await db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        await db.execute("INSERT INTO schema_version VALUES ($1)", SCHEMA_VERSION + 5)
        with pytest.raises(StoreError, match=rf"schema version {SCHEMA_VERSION + 5}, newer.*Upgrade the bot"):
            await Store.connect(pg_url)
        assert await db.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 1
    finally:
        await db.close()


def test_the_pool_size_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pool_size("") == DEFAULT_POOL
    assert pool_size("12") == 12
    with pytest.raises(InvalidValue, match="between 2 and 100"):
        pool_size("1")
    with pytest.raises(InvalidValue, match="whole number"):
        pool_size("lots")
    monkeypatch.setenv("TUTOR_DB_POOL", "0")
    with pytest.raises(InvalidValue, match="TUTOR_DB_POOL must be between"):
        asyncio.run(Store.connect(f"postgresql://tutor@127.0.0.1:{_free_port()}/tutor"))


Outcome = AnswerResult | BaseException


async def _burst(
    store: Store, post_id: int, waves: int, interrupt_at: int, interrupt: object
) -> list[tuple[int, Outcome]]:
    """Waves of 25 members answering at once; ``interrupt()`` runs (awaited) before wave ``interrupt_at``."""
    outcomes: list[tuple[int, Outcome]] = []
    for wave in range(waves):
        if wave == interrupt_at:
            await interrupt()  # type: ignore[operator]
        members = range(wave * 25, wave * 25 + 25)
        results = await asyncio.gather(
            *(store.record_answer(post_id, member, "x", [0], 0.5, AT) for member in members),
            return_exceptions=True,
        )
        outcomes.extend(zip(members, results, strict=True))
    return outcomes


async def _check_after(store: Store, post_id: int, outcomes: list[tuple[int, Outcome]]) -> None:
    """Only acknowledged answers or StoreUnavailable; every acknowledged one stored; the refused ones go in
    when tried again; the totals moved with the answers."""
    strange = [result for _, result in outcomes if not isinstance(result, AnswerResult | StoreUnavailable)]
    assert not strange, strange
    stored = {
        int(row[0])
        for row in await store._fetch("SELECT member_id FROM answers WHERE post_id = ?", (post_id,))
    }
    acknowledged = {member for member, result in outcomes if isinstance(result, AnswerResult)}
    assert acknowledged <= stored
    for member, result in outcomes:
        if isinstance(result, StoreUnavailable):
            assert "try again" in str(result)
            again = await store.record_answer(post_id, member, "x", [0], 0.5, AT)
            assert again.points == 5  # recorded now, or found committed after all
    rows = await store._fetch("SELECT count(*) FROM answers WHERE member_id < 5000")
    assert rows[0][0] == len(outcomes)
    rows = await store._fetch("SELECT count(*), (SELECT sum(answers) FROM member_totals) FROM answers")
    assert rows[0][0] == rows[0][1]


async def test_a_connection_killed_mid_transaction_loses_nothing_acknowledged(pg_url: str) -> None:
    async with Store.open(pg_url, pool=3) as store:
        post_id = await _daily(store)
        outside = await asyncpg.connect(pg_url)
        try:

            async def kill_the_writer_mid_transaction() -> None:
                # Another process holds the guild's answer lock: the writer's batch waits inside its
                # transaction, and its connection is killed there.
                await outside.execute("SELECT pg_advisory_lock($1)", GUILD)
                wave = [
                    asyncio.create_task(store.record_answer(post_id, 5_000 + m, "x", [0], 0.5, AT))
                    for m in range(25)
                ]
                waiting = None
                for _ in range(500):
                    waiting = await outside.fetchval(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' LIMIT 1"
                    )
                    if waiting:
                        break
                    await asyncio.sleep(0.01)
                assert waiting, "the writer never waited for the lock"
                await outside.fetchval("SELECT pg_terminate_backend($1)", waiting)
                await outside.execute("SELECT pg_advisory_unlock($1)", GUILD)
                results = await asyncio.gather(*wave, return_exceptions=True)
                refused = [
                    m for m, r in zip(range(25), results, strict=True) if isinstance(r, StoreUnavailable)
                ]
                assert refused, results  # the killed batch is refused, not acknowledged
                rows = await store._fetch(
                    "SELECT count(*) FROM answers WHERE member_id >= 5000 AND member_id < 5025"
                )
                acknowledged = sum(isinstance(r, AnswerResult) for r in results)
                assert rows[0][0] == acknowledged  # nothing of the killed transaction was committed
                strange = [r for r in results if not isinstance(r, AnswerResult | StoreUnavailable)]
                assert not strange, strange
                for m in refused:
                    assert (await store.record_answer(post_id, 5_000 + m, "x", [0], 0.5, AT)).points == 5

            outcomes = await _burst(
                store, post_id, waves=6, interrupt_at=3, interrupt=kill_the_writer_mid_transaction
            )
        finally:
            await outside.close()
        await _check_after(store, post_id, outcomes)
        rows = await store._fetch("SELECT count(*) FROM answers")
        assert rows[0][0] == len(outcomes) + 25
        assert await store.get_guild(GUILD) is not None  # the pool reconnected by itself


@pytest.fixture(scope="module")
def throwaway() -> Iterator[test_postgres.ThrowawayPostgres]:
    """A server of the test's own, to stop and start (only with the PostgreSQL half enabled)."""
    yield from test_postgres.running_throwaway(
        "right-password", enabled=bool(PG_URL), skip=SKIP_PG, who="the restart tests"
    )


async def test_a_refused_password_is_one_clear_line(throwaway: test_postgres.ThrowawayPostgres) -> None:
    wrong = throwaway.url.replace("right-password", "wrong-password")
    with pytest.raises(
        StoreError, match=r"refused the password.*fix the user or password in TUTOR_DB"
    ) as caught:
        await Store.connect(wrong)
    assert "\n" not in str(caught.value) and "wrong-password" not in str(caught.value)


async def test_a_server_restart_mid_burst_loses_nothing_and_the_store_reconnects(
    throwaway: test_postgres.ThrowawayPostgres,
) -> None:
    db = await asyncpg.connect(throwaway.url)
    await db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    await db.close()
    async with Store.open(throwaway.url) as store:
        post_id = await _daily(store)
        down: list[Outcome] = []

        async def restart() -> None:
            await asyncio.to_thread(throwaway.stop)
            # While it is down: reads and writes say so at once, and nothing is acknowledged.
            with pytest.raises(StoreUnavailable, match=r"unavailable.*try again"):
                await store.get_guild(GUILD)
            down.extend(
                await asyncio.gather(
                    *(store.record_answer(post_id, 10_000 + m, "x", [0], 0.5, AT) for m in range(5)),
                    return_exceptions=True,
                )
            )
            await asyncio.to_thread(throwaway.start)

        outcomes = await _burst(store, post_id, waves=6, interrupt_at=3, interrupt=restart)
        assert down and all(isinstance(result, StoreUnavailable) for result in down)
        # After the restart, the waves went through on new connections.
        assert all(isinstance(result, AnswerResult) for _, result in outcomes[-50:])
        await _check_after(store, post_id, outcomes)
