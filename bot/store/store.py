"""The Store: the one object every feature receives, put together from the per-domain parts.

Each part (guilds, decks, posts, answers, rankings, practice, quiz, privacy, exports, names, aliases,
vectors) holds the public methods of its domain and their SQL; ``connection`` opens the database (checks,
pragmas, migrations) and ``writer`` runs every write in call order, group-committing daily answers. This
module only opens and closes.

The database is SQLite (a file path: one process, nothing to install) or PostgreSQL (a ``postgresql://``
URL: shared by several processes; postgres.py). The same SQL runs on both (dialect.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite

from .aliases import AliasStore
from .answers import AnswerStore, answer_batch
from .base import Clock, utc_now
from .connection import SqliteEngine, Synchronous, open_sqlite
from .decks import DeckStore
from .exports import ExportStore
from .guilds import GuildStore
from .names import NameStore
from .postgres import PostgresEngine, is_postgres_url, open_postgres, schema_version
from .posts import PostStore
from .practice import PracticeStore
from .privacy import PrivacyStore
from .quiz import QuizStore
from .rankings import RankingStore
from .vectors import VectorStore
from .writer import Writer


class Store(
    GuildStore,
    DeckStore,
    PostStore,
    AnswerStore,
    RankingStore,
    PracticeStore,
    QuizStore,
    PrivacyStore,
    ExportStore,
    NameStore,
    AliasStore,
    VectorStore,
):
    """The bot's database. Create with ``async with Store.open(path) as store:`` (or ``await Store.connect``
    and ``await store.close()``). Every method is safe to call from many tasks at once."""

    _engine: SqliteEngine | PostgresEngine
    _writes: Writer

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: Synchronous = "NORMAL",
        clock: Clock | None = None,
        pool: int | None = None,
    ) -> AsyncIterator[Store]:
        """Open (creating or migrating) the database at ``path`` for the duration of the block: a SQLite
        file, or a ``postgresql://`` (``postgres://``) URL (TUTOR_DB accepts both)."""
        store = await cls.connect(
            path, busy_timeout=busy_timeout, synchronous=synchronous, clock=clock, pool=pool
        )
        try:
            yield store
        finally:
            await store.close()

    @classmethod
    async def connect(
        cls,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: Synchronous = "NORMAL",
        clock: Clock | None = None,
        pool: int | None = None,
    ) -> Store:
        """Open the database, refusing with a StoreError (and changing nothing) when it cannot be used.

        SQLite: ``synchronous="NORMAL"`` (the default) keeps every committed answer across a crash of the
        bot's process; ``"FULL"`` also across a power cut or OS crash, at the cost of an fsync per answer;
        ``busy_timeout`` is how long to wait for another process's write. PostgreSQL: ``pool`` connections
        (default TUTOR_DB_POOL, else postgres.DEFAULT_POOL); the server's own settings decide durability.
        """
        engine: SqliteEngine | PostgresEngine
        if is_postgres_url(path):
            engine = await open_postgres(str(path), pool=pool)
        else:
            engine = await open_sqlite(path, busy_timeout=busy_timeout, synchronous=synchronous)
        return cls(engine, Writer(engine, answer_batch), clock or utc_now)

    async def close(self) -> None:
        """Close the connection (idempotent). Pending work of other tasks finishes first."""
        await self._writes.drain()  # the writes already waiting; not cancelled with this caller
        await self._engine.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._engine.closed

    def health(self) -> str | None:
        """What keeps the database from recording right now (a ``StoreUnavailable.reason``), or None."""
        return self._engine.health()

    @property
    def engine(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return "postgresql" if isinstance(self._engine, PostgresEngine) else "sqlite"

    async def schema_version(self) -> int:
        """How many migrations have run (PRAGMA user_version on SQLite, the schema_version table on
        PostgreSQL)."""
        if isinstance(self._engine, PostgresEngine):
            async with self._engine.pool().acquire() as db:
                return await schema_version(db)
        rows = await self._fetch("PRAGMA user_version")
        return int(rows[0][0])

    async def integrity_check(self) -> str:
        """``"ok"`` for a sound database, else SQLite's first complaint. PostgreSQL checks its pages
        itself: ``"ok"`` once the server answers."""
        if isinstance(self._engine, PostgresEngine):
            await self._fetch("SELECT 1")
            return "ok"
        rows = await self._fetch("PRAGMA integrity_check")
        return str(rows[0][0])

    # What the tests reach for to hold the connection while answers queue up (see test_store_group_commit).

    def _conn(self) -> aiosqlite.Connection:
        if not isinstance(self._engine, SqliteEngine):
            raise TypeError("_conn() is the SQLite connection; this store is on PostgreSQL")
        return self._engine.raw()

    @property
    def _lock(self) -> asyncio.Lock:
        lock: asyncio.Lock = self._engine.write_lock
        return lock

    @property
    def _writer(self) -> asyncio.Task[None] | None:
        return self._writes.task
