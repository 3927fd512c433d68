"""PostgreSQL as the shared store: the connection pool, the start-up checks, the migrations, and the engine
the Store runs its SQL through when ``TUTOR_DB`` is a ``postgresql://`` URL.

The driver is asyncpg: asyncio-native, with its own pool, the binary protocol and COPY. Every statement goes
through the dialect (dialect.py) so the domain modules' SQL is the one SQLite runs. Reads take any pooled
connection; writes still go through the one writer of the process (call order, group commit), each on a
pooled connection in a READ COMMITTED transaction. Processes that record answers of the same guild are kept
apart by a transaction-scoped advisory lock per guild (answers.answer_batch), as BEGIN IMMEDIATE keeps them
apart on SQLite; the UNIQUE constraints stay the last word on duplicates.

A server that is down, restarting or unreachable, or that accepts only reads, is a StoreUnavailable at run
time (nothing was committed; the caller tells the member to retry), logged once per kind and kept for
/tutor status (``health``). The pool drops broken connections and opens new ones on its own, so the store
works again as soon as the server is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from .base import Conn, Params, Row
from .dialect import POSTGRES
from .errors import InvalidValue, StoreError, StoreUnavailable
from .schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Connections per process when TUTOR_DB_POOL is not set: the writer's, and a few for concurrent reads.
DEFAULT_POOL = 5
_MIGRATION_LOCK = 0x7475746F72  # "tutor": one process migrates at a time
_CONNECT_TIMEOUT = 10.0

# What a dropped or unreachable server looks like from asyncpg.
GONE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    # A session terminated under a connection can leave asyncpg's protocol in a state it does not expect
    # ("cannot switch to state 12; another operation is in progress": MagicStack/asyncpg#1069); such a
    # connection is closed, never given back to the pool.
    asyncpg.InternalClientError,
)


#: The server accepts only reads: a hot standby, or ``default_transaction_read_only`` switched on.
READ_ONLY: tuple[type[BaseException], ...] = (asyncpg.exceptions.ReadOnlySQLTransactionError,)


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def pool_size(value: str | None = None) -> int:
    """TUTOR_DB_POOL, checked: a whole number of connections from 2 (the writer and one reader) to 100."""
    text = os.environ.get("TUTOR_DB_POOL", "") if value is None else value
    if not text.strip():
        return DEFAULT_POOL
    try:
        size = int(text)
    except ValueError:
        raise InvalidValue(f"TUTOR_DB_POOL must be a whole number of connections, not {text!r}") from None
    if not 2 <= size <= 100:
        raise InvalidValue(f"TUTOR_DB_POOL must be between 2 and 100 connections, got {size}")
    return size


class PostgresConn:
    """The Conn of the PostgreSQL engine: asyncpg's connection, with the SQL adapted by the dialect."""

    def __init__(self, db: asyncpg.Connection) -> None:
        self.db = db

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.db.fetch(POSTGRES.sql(sql), *POSTGRES.params(sql, params)))

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self.db.fetchrow(POSTGRES.sql(sql), *POSTGRES.params(sql, params))
        return row

    async def execute(self, sql: str, params: Params = ()) -> int:
        status: str = await self.db.execute(POSTGRES.sql(sql), *POSTGRES.params(sql, params))
        last = status.rsplit(" ", 1)[-1]  # "DELETE 3", "INSERT 0 1", "UPDATE 0"
        return int(last) if last.isdigit() else 0

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            await self.db.executemany(POSTGRES.sql(sql), rows)

    async def lock_guilds(self, guild_ids: Iterable[int]) -> None:
        """Keep other processes' writes of these guilds' answers out until this transaction ends; in id
        order, so two processes never wait on each other."""
        for guild_id in sorted(set(guild_ids)):
            await self.db.execute("SELECT pg_advisory_xact_lock($1)", guild_id)

    async def lock_guilds_of_posts(self, post_ids: Iterable[int]) -> None:
        # One round trip; the locks are taken in guild order, as the sorted subquery hands them out.
        await self.db.execute(
            "SELECT count(pg_advisory_xact_lock(guild_id)) FROM "
            "(SELECT DISTINCT guild_id FROM posts WHERE id = ANY($1::bigint[]) ORDER BY guild_id) AS g",
            sorted(set(post_ids)),
        )

    async def next_ids(self, table: str, count: int, largest: int | None) -> list[int]:
        """``count`` fresh ids of ``table``'s identity column, never handed out twice whoever asks (another
        process may be inserting too: ``largest`` is no guide here)."""
        rows = await self.db.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", table, count
        )
        return [int(row[0]) for row in rows]


class PostgresEngine:
    """A pool of connections to one PostgreSQL database."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool: asyncpg.Pool | None = pool
        self.target = url
        self._where = redact(url)
        self.write_lock = asyncio.Lock()  # the writer's; reads do not take it
        #: What is wrong with the server now (a ``StoreUnavailable.reason``), None when it works.
        self.problem: str | None = None

    @property
    def closed(self) -> bool:
        return self._pool is None

    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the store is closed; open it again with Store.open(url)")
        return self._pool

    def health(self) -> str | None:
        """What kept the last write (or read) from the server (a ``StoreUnavailable.reason``), or None."""
        return self.problem

    def unavailable(self, error: BaseException) -> StoreUnavailable:
        """What the caller hears when the server is gone, refuses writes or is out of room; remembered for
        /tutor status and logged once per kind, not once per answer."""
        reason = str(error).strip() or type(error).__name__
        if isinstance(error, READ_ONLY):
            outage = StoreUnavailable(
                f"the PostgreSQL server at {self._where} accepts only reads ({reason}): a standby, or "
                "default_transaction_read_only is on; nothing was recorded. Point TUTOR_DB at the primary, "
                "or turn read-only off",
                "server_read_only",
            )
        elif isinstance(error, asyncpg.exceptions.DiskFullError):
            outage = StoreUnavailable(
                f"the PostgreSQL server at {self._where} has no disk space left ({reason}); nothing was "
                "recorded. Free some space on the server",
                "disk_full",
            )
        else:
            outage = StoreUnavailable(
                f"the PostgreSQL server at {self._where} is unavailable ({reason}); nothing was recorded, "
                "try again in a moment"
            )
        if self.problem != outage.reason:
            log.error("the database cannot record anything: %s", outage)
        self.problem = outage.reason
        return outage

    def _succeeded(self, *, wrote: bool) -> None:
        """A write cleared every problem; a read only shows the server is reachable again."""
        if self.problem is None or (not wrote and self.problem != "unavailable"):
            return
        log.warning("the database records again (it was: %s)", self.problem)
        self.problem = None

    async def transaction(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        """``work`` in a transaction, committed before this returns.

        A connection found dead at BEGIN (the server restarted since it was pooled) is replaced once: nothing
        was sent yet. Lost later, the outcome is unknown to us and the caller hears StoreUnavailable; every
        write of the store is safe to repeat (a repeated answer gets its first grade back).

        A transaction refused as read-only committed nothing; it is tried once more on a new connection,
        the pooled ones being replaced: a session keeps the ``default_transaction_read_only`` it started
        with (``ALTER DATABASE/ROLE ... SET``), and one connected to a standby stays there. Refused again,
        it is a StoreUnavailable, and the bot records again as soon as the server accepts writes.
        """
        for attempt in (1, 2):
            try:
                async with self.pool().acquire() as db:
                    began = False
                    try:
                        await db.execute("BEGIN")
                        began = True
                        result = await work(PostgresConn(db))
                        await db.execute("COMMIT")
                    except BaseException as error:
                        if isinstance(error, asyncpg.InternalClientError):
                            db.terminate()
                        if began and not db.is_closed():
                            with contextlib.suppress(*GONE, asyncpg.PostgresError):
                                await db.execute("ROLLBACK")
                        if attempt == 1 and (
                            (not began and isinstance(error, GONE)) or isinstance(error, READ_ONLY)
                        ):
                            raise _Retry from error
                        raise
            except _Retry as retry:
                if isinstance(retry.__cause__, READ_ONLY):
                    await self.pool().expire_connections()
                continue
            except (*GONE, *READ_ONLY) as error:
                raise self.unavailable(error) from error
            self._succeeded(wrote=True)
            return result
        raise AssertionError("unreachable")

    async def read(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        for attempt in (1, 2):
            try:
                async with self.pool().acquire() as db:
                    try:
                        result = await work(PostgresConn(db))
                    except asyncpg.InternalClientError:
                        db.terminate()
                        raise
            except GONE as error:
                if attempt == 2:
                    raise self.unavailable(error) from error
                continue
            self._succeeded(wrote=False)
            return result
        raise AssertionError("unreachable")

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            with contextlib.suppress(*GONE):
                await asyncio.wait_for(pool.close(), timeout=10)


class _Retry(Exception):
    """A pooled connection that was dead before the transaction began, or a session that accepts only
    reads: the transaction is tried once more, on another connection."""


async def open_postgres(url: str, *, pool: int | None = None) -> PostgresEngine:
    """Connect, check and migrate; every failure is one StoreError line that says what to do."""
    size = pool_size() if pool is None else pool_size(str(pool))
    where = redact(url)
    try:
        # No floor of connections: while the server is down, asyncpg would reconnect one in the background
        # and log a warning with a traceback at every try (asyncpg 0.32), the outage's one line drowned.
        # Connections open when used and stay pooled while in use (max_inactive_connection_lifetime).
        connection_pool = await asyncpg.create_pool(
            url, min_size=0, max_size=size, timeout=_CONNECT_TIMEOUT, command_timeout=60
        )
        try:
            first = await connection_pool.acquire()  # connected now: a refused password is said here
        except BaseException:
            await connection_pool.close()
            raise
    except asyncpg.InvalidPasswordError as error:
        raise StoreError(
            f"PostgreSQL at {where} refused the password ({error}); fix the user or password in TUTOR_DB"
        ) from error
    except asyncpg.InvalidAuthorizationSpecificationError as error:
        raise StoreError(f"PostgreSQL at {where} refused the connection: {error}; check TUTOR_DB") from error
    except asyncpg.InvalidCatalogNameError as error:
        raise StoreError(
            f"PostgreSQL at {where}: {error}; create it (createdb) or fix the name in TUTOR_DB"
        ) from error
    except (ValueError, asyncpg.ClientConfigurationError) as error:
        raise StoreError(f"TUTOR_DB is not a usable PostgreSQL URL ({where}): {error}") from error
    except GONE as error:
        reason = str(error).strip() or type(error).__name__
        raise StoreError(
            f"cannot reach PostgreSQL at {where} ({reason}); is the server running and TUTOR_DB right?"
        ) from error
    except asyncpg.PostgresError as error:
        raise StoreError(f"PostgreSQL at {where} refused the connection: {error}") from error
    engine = PostgresEngine(connection_pool, url)
    try:
        try:
            await migrate(first, where)
        finally:
            await connection_pool.release(first)
    except BaseException as error:
        await engine.close()
        if isinstance(error, GONE):
            raise StoreError(f"lost PostgreSQL at {where} while checking the schema ({error})") from error
        if isinstance(error, asyncpg.PostgresError):
            raise StoreError(f"PostgreSQL at {where}: {error}") from error
        raise
    return engine


async def schema_version(db: asyncpg.Connection) -> int:
    present = await db.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not present:
        return 0
    return int(await db.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))


async def migrate(db: asyncpg.Connection, where: str) -> None:
    """Apply the missing migrations, each in its own transaction with its version bump; the same numbered
    migrations as SQLite's, through the dialect. An advisory lock keeps two processes starting together from
    applying the same step."""
    while True:
        async with db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            version = await schema_version(db)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{where} has schema version {version}, newer than this bot knows ({SCHEMA_VERSION}); "
                    "it was written by a newer tutorbot. Upgrade the bot; nothing was changed"
                )
            if version == 0:
                tables = await db.fetchval(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                )
                if tables:
                    raise StoreError(
                        f"{where} holds tables of another program (no tutorbot schema_version); nothing was "
                        "changed. Point TUTOR_DB at an empty database"
                    )
                await db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                await db.execute("INSERT INTO schema_version VALUES (0)")
            if version == SCHEMA_VERSION:
                return
            for statement in MIGRATIONS[version]:
                for translated in POSTGRES.ddl(statement):
                    await db.execute(translated)
            await db.execute("UPDATE schema_version SET version = $1", version + 1)
