"""The SQLite store: guild settings, decks, daily posts, answers, scores, practice and quiz results.

One aiosqlite connection per process, owned by ``Store`` and opened and closed as an async context manager.
aiosqlite runs every statement on one worker thread, so tasks that share the connection would see each
other's open transactions; an asyncio.Lock therefore makes every public method own the connection for its
whole transaction (writes use BEGIN IMMEDIATE, so another process writing the same file waits its turn
through the busy timeout instead of failing half-way).

Daily answers, the busiest write, are group-committed: ``record_answer`` queues the answer and one writer task
records every answer waiting, under the same lock, in one transaction with a few statements for the lot (see
``record_answer``); each caller still returns only once its own answer is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import io
import json
import os
import sqlite3
from bisect import bisect_right
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

from bot.decks.model import Card, Deck, Item
from bot.rules import scoring

from .errors import DatabaseLocked, DeckInUse, InvalidValue, PostClosed, StoreError, UnknownRecord
from .records import (
    AnswerResult,
    Claim,
    DeckInfo,
    GuildSettings,
    HistoryEntry,
    ItemStat,
    Leaderboard,
    LeaderboardRow,
    MemberStats,
    Post,
    PostStats,
    PracticeSession,
    Review,
    StoredCard,
    StoredDeck,
    TopScorer,
    from_epoch,
    to_epoch,
)
from .schema import MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")
Category = Literal["daily", "practice", "quiz"]
Synchronous = Literal["NORMAL", "FULL"]
Clock = Callable[[], datetime]

_SQLITE_HEADER = b"SQLite format 3\x00"
_MAX_DECK_NAME = 64

# The settings a caller may change with update_guild; failure bookkeeping has its own methods.
_GUILD_FIELDS = tuple(
    f.name
    for f in fields(GuildSettings)
    if f.name
    not in ("guild_id", "failure_count", "last_error", "last_failure_at", "created_at", "updated_at")
)

_POST_COLUMNS = (
    "id, guild_id, deck_id, card_id, channel_id, message_id, slot, claimed_at, posted_at, closes_at, "
    "revealed_at"
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """The bot's database. Create with ``async with Store.open(path) as store:`` (or ``await Store.connect``
    and ``await store.close()``). Every method is safe to call from many tasks at once."""

    def __init__(self, db: aiosqlite.Connection, path: str, clock: Clock) -> None:
        self._db: aiosqlite.Connection | None = db
        self.path = path
        self._clock = clock
        self._lock = asyncio.Lock()
        # Writes waiting for the connection, in call order, and the task running them (see _write).
        self._writes: list[_PendingWrite | _PendingAnswer] = []
        self._writer: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: Synchronous = "NORMAL",
        clock: Clock | None = None,
    ) -> AsyncIterator[Store]:
        """Open (creating or migrating) the database at ``path`` for the duration of the block."""
        store = await cls.connect(path, busy_timeout=busy_timeout, synchronous=synchronous, clock=clock)
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
    ) -> Store:
        """Open the database, refusing with a StoreError (and changing nothing) when it cannot be used.

        ``synchronous="NORMAL"`` (the default) keeps every committed answer across a crash of the bot's
        process; ``"FULL"`` also across a power cut or OS crash, at the cost of an fsync per answer.
        """
        if synchronous not in ("NORMAL", "FULL"):
            raise InvalidValue(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
        name = os.fspath(path)
        if name != ":memory:":
            _check_file(Path(name))
        try:
            db = await aiosqlite.connect(name, isolation_level=None, timeout=busy_timeout)
        except sqlite3.Error as error:
            raise _explain(error, name, busy_timeout) from error
        try:
            await _prepare(db, name, busy_timeout, synchronous)
        except BaseException:
            await db.close()
            raise
        db.row_factory = sqlite3.Row
        return cls(db, name, clock or _utc_now)

    async def close(self) -> None:
        """Close the connection (idempotent). Pending work of other tasks finishes first."""
        writer = self._writer
        if writer is not None:
            await asyncio.wait([writer])  # the writes already waiting; not cancelled with this caller
        async with self._lock:
            db, self._db = self._db, None
            if db is None:
                return
            # Lets SQLite refresh its query-planner statistics when they are stale; cheap.
            with contextlib.suppress(sqlite3.Error):
                await db.execute("PRAGMA optimize")
            await db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        return self._db is None

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("the store is closed; open it again with Store.open(path)")
        return self._db

    def _now(self) -> int:
        return to_epoch(self._clock())

    # ------------------------------------------------------------------ transactions

    async def _write(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``work`` in a write transaction of its own and return its result once committed.

        Writes are queued and run in call order by one writer task (see _run_writes). A caller cancelled
        meanwhile (an interaction that timed out) does not take its write back nor leave the shared connection
        inside an open transaction: the transaction commits or rolls back on its own.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._enqueue(_PendingWrite(work, future))
        return await future

    def _enqueue(self, write: _PendingWrite | _PendingAnswer) -> None:
        self._writes.append(write)
        if self._writer is None:
            self._writer = asyncio.create_task(self._run_writes())

    async def _run_writes(self) -> None:
        """The writer: runs the queued writes in order, each in its own transaction under the lock, except
        that consecutive daily answers share one (group commit, see record_answer).

        The work is taken once the lock is held, so every answer that arrived while other work had the
        connection joins the batch, behind the writes queued before it.
        """
        taken: list[_PendingWrite | _PendingAnswer] = []
        try:
            while self._writes:
                async with self._lock:
                    head = self._writes[0]
                    if isinstance(head, _PendingWrite):
                        taken = self._writes[:1]
                        del self._writes[:1]
                        await self._run_write(head)
                    else:
                        count = 0
                        while count < min(len(self._writes), _MAX_ANSWER_BATCH) and isinstance(
                            self._writes[count], _PendingAnswer
                        ):
                            count += 1
                        batch = [write for write in self._writes[:count] if isinstance(write, _PendingAnswer)]
                        taken = list(batch)
                        del self._writes[:count]
                        await self._record_batch(batch)
                    taken = []
        except BaseException as error:
            # Only cancellation (the loop shutting down) gets here: each write settles its own errors.
            for write in [*taken, *self._writes]:
                if not write.future.done():
                    if isinstance(error, asyncio.CancelledError):
                        write.future.cancel()
                    else:
                        write.future.set_exception(error)
            self._writes.clear()
            raise
        finally:
            self._writer = None

    async def _run_write(self, write: _PendingWrite) -> None:
        try:
            result = await self._transaction(write.work)
        except Exception as error:
            _settle(write.future, error)
        else:
            _settle(write.future, result)

    async def _transaction(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """``work`` between BEGIN IMMEDIATE and COMMIT (rolled back if it fails); the lock is held."""
        db = self._conn()
        try:
            await db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _explain(error, self.path, None) from error
        try:
            result = await work(db)
            await db.execute("COMMIT")
        except BaseException:
            # The failed statement may have ended the transaction already.
            with contextlib.suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
            raise
        return result

    async def _read(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        # Under the lock too: otherwise a read could run in the middle of another task's write transaction
        # on the shared connection and see rows that are about to be rolled back.
        async with self._lock:
            return await work(self._conn())

    async def _fetch(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return list(await self._conn().execute_fetchall(sql, params))

    async def schema_version(self) -> int:
        rows = await self._fetch("PRAGMA user_version")
        return int(rows[0][0])

    async def integrity_check(self) -> str:
        """``"ok"`` for a sound database, else SQLite's first complaint."""
        rows = await self._fetch("PRAGMA integrity_check")
        return str(rows[0][0])

    # ------------------------------------------------------------------ guild settings

    async def get_guild(self, guild_id: int) -> GuildSettings | None:
        rows = await self._fetch("SELECT * FROM guilds WHERE guild_id = ?", (guild_id,))
        return _guild(rows[0]) if rows else None

    async def guilds(self) -> list[GuildSettings]:
        """Every configured guild (the scheduler rebuilds its plan from these at start-up)."""
        return [_guild(row) for row in await self._fetch("SELECT * FROM guilds ORDER BY guild_id")]

    async def save_guild(self, settings: GuildSettings) -> GuildSettings:
        """Create or replace a guild's set-up; the post-failure bookkeeping is left as it is."""
        settings.validate()
        now = self._now()
        values = {name: getattr(settings, name) for name in _GUILD_FIELDS}
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values)

        async def work(db: aiosqlite.Connection) -> GuildSettings:
            await db.execute(
                f"INSERT INTO guilds (guild_id, {columns}, created_at, updated_at) "
                f"VALUES (:guild_id, {placeholders}, :now, :now) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                {**values, "guild_id": settings.guild_id, "now": now},
            )
            rows = await db.execute_fetchall("SELECT * FROM guilds WHERE guild_id = ?", (settings.guild_id,))
            return _guild(next(iter(rows)))

        try:
            return await self._write(work)
        except sqlite3.IntegrityError as error:
            if "FOREIGN KEY" not in str(error):
                raise
            raise UnknownRecord(
                f"deck {settings.active_deck_id} does not exist; pick one from list_decks()"
            ) from error

    async def update_guild(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some settings of a configured guild, e.g. ``update_guild(g, paused=True)``."""
        unknown = set(changes) - set(_GUILD_FIELDS)
        if unknown:
            raise InvalidValue(f"unknown guild settings {sorted(unknown)}; known: {', '.join(_GUILD_FIELDS)}")
        current = await self.get_guild(guild_id)
        if current is None:
            raise UnknownRecord(f"guild {guild_id} is not set up yet; run /tutor setup first")
        return await self.save_guild(replace(current, **changes))

    async def record_post_failure(self, guild_id: int, error: str) -> int:
        """Count one more failed post for the guild (shown in /tutor status); returns the new count."""
        now = self._now()

        async def work(db: aiosqlite.Connection) -> int:
            rows = await db.execute_fetchall(
                "UPDATE guilds SET failure_count = failure_count + 1, last_error = ?, last_failure_at = ? "
                "WHERE guild_id = ? RETURNING failure_count",
                (error[:1000], now, guild_id),
            )
            found = list(rows)
            if not found:
                raise UnknownRecord(f"guild {guild_id} is not set up")
            return int(found[0][0])

        return await self._write(work)

    async def reset_post_failures(self, guild_id: int) -> None:
        """Forget past failures after a successful post."""

        async def work(db: aiosqlite.Connection) -> None:
            await db.execute(
                "UPDATE guilds SET failure_count = 0, last_error = NULL, last_failure_at = NULL "
                "WHERE guild_id = ? AND failure_count != 0",
                (guild_id,),
            )

        await self._write(work)

    # ------------------------------------------------------------------ decks

    async def save_deck(self, guild_id: int | None, name: str, deck: Deck) -> int:
        """Store a deck under ``name`` for a guild (None: bundled), replacing one of the same name atomically.

        A replaced deck keeps its id, and its cards keep their ids when their question is unchanged, so
        history, statistics and practice reviews survive a re-import (adding aliases, fixing a detail).
        Cards that disappear are deleted, or retired (kept without a position) when posts or reviews use them.
        """
        name = _deck_name(name)
        if not deck.cards:
            raise InvalidValue(f"deck {name!r} has no cards; a deck needs at least one question")
        now = self._now()

        async def work(db: aiosqlite.Connection) -> int:
            rows = list(
                await db.execute_fetchall(
                    "SELECT id FROM decks WHERE coalesce(guild_id, 0) = coalesce(?, 0) AND name = ?",
                    (guild_id, name),
                )
            )
            old: dict[str, list[int]] = {}
            if rows:
                deck_id = int(rows[0][0])
                await db.execute(
                    "UPDATE decks SET name = ?, title = ?, language = ?, source = ?, updated_at = ? "
                    "WHERE id = ?",
                    (name, deck.title, deck.language, deck.source, now, deck_id),
                )
                for card_id, question in await db.execute_fetchall(
                    "SELECT id, question FROM cards WHERE deck_id = ? "
                    "ORDER BY position IS NULL, position, id",
                    (deck_id,),
                ):
                    old.setdefault(question, []).append(card_id)
                # Park every card first so new positions can be handed out in any order without tripping
                # UNIQUE (deck_id, position).
                await db.execute("UPDATE cards SET position = NULL WHERE deck_id = ?", (deck_id,))
            else:
                inserted = await db.execute_fetchall(
                    "INSERT INTO decks (guild_id, name, title, language, source, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (guild_id, name, deck.title, deck.language, deck.source, now, now),
                )
                deck_id = int(next(iter(inserted))[0])
            items: list[tuple[int, int, str, str, str]] = []
            for position, card in enumerate(deck.cards):
                same = old.get(card.question)
                if same:
                    card_id = same.pop(0)
                    await db.execute(
                        "UPDATE cards SET position = ?, line = ? WHERE id = ?", (position, card.line, card_id)
                    )
                    await db.execute("DELETE FROM items WHERE card_id = ?", (card_id,))
                else:
                    inserted = await db.execute_fetchall(
                        "INSERT INTO cards (deck_id, position, question, line) VALUES (?, ?, ?, ?) "
                        "RETURNING id",
                        (deck_id, position, card.question, card.line),
                    )
                    card_id = int(next(iter(inserted))[0])
                items.extend(
                    (
                        card_id,
                        index,
                        item.answer,
                        item.detail,
                        json.dumps(list(item.aliases), ensure_ascii=False),
                    )
                    for index, item in enumerate(card.items)
                )
            await db.executemany(
                "INSERT INTO items (card_id, position, answer, detail, aliases) VALUES (?, ?, ?, ?, ?)", items
            )
            leftovers = [(card_id,) for ids in old.values() for card_id in ids]
            await db.executemany(
                "DELETE FROM cards WHERE id = ? "
                "AND NOT EXISTS (SELECT 1 FROM posts WHERE card_id = cards.id) "
                "AND NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = cards.id)",
                leftovers,
            )
            return deck_id

        return await self._write(work)

    async def load_deck(self, deck_id: int) -> StoredDeck:
        """The deck with its current cards in order, and their ids."""

        async def work(db: aiosqlite.Connection) -> StoredDeck:
            heads = list(await db.execute_fetchall("SELECT * FROM decks WHERE id = ?", (deck_id,)))
            if not heads:
                raise UnknownRecord(f"deck {deck_id} does not exist (removed?); pick one from list_decks()")
            rows = await db.execute_fetchall(
                "SELECT c.id AS card_id, c.question, c.line, i.answer, i.detail, i.aliases "
                "FROM cards c LEFT JOIN items i ON i.card_id = c.id "
                "WHERE c.deck_id = ? AND c.position IS NOT NULL ORDER BY c.position, i.position",
                (deck_id,),
            )
            return _stored_deck(heads[0], rows)

        return await self._read(work)

    async def find_deck(self, guild_id: int | None, name: str) -> DeckInfo | None:
        """The deck a guild means by ``name``: its own first, else a bundled one."""
        rows = await self._fetch(
            f"{_DECK_INFO} WHERE (d.guild_id = ? OR d.guild_id IS NULL) AND d.name = ? "
            "GROUP BY d.id ORDER BY d.guild_id IS NULL LIMIT 1",
            (guild_id, name.strip()),
        )
        return _deck_info(rows[0]) if rows else None

    async def get_deck_info(self, deck_id: int) -> DeckInfo | None:
        rows = await self._fetch(f"{_DECK_INFO} WHERE d.id = ? GROUP BY d.id", (deck_id,))
        return _deck_info(rows[0]) if rows else None

    async def list_decks(self, guild_id: int | None) -> list[DeckInfo]:
        """The guild's own decks, then the bundled ones, each by name (None: bundled only)."""
        rows = await self._fetch(
            f"{_DECK_INFO} WHERE d.guild_id = ? OR d.guild_id IS NULL "
            "GROUP BY d.id ORDER BY d.guild_id IS NULL, d.name",
            (guild_id,),
        )
        return [_deck_info(row) for row in rows]

    async def remove_deck(self, guild_id: int | None, name: str) -> None:
        """Delete a guild's own deck (None: a bundled deck). Scores earned on it are kept.

        Refused with DeckInUse while any guild has it as its active deck.
        """

        async def work(db: aiosqlite.Connection) -> None:
            rows = list(
                await db.execute_fetchall(
                    "SELECT id FROM decks WHERE coalesce(guild_id, 0) = coalesce(?, 0) AND name = ?",
                    (guild_id, name.strip()),
                )
            )
            if not rows:
                raise UnknownRecord(f"there is no deck named {name!r} here; see the deck list")
            deck_id = int(rows[0][0])
            users = [
                int(row[0])
                for row in await db.execute_fetchall(
                    "SELECT guild_id FROM guilds WHERE active_deck_id = ? ORDER BY guild_id", (deck_id,)
                )
            ]
            if users:
                where = "this server" if users == [guild_id] else f"{len(users)} server(s)"
                raise DeckInUse(
                    f"deck {name!r} is the active deck of {where}; "
                    "choose another deck with /tutor setup first"
                )
            await db.execute("DELETE FROM deck_totals WHERE deck_id = ?", (deck_id,))
            await db.execute("DELETE FROM decks WHERE id = ?", (deck_id,))

        await self._write(work)

    async def get_card(self, card_id: int) -> StoredCard | None:
        """One card with its items, also a retired one (old posts still show their question)."""

        async def work(db: aiosqlite.Connection) -> StoredCard | None:
            rows = list(
                await db.execute_fetchall(
                    "SELECT c.id AS card_id, c.deck_id, c.position, c.question, c.line, "
                    "i.answer, i.detail, i.aliases "
                    "FROM cards c LEFT JOIN items i ON i.card_id = c.id WHERE c.id = ? ORDER BY i.position",
                    (card_id,),
                )
            )
            if not rows:
                return None
            first = rows[0]
            return StoredCard(
                id=first["card_id"], deck_id=first["deck_id"], position=first["position"], card=_card(rows)
            )

        return await self._read(work)

    # ------------------------------------------------------------------ daily posts

    async def claim_post(
        self,
        guild_id: int,
        slot: datetime,
        card_id: int,
        *,
        closes_at: datetime,
        channel_id: int | None = None,
    ) -> Claim:
        """Claim the guild's post for a scheduled slot, before sending it.

        Idempotent: when the slot is already claimed (a restart, a second loop), the existing post comes
        back with ``created=False`` and the given card is ignored. A post whose ``message_id`` is still None
        was claimed but never sent: send it and call set_post_message.
        """
        slot_at, closes, now = to_epoch(slot), to_epoch(closes_at), self._now()

        async def work(db: aiosqlite.Connection) -> Claim:
            inserted = list(
                await db.execute_fetchall(
                    "INSERT INTO posts (guild_id, deck_id, card_id, channel_id, slot, claimed_at, closes_at) "
                    "SELECT ?, deck_id, id, ?, ?, ?, ? FROM cards WHERE id = ? "
                    f"ON CONFLICT (guild_id, slot) DO NOTHING RETURNING {_POST_COLUMNS}",
                    (guild_id, channel_id, slot_at, now, closes, card_id),
                )
            )
            if inserted:
                return Claim(_post(inserted[0]), created=True)
            existing = list(
                await db.execute_fetchall(
                    f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND slot = ?", (guild_id, slot_at)
                )
            )
            if existing:
                return Claim(_post(existing[0]), created=False)
            raise UnknownRecord(f"card {card_id} does not exist; reload the deck before posting")

        return await self._write(work)

    async def set_post_message(
        self,
        post_id: int,
        channel_id: int,
        message_id: int,
        posted_at: datetime,
        *,
        closes_at: datetime | None = None,
    ) -> Post:
        """Record that the post was sent (and, when the window starts at sending time, when it closes)."""
        posted, closes = to_epoch(posted_at), None if closes_at is None else to_epoch(closes_at)

        async def work(db: aiosqlite.Connection) -> Post:
            rows = list(
                await db.execute_fetchall(
                    f"UPDATE posts SET channel_id = ?, message_id = ?, posted_at = ?, "
                    f"closes_at = coalesce(?, closes_at) WHERE id = ? RETURNING {_POST_COLUMNS}",
                    (channel_id, message_id, posted, closes, post_id),
                )
            )
            if not rows:
                raise UnknownRecord(f"post {post_id} does not exist")
            return _post(rows[0])

        return await self._write(work)

    async def get_post(self, post_id: int) -> Post | None:
        rows = await self._fetch(f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        return _post(rows[0]) if rows else None

    async def post_for_message(self, message_id: int) -> Post | None:
        """The post a Discord message is (for replies and the Answer button)."""
        rows = await self._fetch(f"SELECT {_POST_COLUMNS} FROM posts WHERE message_id = ?", (message_id,))
        return _post(rows[0]) if rows else None

    async def last_post(self, guild_id: int, *, sent_only: bool = False) -> Post | None:
        """The guild's post with the latest slot: sent or only claimed, or with ``sent_only`` the latest sent
        one (a claimed post whose sending failed leaves its slot due for a retry)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND (posted_at IS NOT NULL OR NOT ?) "
            "ORDER BY slot DESC LIMIT 1",
            (guild_id, sent_only),
        )
        return _post(rows[0]) if rows else None

    async def recent_posts(self, guild_id: int, limit: int = 10) -> list[Post]:
        """The guild's sent posts, newest first."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL "
            "ORDER BY slot DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_post(row) for row in rows]

    async def open_posts(self, now: datetime, guild_id: int | None = None) -> list[Post]:
        """Posts sent and still taking answers, newest slot first (optionally of one guild)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE closes_at > :now AND posted_at IS NOT NULL "
            "AND revealed_at IS NULL AND (:guild IS NULL OR guild_id = :guild) ORDER BY slot DESC",
            {"now": to_epoch(now), "guild": guild_id},
        )
        return [_post(row) for row in rows]

    async def open_post(self, guild_id: int, now: datetime) -> Post | None:
        """The guild's newest post still taking answers (what /answer answers)."""
        posts = await self.open_posts(now, guild_id)
        return posts[0] if posts else None

    async def pending_posts(self, now: datetime) -> list[Post]:
        """Posts claimed but never sent whose window has not closed yet: send them (after a crash)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE closes_at > ? AND posted_at IS NULL ORDER BY slot",
            (to_epoch(now),),
        )
        return [_post(row) for row in rows]

    async def posts_to_reveal(self, now: datetime) -> list[Post]:
        """Posts sent whose window has closed and whose answer key is not revealed yet, oldest first."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE revealed_at IS NULL AND closes_at <= ? "
            "AND posted_at IS NOT NULL ORDER BY closes_at",
            (to_epoch(now),),
        )
        return [_post(row) for row in rows]

    async def close_post(self, post_id: int, at: datetime) -> Post:
        """Close a post's window now (reveal-now); a window already closed stays as it was."""

        async def work(db: aiosqlite.Connection) -> Post:
            rows = list(
                await db.execute_fetchall(
                    f"UPDATE posts SET closes_at = min(closes_at, ?) WHERE id = ? RETURNING {_POST_COLUMNS}",
                    (to_epoch(at), post_id),
                )
            )
            if not rows:
                raise UnknownRecord(f"post {post_id} does not exist")
            return _post(rows[0])

        return await self._write(work)

    async def mark_revealed(self, post_id: int, at: datetime) -> bool:
        """Mark the answer key as revealed; False when it already was (so nobody reveals twice)."""
        revealed = to_epoch(at)

        async def work(db: aiosqlite.Connection) -> bool:
            rows = await db.execute_fetchall(
                "UPDATE posts SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL RETURNING id",
                (revealed, post_id),
            )
            return bool(list(rows))

        return await self._write(work)

    async def cards_posted(self, guild_id: int, deck_id: int) -> list[int]:
        """Card ids of the guild's posts from this deck, in slot order (claimed ones included)."""
        rows = await self._fetch(
            "SELECT card_id FROM posts WHERE guild_id = ? AND deck_id = ? AND card_id IS NOT NULL "
            "ORDER BY slot",
            (guild_id, deck_id),
        )
        return [int(row[0]) for row in rows]

    # ------------------------------------------------------------------ answers

    async def record_answer(
        self,
        post_id: int,
        member_id: int,
        reply: str,
        matched: Iterable[int],
        score: float,
        answered_at: datetime,
    ) -> AnswerResult:
        """Record a member's graded answer to a daily post and update their points and streak, in one
        transaction; returns once that transaction has committed.

        A second answer to the same post (also one racing the first) counts nothing and returns the first
        grade with ``already_answered=True``. Raises PostClosed when the post is not sent yet or its window
        had closed at ``answered_at``, and UnknownRecord for an unknown post.

        Group commit: answers that arrive while another transaction holds the connection are recorded
        together in the next one (one BEGIN/COMMIT and a few statements for the lot), with the same
        outcome as recording them one after the other in arrival order. A caller that gives up (is
        cancelled) does not take its answer back: it is recorded with the others.
        """
        points = scoring.points_for(score)
        credited = tuple(sorted({int(index) for index in matched}))
        if any(index < 0 for index in credited):
            raise InvalidValue(f"credited item positions must be >= 0, got {credited}")
        at = to_epoch(answered_at)
        future: asyncio.Future[AnswerResult] = asyncio.get_running_loop().create_future()
        self._enqueue(_PendingAnswer(post_id, member_id, reply, credited, score, points, at, future))
        # The writer records the answer whether or not its caller still waits.
        return await future

    async def _record_batch(self, batch: list[_PendingAnswer]) -> None:
        """One transaction for the batch (lock held); each answer's future gets its result or its error.

        Errors that belong to one answer (unknown post, closed post) are decided from the context read
        before anything is written. Should the transaction fail anyway, each answer of the batch is tried
        again in its own transaction, so the answer at fault fails alone.
        """

        async def work(db: aiosqlite.Connection) -> list[AnswerResult | StoreError]:
            return await _answer_batch(db, batch)

        try:
            outcomes = await self._transaction(work)
        except (
            StoreError
        ) as error:  # no transaction at all: the store is closed, or locked by another process
            for pending in batch:
                _settle(pending.future, error)
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0].future, error)
            else:
                for pending in batch:
                    await self._record_batch([pending])
        else:
            for pending, outcome in zip(batch, outcomes, strict=True):
                _settle(pending.future, outcome)

    async def get_answer(self, post_id: int, member_id: int) -> AnswerResult | None:
        """The member's answer to a post, with their current totals."""
        rows = await self._fetch(
            "SELECT a.id, a.score, a.points, a.matched, a.answered_at, t.points AS t_points, "
            "t.answers AS t_answers, t.streak, t.best_streak FROM answers a "
            "LEFT JOIN member_totals t ON t.guild_id = a.guild_id AND t.member_id = a.member_id "
            "WHERE a.post_id = ? AND a.member_id = ?",
            (post_id, member_id),
        )
        if not rows:
            return None
        row = rows[0]
        return AnswerResult(
            answer_id=row["id"],
            post_id=post_id,
            member_id=member_id,
            score=row["score"],
            points=row["points"],
            matched=tuple(json.loads(row["matched"])),
            answered_at=_at(row["answered_at"]),
            already_answered=True,
            total_points=row["t_points"] or 0,
            total_answers=row["t_answers"] or 0,
            streak=row["streak"] or 0,
            best_streak=row["best_streak"] or 0,
        )

    # ------------------------------------------------------------------ queries

    async def leaderboard(
        self,
        guild_id: int,
        period: scoring.Period,
        *,
        now: datetime,
        tz: ZoneInfo,
        deck_id: int | None = None,
        limit: int = 10,
        offset: int = 0,
        member_id: int | None = None,
        category: Category = "daily",
    ) -> Leaderboard:
        """One page of a guild's ranking for the week, month (in the guild's timezone) or all time, with
        ``member_id``'s own row even when it is not on the page, and how many members are ranked.

        Ranks are shared by ties (1, 2, 2, 4); within a tie the order is by member id, so pages are stable.
        """
        if period not in scoring.PERIODS:
            raise InvalidValue(f"unknown period {period!r}; use week, month or all")
        if limit < 1 or offset < 0:
            raise InvalidValue("limit must be >= 1 and offset >= 0")
        start, end = scoring.period_bounds(period, now, tz)
        params: dict[str, Any] = {
            "guild": guild_id,
            "deck": deck_id,
            "start": None if start is None else to_epoch(start),
            "end": None if end is None else to_epoch(end),
            "offset": offset,
            "limit": limit,
            "member": member_id,
        }
        source, from_table = _leaderboard_source(category, period, deck_id)
        # A table of totals is read through its (points DESC) index; totals summed from a period's answers
        # are computed once and then read several times.
        materialized = "NOT MATERIALIZED" if from_table else "MATERIALIZED"
        rows = await self._fetch(_RANKED.format(source=source, materialized=materialized), params)
        total, first_rank = 0, 1
        page_rows: list[sqlite3.Row] = []
        me: LeaderboardRow | None = None
        for row in rows:
            if row["part"] == "page":
                page_rows.append(row)
            elif row["part"] == "me":
                me = LeaderboardRow(
                    rank=row["rank"], member_id=row["member_id"], points=row["points"], answers=row["answers"]
                )
            elif row["part"] == "first":
                first_rank = row["rank"]
            else:
                total = row["rank"]
        page_rows.sort(key=lambda row: (-row["points"], row["member_id"]))
        page: list[LeaderboardRow] = []
        for index, row in enumerate(page_rows):
            # Ranks are shared by ties: a row ranks as the first row with its points. Down the page, that is
            # its own position when the row above has more points, else the rank of the row above.
            if not page:
                rank = first_rank
            elif row["points"] == page[-1].points:
                rank = page[-1].rank
            else:
                rank = offset + index + 1
            page.append(LeaderboardRow(rank, row["member_id"], row["points"], row["answers"]))
        return Leaderboard(rows=tuple(page), total=total, me=me, start=start, end=end)

    async def member_stats(self, guild_id: int, member_id: int, now: datetime) -> MemberStats | None:
        """A member's daily totals, all-time rank and live streak in a guild; None if they never answered."""
        rows = await self._fetch(
            _MEMBER_STATS, {"guild": guild_id, "member": member_id, "now": to_epoch(now)}
        )
        if not rows:
            return None
        row = rows[0]
        streak = scoring.live_streak(
            row["streak"],
            posts_since_last_answer=row["posts_since"],
            newest_post_open=bool(row["newest_open"]),
        )
        return MemberStats(
            guild_id=guild_id,
            member_id=member_id,
            points=row["points"],
            answers=row["answers"],
            average_score=row["score_sum"] / row["answers"] if row["answers"] else 0.0,
            streak=streak,
            best_streak=row["best_streak"],
            rank=row["rank"],
            ranked=row["ranked"],
            last_answered_at=from_epoch(row["last_answered_at"]),
        )

    async def member_history(self, guild_id: int, member_id: int, limit: int = 30) -> list[HistoryEntry]:
        """A member's daily answers in a guild, newest first."""
        rows = await self._fetch(
            "SELECT a.post_id, p.slot, p.card_id, c.question, a.score, a.points, a.matched, a.answered_at "
            "FROM answers a JOIN posts p ON p.id = a.post_id LEFT JOIN cards c ON c.id = p.card_id "
            "WHERE a.guild_id = ? AND a.member_id = ? ORDER BY a.answered_at DESC, a.id DESC LIMIT ?",
            (guild_id, member_id, limit),
        )
        return [
            HistoryEntry(
                post_id=row["post_id"],
                slot=_at(row["slot"]),
                card_id=row["card_id"],
                question=row["question"],
                score=row["score"],
                points=row["points"],
                matched=tuple(json.loads(row["matched"])),
                answered_at=_at(row["answered_at"]),
            )
            for row in rows
        ]

    async def post_stats(self, post_id: int, top: int = 3) -> PostStats:
        """Participants, average score, hit rate of each item (what the class forgets), top scorers."""

        async def work(db: aiosqlite.Connection) -> PostStats:
            posts = list(
                await db.execute_fetchall(f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
            )
            if not posts:
                raise UnknownRecord(f"post {post_id} does not exist")
            post = _post(posts[0])
            summary = next(
                iter(
                    await db.execute_fetchall(
                        "SELECT count(*), coalesce(avg(score), 0) FROM answers WHERE post_id = ?", (post_id,)
                    )
                )
            )
            participants, average = int(summary[0]), float(summary[1])
            hits = {
                int(row[0]): int(row[1])
                for row in await db.execute_fetchall(
                    "SELECT CAST(j.value AS INTEGER), count(*) FROM answers a, json_each(a.matched) j "
                    "WHERE a.post_id = ? GROUP BY 1",
                    (post_id,),
                )
            }
            item_count = 0
            if post.card_id is not None:
                counted = next(
                    iter(
                        await db.execute_fetchall(
                            "SELECT count(*) FROM items WHERE card_id = ?", (post.card_id,)
                        )
                    )
                )
                item_count = int(counted[0])
            # A card removed with its deck: show the items someone was credited for.
            item_count = max(item_count, max(hits, default=-1) + 1)
            scorers = await db.execute_fetchall(
                "SELECT member_id, score, points, answered_at FROM answers WHERE post_id = ? "
                "ORDER BY score DESC, answered_at, id LIMIT ?",
                (post_id, top),
            )
            return PostStats(
                post=post,
                participants=participants,
                average_score=average,
                items=tuple(
                    ItemStat(
                        position=index,
                        hits=hits.get(index, 0),
                        rate=hits.get(index, 0) / participants if participants else 0.0,
                    )
                    for index in range(item_count)
                ),
                top=tuple(
                    TopScorer(
                        member_id=row["member_id"],
                        score=row["score"],
                        points=row["points"],
                        answered_at=_at(row["answered_at"]),
                    )
                    for row in scorers
                ),
            )

        return await self._read(work)

    async def export_scores_csv(self, guild_id: int) -> str:
        """The guild's scores as CSV text, one member a line, best first (times in UTC, ISO-8601)."""

        async def work(db: aiosqlite.Connection) -> tuple[list[sqlite3.Row], list[int], bool]:
            rows = list(await db.execute_fetchall(_EXPORT, {"guild": guild_id}))
            slots = [
                int(row[0])
                for row in await db.execute_fetchall(
                    "SELECT slot FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL ORDER BY slot",
                    (guild_id,),
                )
            ]
            newest = list(
                await db.execute_fetchall(
                    "SELECT closes_at > ? FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL "
                    "ORDER BY slot DESC LIMIT 1",
                    (self._now(), guild_id),
                )
            )
            return rows, slots, bool(newest and newest[0][0])

        rows, slots, newest_open = await self._read(work)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "member_id",
                "points",
                "answers",
                "average_score",
                "streak",
                "best_streak",
                "last_answered_at",
                "practice_points",
                "practice_answers",
                "quiz_points",
                "quizzes",
            ]
        )
        for row in rows:
            streak = 0
            if row["last_slot"] is not None:
                since = len(slots) - bisect_right(slots, row["last_slot"])
                streak = scoring.live_streak(
                    row["streak"], posts_since_last_answer=since, newest_post_open=newest_open
                )
            last = from_epoch(row["last_answered_at"])
            writer.writerow(
                [
                    row["member_id"],
                    row["points"],
                    row["answers"],
                    f"{row['score_sum'] / row['answers']:.3f}" if row["answers"] else "",
                    streak,
                    row["best_streak"],
                    last.isoformat() if last else "",
                    row["practice_points"],
                    row["practice_answers"],
                    row["quiz_points"],
                    row["quizzes"],
                ]
            )
        return out.getvalue()

    # ------------------------------------------------------------------ forgetting

    async def forget_member(self, guild_id: int, member_id: int) -> int:
        """Delete everything stored about a member in a guild, in one transaction; returns rows deleted."""

        async def work(db: aiosqlite.Connection) -> int:
            deleted = 0
            for sql in _FORGET_MEMBER:
                cursor = await db.execute(sql, (guild_id, member_id))
                deleted += max(cursor.rowcount, 0)
            return deleted

        return await self._write(work)

    async def forget_guild(self, guild_id: int) -> int:
        """Delete everything about a guild (the bot was removed), its own decks included; bundled decks
        stay. One transaction; returns rows deleted."""

        async def work(db: aiosqlite.Connection) -> int:
            deleted = 0
            for sql in _FORGET_GUILD:
                cursor = await db.execute(sql, (guild_id,))
                deleted += max(cursor.rowcount, 0)
            return deleted

        return await self._write(work)

    # ------------------------------------------------------------------ practice

    async def get_review(self, member_id: int, card_id: int) -> Review | None:
        rows = await self._fetch(
            "SELECT * FROM reviews WHERE member_id = ? AND card_id = ?", (member_id, card_id)
        )
        return _review(rows[0]) if rows else None

    async def deck_reviews(self, member_id: int, deck_id: int) -> list[Review]:
        """The member's review state for every current card of the deck they practised, soonest due first."""
        rows = await self._fetch(
            "SELECT r.* FROM reviews r JOIN cards c ON c.id = r.card_id "
            "WHERE r.member_id = ? AND c.deck_id = ? AND c.position IS NOT NULL ORDER BY r.due, r.card_id",
            (member_id, deck_id),
        )
        return [_review(row) for row in rows]

    async def due_reviews(self, member_id: int, deck_id: int, now: datetime, limit: int = 20) -> list[Review]:
        """Reviews due at ``now`` for the deck's current cards, most overdue first."""
        rows = await self._fetch(
            "SELECT r.* FROM reviews r JOIN cards c ON c.id = r.card_id "
            "WHERE r.member_id = ? AND c.deck_id = ? AND c.position IS NOT NULL AND r.due <= ? "
            "ORDER BY r.due, r.card_id LIMIT ?",
            (member_id, deck_id, to_epoch(now), limit),
        )
        return [_review(row) for row in rows]

    async def record_practice(
        self,
        guild_id: int | None,
        member_id: int,
        card_id: int,
        *,
        state: str,
        due: datetime,
        score: float,
        answered_at: datetime,
        points: int | None = None,
    ) -> int:
        """Save a practice answer: the card's new spaced-repetition state and the practice points (kept
        apart from the daily ones), in one transaction. Returns the member's practice points in the guild."""
        json.loads(state)  # refuse a state that is not JSON before it is stored
        earned = scoring.points_for(score) if points is None else points
        at, due_at = to_epoch(answered_at), to_epoch(due)

        async def work(db: aiosqlite.Connection) -> int:
            cards = list(await db.execute_fetchall("SELECT deck_id FROM cards WHERE id = ?", (card_id,)))
            if not cards:
                raise UnknownRecord(f"card {card_id} does not exist")
            await db.execute(
                "INSERT INTO reviews (member_id, card_id, guild_id, state, due, reviews, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (member_id, card_id) DO UPDATE SET "
                "guild_id = excluded.guild_id, state = excluded.state, due = excluded.due, "
                "reviews = reviews + 1, updated_at = excluded.updated_at",
                (member_id, card_id, guild_id, state, due_at, at),
            )
            await db.execute(
                "INSERT INTO practice_answers "
                "(guild_id, member_id, deck_id, card_id, score, points, answered_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, member_id, cards[0][0], card_id, score, earned, at),
            )
            total = next(
                iter(
                    await db.execute_fetchall(
                        "SELECT coalesce(sum(points), 0) FROM practice_answers "
                        "WHERE guild_id IS ? AND member_id = ?",
                        (guild_id, member_id),
                    )
                )
            )
            return int(total[0])

        return await self._write(work)

    async def practice_totals(self, guild_id: int | None, member_id: int) -> tuple[int, int]:
        """(practice points, practice answers) of a member in a guild (None: direct messages)."""
        rows = await self._fetch(
            "SELECT coalesce(sum(points), 0), count(*) FROM practice_answers "
            "WHERE guild_id IS ? AND member_id = ?",
            (guild_id, member_id),
        )
        return int(rows[0][0]), int(rows[0][1])

    async def save_practice_session(
        self, guild_id: int | None, member_id: int, state: str, *, expires_at: datetime
    ) -> None:
        """Keep a member's practice session (JSON of the practice feature) so it survives a restart."""
        json.loads(state)
        now, expires = self._now(), to_epoch(expires_at)

        async def work(db: aiosqlite.Connection) -> None:
            await db.execute(
                "DELETE FROM practice_sessions "
                "WHERE coalesce(guild_id, 0) = coalesce(?, 0) AND member_id = ?",
                (guild_id, member_id),
            )
            await db.execute(
                "INSERT INTO practice_sessions (guild_id, member_id, state, updated_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (guild_id, member_id, state, now, expires),
            )

        await self._write(work)

    async def load_practice_session(self, guild_id: int | None, member_id: int) -> PracticeSession | None:
        """The member's saved session, expired or not (compare ``expires_at`` to say it expired)."""
        rows = await self._fetch(
            "SELECT * FROM practice_sessions WHERE coalesce(guild_id, 0) = coalesce(?, 0) AND member_id = ?",
            (guild_id, member_id),
        )
        if not rows:
            return None
        row = rows[0]
        return PracticeSession(
            guild_id=row["guild_id"],
            member_id=row["member_id"],
            state=row["state"],
            updated_at=_at(row["updated_at"]),
            expires_at=_at(row["expires_at"]),
        )

    async def delete_practice_session(self, guild_id: int | None, member_id: int) -> None:
        async def work(db: aiosqlite.Connection) -> None:
            await db.execute(
                "DELETE FROM practice_sessions "
                "WHERE coalesce(guild_id, 0) = coalesce(?, 0) AND member_id = ?",
                (guild_id, member_id),
            )

        await self._write(work)

    # ------------------------------------------------------------------ live quiz

    async def record_quiz_result(
        self,
        guild_id: int,
        quiz_id: str,
        member_id: int,
        *,
        points: int,
        rounds: int,
        finished_at: datetime,
        deck_id: int | None = None,
    ) -> None:
        """Keep a member's result in one live quiz (its own leaderboard category); idempotent per quiz."""
        at = to_epoch(finished_at)

        async def work(db: aiosqlite.Connection) -> None:
            await db.execute(
                "INSERT INTO quiz_results "
                "(guild_id, quiz_id, member_id, deck_id, points, rounds, finished_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, quiz_id, member_id) DO UPDATE SET "
                "points = excluded.points, rounds = excluded.rounds, finished_at = excluded.finished_at",
                (guild_id, quiz_id, member_id, deck_id, points, rounds, at),
            )

        await self._write(work)


# ---------------------------------------------------------------------- start-up checks


def _check_file(path: Path) -> None:
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
            head = file.read(len(_SQLITE_HEADER))
        # An empty file is a valid empty database: SQLite writes the header on the first change.
        if head and head != _SQLITE_HEADER:
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
        raise _explain(error, path, busy_timeout) from error


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


def _explain(error: sqlite3.Error, path: str, busy_timeout: float | None) -> StoreError:
    """Turn SQLite's terse error into one that says what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        waited = f" after waiting {busy_timeout:g} s" if busy_timeout is not None else ""
        return DatabaseLocked(
            f"{path} is locked by another process{waited}. Only one bot (or tool) may use a database at a "
            "time: stop the other one, or point TUTOR_DB at another file"
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path} cannot be written (read-only file, folder or disk); make it writable")
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return StoreError(
            f"{path} is not a usable SQLite database ({error}); nothing was changed. Move it away or point "
            "TUTOR_DB at another file"
        )
    if "unable to open" in text:
        return StoreError(f"{path} cannot be opened ({error}); check the path and its folder's permissions")
    return StoreError(f"{path}: {error}")


# ---------------------------------------------------------------------- recording answers in batches

# The most answers one transaction records; the rest wait for the next one, so other work gets its turn.
_MAX_ANSWER_BATCH = 256


@dataclass(eq=False)
class _PendingWrite:
    """A write waiting for the writer (see Store._write), and the future its caller waits on."""

    work: Callable[[aiosqlite.Connection], Awaitable[Any]]
    future: asyncio.Future[Any]


@dataclass(eq=False)
class _PendingAnswer:
    """An answer waiting for the writer, and the future its caller waits on."""

    post_id: int
    member_id: int
    reply: str
    credited: tuple[int, ...]
    score: float
    points: int
    at: int
    future: asyncio.Future[AnswerResult]


@dataclass(frozen=True)
class _BatchPost:
    guild_id: int
    deck_id: int | None
    slot: int
    posted_at: int | None
    closes_at: int
    previous_post_id: int | None


@dataclass
class _Totals:
    """A member's running totals while a batch is worked out (their member_totals row, or zeros)."""

    points: int
    answers: int
    streak: int
    best: int
    last_post_id: int | None
    last_slot: int | None


@dataclass(frozen=True)
class _FirstAnswer:
    id: int
    score: float
    points: int
    matched: tuple[int, ...]
    at: int


def _settle(future: asyncio.Future[Any], outcome: object) -> None:
    if future.done():  # its caller was cancelled; the write is done all the same
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


async def _answer_batch(
    db: aiosqlite.Connection, batch: Sequence[_PendingAnswer]
) -> list[AnswerResult | StoreError]:
    """Record a batch of answers inside the caller's write transaction; the outcome of each, in order.

    The outcome is what recording the answers one after the other in batch order gives: one read of every
    answer's context (post, member totals, an earlier answer to the same post), the decisions in Python, then
    one statement inserting the new answers and one updating the totals, row after row as the answers came.
    """
    pairs = json.dumps(sorted({(pending.post_id, pending.member_id) for pending in batch}))
    max_answer_id, context = next(iter(await db.execute_fetchall(_ANSWER_CONTEXT, (pairs,))))
    next_id = (max_answer_id or 0) + 1
    posts: dict[int, _BatchPost] = {}
    totals: dict[tuple[int, int], _Totals] = {}
    answered: dict[tuple[int, int], int] = {}
    for row in json.loads(context):
        (
            post_id,
            member_id,
            guild_id,
            *post,
            points,
            answers,
            streak,
            best,
            last_post_id,
            last_slot,
            first_id,
        ) = row
        if guild_id is None:
            continue  # no such post
        posts[post_id] = _BatchPost(guild_id, *post)
        totals[guild_id, member_id] = _Totals(
            points or 0, answers or 0, streak or 0, best or 0, last_post_id, last_slot
        )
        if first_id is not None:
            answered[post_id, member_id] = first_id
    firsts: dict[tuple[int, int], _FirstAnswer] = {}
    if answered:
        by_id = {
            row["id"]: _FirstAnswer(
                row["id"], row["score"], row["points"], tuple(json.loads(row["matched"])), row["answered_at"]
            )
            for row in await db.execute_fetchall(_FIRST_ANSWERS, (json.dumps(list(answered.values())),))
        }
        firsts = {pair: by_id[answer_id] for pair, answer_id in answered.items()}

    # A late answer's streak is counted again from the guild's posts; read once per member and batch.
    histories: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    outcomes: list[AnswerResult | StoreError] = []
    new_answers: list[tuple[Any, ...]] = []
    new_totals: list[tuple[Any, ...]] = []
    for pending in batch:
        post_id, member_id = pending.post_id, pending.member_id
        post = posts.get(post_id)
        if post is None:
            outcomes.append(UnknownRecord(f"post {post_id} does not exist"))
            continue
        guild_id = post.guild_id
        member = totals[guild_id, member_id]
        first = firsts.get((post_id, member_id))
        if first is not None:
            outcomes.append(
                AnswerResult(
                    answer_id=first.id,
                    post_id=post_id,
                    member_id=member_id,
                    score=first.score,
                    points=first.points,
                    matched=first.matched,
                    answered_at=_at(first.at),
                    already_answered=True,
                    total_points=member.points,
                    total_answers=member.answers,
                    streak=member.streak,
                    best_streak=member.best,
                )
            )
            continue
        if post.posted_at is None:
            outcomes.append(PostClosed(f"post {post_id} has not been sent yet; it takes answers once posted"))
            continue
        if pending.at >= post.closes_at:
            outcomes.append(PostClosed(f"post {post_id} closed at {_at(post.closes_at).isoformat()}"))
            continue
        answer_id, next_id = next_id, next_id + 1
        firsts[post_id, member_id] = _FirstAnswer(
            answer_id, pending.score, pending.points, pending.credited, pending.at
        )
        new_answers.append(
            (
                answer_id,
                post_id,
                guild_id,
                post.deck_id,
                member_id,
                pending.reply,
                json.dumps(pending.credited),
                pending.score,
                pending.points,
                pending.at,
            )
        )
        if member.last_slot is not None and post.slot < member.last_slot:
            # A late answer to an older post: it may join two runs, so count again from the history (the
            # database's answers and this batch's, this one included).
            history = histories.get((guild_id, member_id))
            if history is None:
                rows = await db.execute_fetchall(_ANSWERED_FLAGS, (member_id, guild_id))
                sent = sorted(json.loads(next(iter(rows))[0]))  # in slot order
                history = histories[guild_id, member_id] = [
                    (post_of, bool(flag)) for _, post_of, flag in sent
                ]
            streak, history_best = scoring.streaks_from_history(
                was or (post_of, member_id) in firsts for post_of, was in history
            )
            best = max(member.best, history_best)
        else:
            answered_previous = (
                member.last_post_id is not None and member.last_post_id == post.previous_post_id
            )
            streak, best = scoring.advance_streak(
                member.streak, member.best, answered_previous_post=answered_previous
            )
            member.last_post_id, member.last_slot = post_id, post.slot
        member.points += pending.points
        member.answers += 1
        member.streak, member.best = streak, best
        new_totals.append(
            (
                guild_id,
                member_id,
                member.points,
                member.answers,
                pending.score,
                streak,
                best,
                member.last_post_id,
                member.last_slot,
                pending.at,
            )
        )
        outcomes.append(
            AnswerResult(
                answer_id=answer_id,
                post_id=post_id,
                member_id=member_id,
                score=pending.score,
                points=pending.points,
                matched=pending.credited,
                answered_at=_at(pending.at),
                already_answered=False,
                total_points=member.points,
                total_answers=member.answers,
                streak=streak,
                best_streak=best,
            )
        )
    if new_answers:
        # At most _MAX_ANSWER_BATCH rows of 10 values each: well under SQLite's 32,766 bound parameters.
        await db.execute(_insert_answers(len(new_answers)), [value for row in new_answers for value in row])
        await db.execute(
            _upsert_member_totals(len(new_totals)), [value for row in new_totals for value in row]
        )
    return outcomes


# ---------------------------------------------------------------------- SQL


# Recording a batch of answers. Under load the event loop's thread holds the GIL most of the time, and the
# aiosqlite thread waits for it (up to the 5 ms switch interval) at each row SQLite steps through in Python's
# sqlite3 module: so each statement here returns at most one row and writes all its rows at once.

# The context of a batch, as JSON in one row: for each distinct (post, member) pair given as a JSON array
# of [post_id, member_id], the post (guild_id null: no such post), the member's totals in the post's guild,
# and the id of their answer to it if any. Integers only: JSON keeps them exact. Also the largest answer id:
# the batch hands out the next ones, as SQLite would (largest + 1), while its write transaction keeps anyone
# else out.
_ANSWER_CONTEXT = """
WITH wanted (post_id, member_id) AS (
    SELECT DISTINCT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)
)
SELECT (SELECT max(id) FROM answers) AS max_answer_id,
       json_group_array(json_array(
           w.post_id, w.member_id, p.guild_id, p.deck_id, p.slot, p.posted_at, p.closes_at,
           (SELECT q.id FROM posts q
             WHERE q.guild_id = p.guild_id AND q.slot < p.slot AND q.posted_at IS NOT NULL
             ORDER BY q.slot DESC LIMIT 1),
           t.points, t.answers, t.streak, t.best_streak, t.last_post_id, t.last_slot, a.id
       )) AS context
FROM wanted w
LEFT JOIN posts p ON p.id = w.post_id
LEFT JOIN member_totals t ON t.guild_id = p.guild_id AND t.member_id = w.member_id
LEFT JOIN answers a ON a.post_id = p.id AND a.member_id = w.member_id
"""

# The first grades of the answers already recorded (only when some are answered again).
_FIRST_ANSWERS = """
SELECT id, score, points, matched, answered_at FROM answers WHERE id IN (SELECT value FROM json_each(?))
"""

# A member's history in a guild for a late answer, as JSON in one row: [slot, post id, answered] for each
# post sent.
_ANSWERED_FLAGS = """
SELECT json_group_array(json_array(p.slot, p.id, a.id IS NOT NULL))
FROM posts p LEFT JOIN answers a ON a.post_id = p.id AND a.member_id = ?
WHERE p.guild_id = ? AND p.posted_at IS NOT NULL
"""

_ANSWER_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


@functools.cache
def _insert_answers(rows: int) -> str:
    return (
        "INSERT INTO answers (id, post_id, guild_id, deck_id, member_id, reply, matched, score, points, "
        "answered_at) VALUES " + ", ".join([_ANSWER_ROW] * rows)
    )


@functools.cache
def _upsert_member_totals(rows: int) -> str:
    """A row per recorded answer, in their order (SQLite takes VALUES rows in order): the member's totals
    after that answer; score_sum adds up and last_answered_at keeps the latest, as one statement per answer
    would."""
    return (
        "INSERT INTO member_totals (guild_id, member_id, points, answers, score_sum, streak, best_streak, "
        "last_post_id, last_slot, last_answered_at) VALUES " + ", ".join([_ANSWER_ROW] * rows) + " "
        "ON CONFLICT (guild_id, member_id) DO UPDATE SET points = excluded.points, "
        "answers = excluded.answers, score_sum = score_sum + excluded.score_sum, "
        "streak = excluded.streak, best_streak = excluded.best_streak, "
        "last_post_id = excluded.last_post_id, last_slot = excluded.last_slot, "
        "last_answered_at = max(coalesce(last_answered_at, 0), excluded.last_answered_at)"
    )


# The page, the caller's row with its rank, the rank of the page's first row and the number of ranked members,
# told apart by ``part``; ranks inside the page follow from the first one (see leaderboard). Counting members
# with more points is cheap with the totals tables' (points DESC) indexes, and on a materialized period sum.
_RANKED = """
WITH totals (member_id, points, answers) AS {materialized} ({source}),
page AS (
    SELECT member_id, points, answers FROM totals
    ORDER BY points DESC, member_id LIMIT :limit OFFSET :offset
)
SELECT 'page' AS part, member_id, points, answers, NULL AS rank FROM page
UNION ALL
SELECT 'me', member_id, points, answers, (SELECT count(*) FROM totals t WHERE t.points > me.points) + 1
FROM totals me WHERE me.member_id = :member
UNION ALL
SELECT 'first', NULL, NULL, NULL,
       (SELECT count(*) FROM totals t WHERE t.points > (SELECT max(points) FROM page)) + 1
UNION ALL
SELECT 'total', NULL, NULL, NULL, (SELECT count(*) FROM totals)
"""

_PERIOD = "AND {time} >= :start AND {time} < :end"


def _leaderboard_source(category: Category, period: scoring.Period, deck_id: int | None) -> tuple[str, bool]:
    """The (member_id, points, answers) rows to rank, and whether they are read straight from a totals table.

    The SQL text is made of fixed pieces only; every value is a bound parameter.
    """
    deck = "" if deck_id is None else "AND deck_id = :deck"
    if category == "daily":
        if period == "all":
            if deck_id is None:
                return "SELECT member_id, points, answers FROM member_totals WHERE guild_id = :guild", True
            return (
                "SELECT member_id, points, answers FROM deck_totals "
                "WHERE guild_id = :guild AND deck_id = :deck",
                True,
            )
        when = _PERIOD.format(time="answered_at")
        return (
            f"SELECT member_id, sum(points), count(*) FROM answers WHERE guild_id = :guild {deck} {when} "
            "GROUP BY member_id",
            False,
        )
    if category == "practice":
        table, time = "practice_answers", "answered_at"
    elif category == "quiz":
        table, time = "quiz_results", "finished_at"
    else:
        raise InvalidValue(f"unknown leaderboard category {category!r}; use daily, practice or quiz")
    when = "" if period == "all" else _PERIOD.format(time=time)
    return (
        f"SELECT member_id, sum(points), count(*) FROM {table} WHERE guild_id = :guild {deck} {when} "
        "GROUP BY member_id",
        False,
    )


_MEMBER_STATS = """
SELECT t.points, t.answers, t.score_sum, t.streak, t.best_streak, t.last_answered_at,
       (SELECT count(*) FROM member_totals u
         WHERE u.guild_id = t.guild_id AND u.points > t.points) + 1 AS rank,
       (SELECT count(*) FROM member_totals u WHERE u.guild_id = t.guild_id) AS ranked,
       (SELECT count(*) FROM posts p
         WHERE p.guild_id = t.guild_id AND p.posted_at IS NOT NULL AND p.slot > t.last_slot) AS posts_since,
       coalesce((SELECT p.closes_at > :now FROM posts p
                  WHERE p.guild_id = t.guild_id AND p.posted_at IS NOT NULL
                  ORDER BY p.slot DESC LIMIT 1), 0) AS newest_open
FROM member_totals t WHERE t.guild_id = :guild AND t.member_id = :member
"""

_EXPORT = """
WITH members (member_id) AS (
    SELECT member_id FROM member_totals WHERE guild_id = :guild
    UNION SELECT member_id FROM practice_answers WHERE guild_id = :guild
    UNION SELECT member_id FROM quiz_results WHERE guild_id = :guild
),
practice AS (
    SELECT member_id, sum(points) AS points, count(*) AS answers FROM practice_answers
    WHERE guild_id = :guild GROUP BY member_id
),
quiz AS (
    SELECT member_id, sum(points) AS points, count(*) AS quizzes FROM quiz_results
    WHERE guild_id = :guild GROUP BY member_id
)
SELECT m.member_id, coalesce(t.points, 0) AS points, coalesce(t.answers, 0) AS answers,
       coalesce(t.score_sum, 0) AS score_sum, coalesce(t.streak, 0) AS streak,
       coalesce(t.best_streak, 0) AS best_streak, t.last_slot, t.last_answered_at,
       coalesce(pr.points, 0) AS practice_points, coalesce(pr.answers, 0) AS practice_answers,
       coalesce(q.points, 0) AS quiz_points, coalesce(q.quizzes, 0) AS quizzes
FROM members m
LEFT JOIN member_totals t ON t.guild_id = :guild AND t.member_id = m.member_id
LEFT JOIN practice pr ON pr.member_id = m.member_id
LEFT JOIN quiz q ON q.member_id = m.member_id
ORDER BY points DESC, m.member_id
"""

_FORGET_MEMBER = (
    "DELETE FROM answers WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM member_totals WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM deck_totals WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM reviews WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM practice_answers WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM practice_sessions WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM quiz_results WHERE guild_id = ? AND member_id = ?",
)

# Children before parents: answers before posts, the guild row (which points at its active deck) before the
# guild's decks; deleting a deck cascades to its cards, items and the reviews of those cards.
_FORGET_GUILD = (
    "DELETE FROM answers WHERE guild_id = ?",
    "DELETE FROM member_totals WHERE guild_id = ?",
    "DELETE FROM deck_totals WHERE guild_id = ?",
    "DELETE FROM posts WHERE guild_id = ?",
    "DELETE FROM reviews WHERE guild_id = ?",
    "DELETE FROM practice_answers WHERE guild_id = ?",
    "DELETE FROM practice_sessions WHERE guild_id = ?",
    "DELETE FROM quiz_results WHERE guild_id = ?",
    "DELETE FROM guilds WHERE guild_id = ?",
    "DELETE FROM decks WHERE guild_id = ?",
)

_DECK_INFO = (
    "SELECT d.id, d.guild_id, d.name, d.title, d.language, d.updated_at, count(c.id) AS card_count "
    "FROM decks d LEFT JOIN cards c ON c.deck_id = d.id AND c.position IS NOT NULL"
)


# ---------------------------------------------------------------------- row conversion


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _deck_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > _MAX_DECK_NAME:
        raise InvalidValue(f"a deck name has 1 to {_MAX_DECK_NAME} characters, got {name!r}")
    return cleaned


def _guild(row: sqlite3.Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        post_time=row["post_time"],
        timezone=row["timezone"],
        days_mask=row["days_mask"],
        active_deck_id=row["active_deck_id"],
        answer_window_hours=row["answer_window_hours"],
        language=row["language"],
        teacher_role_id=row["teacher_role_id"],
        private_answers=bool(row["private_answers"]),
        paused=bool(row["paused"]),
        failure_count=row["failure_count"],
        last_error=row["last_error"],
        last_failure_at=from_epoch(row["last_failure_at"]),
        created_at=from_epoch(row["created_at"]),
        updated_at=from_epoch(row["updated_at"]),
    )


def _post(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        guild_id=row["guild_id"],
        deck_id=row["deck_id"],
        card_id=row["card_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        slot=_at(row["slot"]),
        claimed_at=_at(row["claimed_at"]),
        posted_at=from_epoch(row["posted_at"]),
        closes_at=_at(row["closes_at"]),
        revealed_at=from_epoch(row["revealed_at"]),
    )


def _deck_info(row: sqlite3.Row) -> DeckInfo:
    return DeckInfo(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        title=row["title"],
        language=row["language"],
        card_count=row["card_count"],
        updated_at=_at(row["updated_at"]),
    )


def _card(rows: Sequence[sqlite3.Row]) -> Card:
    items = tuple(
        Item(answer=row["answer"], detail=row["detail"], aliases=tuple(json.loads(row["aliases"])))
        for row in rows
        if row["answer"] is not None
    )
    return Card(question=rows[0]["question"], items=items, line=rows[0]["line"])


def _stored_deck(head: sqlite3.Row, rows: Iterable[sqlite3.Row]) -> StoredDeck:
    grouped: dict[int, list[sqlite3.Row]] = {}
    for row in rows:
        grouped.setdefault(row["card_id"], []).append(row)
    deck = Deck(
        title=head["title"],
        cards=tuple(_card(card_rows) for card_rows in grouped.values()),
        language=head["language"],
        source=head["source"],
    )
    return StoredDeck(
        id=head["id"], guild_id=head["guild_id"], name=head["name"], deck=deck, card_ids=tuple(grouped)
    )


def _review(row: sqlite3.Row) -> Review:
    return Review(
        member_id=row["member_id"],
        card_id=row["card_id"],
        guild_id=row["guild_id"],
        state=row["state"],
        due=_at(row["due"]),
        reviews=row["reviews"],
        updated_at=_at(row["updated_at"]),
    )
