"""What every domain part of the Store stands on: the connection interface its SQL runs through, and the base
class that gives each part its transactions, its reads and the clock.

Each domain module (guilds, decks, posts, answers, ...) is a class of the Store's public methods for that
domain with its SQL beside them; ``Store`` (store.py) is those parts put together. A part never talks to a
driver directly: it gets a ``Conn`` from ``_write``/``_read`` and writes its SQL once, in the SQLite flavour
the migrations use, which the engine's dialect adapts (dialect.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from bot.clock import Clock, utc_now
from bot.rules.scoring import Category

from .records import to_epoch

__all__ = ["Category", "Clock", "utc_now"]

T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """One database connection, inside a transaction when a write gave it."""

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None: ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def lock_guilds(self, guild_ids: Iterable[int]) -> None:
        """Keep other processes' answer writes of these guilds out until the transaction ends."""
        ...

    async def lock_guilds_of_posts(self, post_ids: Iterable[int]) -> None:
        """lock_guilds for the guilds of these posts."""
        ...

    async def next_ids(self, table: str, count: int, largest: int | None) -> list[int]:
        """``count`` ids for new rows of ``table``, handed out inside the current write transaction;
        ``largest`` is the table's largest id, read in this transaction."""
        ...


class Engine(Protocol):
    """How a store reaches its database (connection.SqliteEngine, postgres.PostgresEngine)."""

    target: str

    @property
    def closed(self) -> bool: ...

    @property
    def write_lock(self) -> Any:
        """The lock the writer holds around each transaction (an asyncio.Lock)."""
        ...

    async def transaction(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        """``work`` in a write transaction, committed before this returns; the writer holds write_lock."""
        ...

    async def read(self, work: Callable[[Conn], Awaitable[T]]) -> T: ...

    async def close(self) -> None: ...


class Writes(Protocol):
    """The writer (writer.Writer): every write runs through it, in call order."""

    async def write(self, work: Callable[[Conn], Awaitable[T]]) -> T: ...

    async def answer(self, pending: Any) -> Any:
        """Queue a daily answer (a writer.PendingAnswer) for the next group commit; its AnswerResult."""
        ...


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class StoreBase:
    """The state every domain part shares: the engine, the writer and the clock."""

    def __init__(self, engine: Engine, writes: Writes, clock: Clock) -> None:
        self._engine = engine
        self._writes = writes
        self.path = engine.target
        self._clock = clock

    def _now(self) -> int:
        return to_epoch(self._clock())

    async def _write(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        """Run ``work`` in a write transaction of its own (queued behind the writes called before it) and
        return its result once committed. A caller cancelled meanwhile does not take its write back."""
        return await self._writes.write(work)

    async def _read(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        return await self._engine.read(work)

    async def _fetch(self, sql: str, params: Params = ()) -> list[Row]:
        async def work(db: Conn) -> list[Row]:
            return await db.fetch(sql, params)

        return await self._read(work)

    async def _fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        async def work(db: Conn) -> Row | None:
            return await db.fetchrow(sql, params)

        return await self._read(work)
