"""Opening the SQLite database: the start-up checks, the pragmas, the migrations, and the engine the Store
runs its SQL through.

One aiosqlite connection per process. aiosqlite runs every statement on one worker thread, so tasks that
share the connection would see each other's open transactions; an asyncio.Lock therefore makes every read
and every write transaction own the connection for its whole length (writes use BEGIN IMMEDIATE, so another
process writing the same file waits its turn through the busy timeout instead of failing half-way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from .base import Conn, Params, Row
from .errors import DatabaseLocked, InvalidValue, StoreError, StoreUnavailable
from .schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

T = TypeVar("T")
Synchronous = Literal["NORMAL", "FULL"]

SQLITE_HEADER = b"SQLite format 3\x00"


class SqliteConn:
    """The Conn of the SQLite engine: aiosqlite's connection with the store's four calls."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.db.execute_fetchall(sql, params))

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Params = ()) -> int:
        # The cursor is left to the garbage collector, as aiosqlite's own execute_fetchall does: closing it
        # would be one more trip to the database thread for every statement.
        cursor = await self.db.execute(sql, params)
        return max(cursor.rowcount, 0)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.db.executemany(sql, rows)

    async def lock_guilds(self, guild_ids: Iterable[int]) -> None:
        """Nothing to do: BEGIN IMMEDIATE already keeps every other writer of the file out."""

    async def lock_guilds_of_posts(self, post_ids: Iterable[int]) -> None:
        """Nothing to do either (see lock_guilds)."""

    async def next_ids(self, table: str, count: int, largest: int | None) -> list[int]:
        # What SQLite itself would hand out (largest + 1), while the write transaction keeps others out.
        first = (largest or 0) + 1
        return list(range(first, first + count))


class SqliteEngine:
    """The one connection of a SQLite store and the lock that gives it to one transaction at a time."""

    def __init__(self, db: aiosqlite.Connection, target: str) -> None:
        self._db: aiosqlite.Connection | None = db
        self.target = target
        self.lock = asyncio.Lock()
        #: The file the bot opened (device, inode): a file deleted or replaced under the running bot is
        #: noticed and refused, never written to as if it were the database (its scores would be lost).
        self._identity = _identity(target)
        #: What is wrong with the database now (a ``StoreUnavailable.reason``), None when it works.
        self.problem: str | None = None

    def health(self) -> str | None:
        """What is wrong now: the last write's failure, or the file gone or replaced; None when fine."""
        try:
            self._check_identity()
        except StoreUnavailable as error:
            return error.reason
        return self.problem

    def _check_identity(self) -> None:
        if self._identity is None:
            return
        now = _identity(self.target)
        if now != self._identity:
            what = "deleted" if now is None else "replaced by another file"
            raise StoreUnavailable(
                f"{self.target} was {what} while the bot runs; nothing more is recorded. Put the file back "
                "(or restore it from a backup) and restart the bot; it never starts a new empty database "
                "under a running bot",
                "file_gone",
            )

    def _failed(self, error: StoreUnavailable) -> StoreUnavailable:
        """Remember the failure; logged once per kind, not once per answer."""
        if self.problem != error.reason:
            log.error("the database cannot record anything: %s", error)
        self.problem = error.reason
        return error

    def _succeeded(self) -> None:
        if self.problem is not None:
            log.warning("the database records again (it was: %s)", self.problem)
            self.problem = None

    @property
    def closed(self) -> bool:
        return self._db is None

    @property
    def write_lock(self) -> asyncio.Lock:
        return self.lock  # reads take it too: the connection is shared

    def raw(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("the store is closed; open it again with Store.open(path)")
        return self._db

    async def transaction(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        """``work`` between BEGIN IMMEDIATE and COMMIT (rolled back if it fails); the lock is held."""
        db = self.raw()
        try:
            self._check_identity()
        except StoreUnavailable as error:
            raise self._failed(error) from None
        try:
            await db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._failed_with(error) from error
        try:
            result = await work(SqliteConn(db))
            await db.execute("COMMIT")
        except BaseException as error:
            # The failed statement may have ended the transaction already.
            with contextlib.suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise self._failed_with(error) from error
            raise
        self._succeeded()
        return result

    def _failed_with(self, error: sqlite3.OperationalError) -> StoreError:
        explained = explain(error, self.target, None)
        return self._failed(explained) if isinstance(explained, StoreUnavailable) else explained

    async def read(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        # Under the lock too: otherwise a read could run in the middle of another task's write transaction
        # on the shared connection and see rows that are about to be rolled back.
        async with self.lock:
            return await work(SqliteConn(self.raw()))

    async def close(self) -> None:
        async with self.lock:
            db, self._db = self._db, None
            if db is None:
                return
            # Lets SQLite refresh its query-planner statistics when they are stale; cheap.
            with contextlib.suppress(sqlite3.Error):
                await db.execute("PRAGMA optimize")
            await db.close()


async def open_sqlite(
    path: str | os.PathLike[str], *, busy_timeout: float, synchronous: Synchronous
) -> SqliteEngine:
    """Open the database, refusing with a StoreError (and changing nothing) when it cannot be used.

    ``synchronous="NORMAL"`` (the default) keeps every committed answer across a crash of the bot's process;
    ``"FULL"`` also across a power cut or OS crash, at the cost of an fsync per answer.
    """
    if synchronous not in ("NORMAL", "FULL"):
        raise InvalidValue(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
    name = os.fspath(path)
    if name != ":memory:":
        check_file(Path(name))
    try:
        db = await aiosqlite.connect(name, isolation_level=None, timeout=busy_timeout)
    except sqlite3.Error as error:
        raise explain(error, name, busy_timeout) from error
    try:
        await _prepare(db, name, busy_timeout, synchronous)
    except BaseException:
        await db.close()
        raise
    db.row_factory = sqlite3.Row
    return SqliteEngine(db, name)


def _identity(target: str) -> tuple[int, int] | None:
    """The file's device and inode; None for an in-memory database or a missing file."""
    if target == ":memory:" or target.startswith("file:"):
        return None
    try:
        stat = Path(target).stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def check_file(path: Path) -> None:
    """Refuse, before SQLite touches anything, a path the bot cannot safely use."""
    hint = "or point TUTOR_DB at another file"
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file; {hint}")
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise StoreError(f"the folder {folder} does not exist; create it {hint}")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StoreError(f"{path} cannot be read by this user; fix its permissions {hint}")
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
        # An empty file is a valid empty database: SQLite writes the header on the first change.
        if head and head != SQLITE_HEADER:
            raise StoreError(
                f"{path} is not a SQLite database (it starts with {head[:16]!r}); nothing was changed. "
                f"Move it away {hint}"
            )
        if not os.access(path, os.W_OK):
            raise StoreError(
                f"{path} is read-only; the bot must write scores to it. Make it writable (chmod u+w) {hint}"
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"the folder {folder} is read-only; SQLite creates its journal files (-wal, -shm) next to the "
            f"database. Make the folder writable {hint}"
        )


async def _prepare(
    db: aiosqlite.Connection, path: str, busy_timeout: float, synchronous: Synchronous
) -> None:
    """Check the file's version, switch on WAL and foreign keys, migrate; every failure is a StoreError."""
    try:
        # Integers formatted from our own values: PRAGMA arguments cannot be bound parameters.
        await db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        version = await _user_version(db)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path} has schema version {version}, newer than this bot knows ({SCHEMA_VERSION}); it was "
                "written by a newer tutorbot. Upgrade the bot, or point TUTOR_DB at another file; "
                "nothing was changed"
            )
        if version == 0 and await _has_tables(db):
            raise StoreError(
                f"{path} is a SQLite database of another program (it has tables but no tutorbot schema "
                "version); nothing was changed. Point TUTOR_DB at another file"
            )
        await db.execute("PRAGMA foreign_keys = ON")
        mode = next(iter(await db.execute_fetchall("PRAGMA journal_mode = WAL")))[0]
        if path != ":memory:" and str(mode).lower() != "wal":
            raise StoreError(
                f"{path}: SQLite refused WAL mode (got {mode!r}); use a local disk, not a network share"
            )
        await db.execute(f"PRAGMA synchronous = {synchronous}")
        await _migrate(db)
    except sqlite3.Error as error:
        raise explain(error, path, busy_timeout) from error


async def _has_tables(db: aiosqlite.Connection) -> bool:
    return bool(list(await db.execute_fetchall("SELECT 1 FROM sqlite_master LIMIT 1")))


async def _user_version(db: aiosqlite.Connection) -> int:
    return int(next(iter(await db.execute_fetchall("PRAGMA user_version")))[0])


async def _migrate(db: aiosqlite.Connection) -> None:
    """Apply the missing migrations, each in its own transaction with its version bump.

    The version is read again inside each write transaction: two processes starting together must not both
    apply the same step. With nothing to do, the write transaction still proves the file is writable and
    not held by another process, so those problems show at start-up and not at the first answer.
    """
    while True:
        await db.execute("BEGIN IMMEDIATE")
        try:
            version = await _user_version(db)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the database was upgraded to schema {version} by a newer tutorbot meanwhile"
                )
            if version == SCHEMA_VERSION:
                await db.execute("ROLLBACK")
                return
            for statement in MIGRATIONS[version]:
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {version + 1}")
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise


def explain(error: sqlite3.Error, path: str, busy_timeout: float | None) -> StoreError:
    """Turn SQLite's terse error into one that says what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        waited = f" after waiting {busy_timeout:g} s" if busy_timeout is not None else ""
        return DatabaseLocked(
            f"{path} is locked by another process{waited}. Only one bot (or tool) may use a database at a "
            "time: stop the other one, or point TUTOR_DB at another file"
        )
    if "readonly" in text or "read-only" in text:
        return StoreUnavailable(
            f"{path} cannot be written (read-only file, folder or disk); make it writable", "read_only"
        )
    if "full" in text:
        return StoreUnavailable(f"{path}: the disk is full; free some space", "disk_full")
    if "disk i/o" in text:
        return StoreUnavailable(f"{path}: the disk failed to read or write ({error})", "io_error")
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return StoreError(
            f"{path} is not a usable SQLite database ({error}); nothing was changed. Move it away or point "
            "TUTOR_DB at another file"
        )
    if "unable to open" in text:
        return StoreError(f"{path} cannot be opened ({error}); check the path and its folder's permissions")
    return StoreError(f"{path}: {error}")
