"""Store benchmark: leaderboards, answer recording and size on a database of 1,000,000 answers, on SQLite
and on PostgreSQL in one run.

The database (200 guilds, 20,000 members, 1,000,000 answers over 400 days) is generated once with bulk SQL
and cached under the temporary folder, keyed by the schema version; later runs work on a copy of it. Set
TUTORBOT_BENCH_FRESH=1 to generate it again.

PostgreSQL: the same database copied in with ``tutorbot db migrate``'s code (COPY), then the same figures.
The server is TUTOR_BENCH_PG (a URL of a database the bench may wipe), else a throwaway one started from the
machine's PostgreSQL 15 (initdb in a temporary folder, a loopback port, removed at the end), else none: the
PostgreSQL half says why it was skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from bot.decks.model import Card, Deck, Item
from bot.store import SCHEMA_VERSION, GuildSettings, Store
from bot.store.postgres import redact
from bot.store.transfer import copy_to_postgres

GUILDS = 200
MEMBERS = 20_000
ANSWERS = 1_000_000
DAYS = 400  # one post per guild per day: 2,500 answers a day across all guilds
CARDS_PER_DECK = 50
ITEMS_PER_CARD = 8
# Bump when the generated data changes, so a stale cached file is not reused.
GENERATOR_VERSION = 2

FIRST_DAY = datetime(2025, 1, 1, 7, 0, tzinfo=UTC)
NOW = FIRST_DAY + timedelta(days=DAYS - 1, hours=12)  # midway through the last day
TIMEZONES = (
    "Europe/Paris",
    "America/Montreal",
    "America/Los_Angeles",
    "Pacific/Kiritimati",
    "Asia/Tokyo",
    "UTC",
)
BASE_GUILD_ID = 900_000_000_000_000_000
BASE_MEMBER_ID = 100_000_000_000_000_000
# Message ids are 64-bit snowflakes like the others (version 1 made some past 2**63: SQLite kept them as
# floats, PostgreSQL's BIGINT refuses them).
BASE_MESSAGE_ID = 800_000_000_000_000_000

LEADERBOARD_TARGET_MS = 20.0
RECORD_TARGET_MS = 1.0
REPEATS = 25
SEQUENTIAL_ANSWERS = 2_000
CONCURRENT_ANSWERS = 1_000


@dataclass(frozen=True)
class GuildShape:
    guild_id: int
    members: int
    first_member: int
    per_post: int  # answers to each daily post


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in integer parts proportional to ``weights`` that add up exactly."""
    scale = total / sum(weights)
    raw = [weight * scale for weight in weights]
    parts = [int(value) for value in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def guild_shapes() -> list[GuildShape]:
    """Guild sizes follow Zipf's law, as real servers do: one class of 3,400 members, many of a few dozen."""
    members = _largest_remainder(MEMBERS, [1 / (rank + 1) for rank in range(GUILDS)])
    per_post = _largest_remainder(ANSWERS // DAYS, [float(count) for count in members])
    shapes, first = [], BASE_MEMBER_ID
    for index, (count, answers) in enumerate(zip(members, per_post, strict=True)):
        shapes.append(GuildShape(BASE_GUILD_ID + index, count, first, min(answers, count)))
        first += count
    assert sum(shape.per_post for shape in shapes) * DAYS == ANSWERS
    return shapes


def _bench_deck(name: str) -> Deck:
    return Deck(
        title=f"Bench deck {name}",
        cards=tuple(
            Card(
                f"{name}: question {card}?",
                tuple(Item(f"item {card}.{item}", f"detail {item}") for item in range(ITEMS_PER_CARD)),
            )
            for card in range(CARDS_PER_DECK)
        ),
    )


def cache_path() -> Path:
    return (
        Path(tempfile.gettempdir()) / f"tutorbot-bench-schema{SCHEMA_VERSION}-gen{GENERATOR_VERSION}.sqlite"
    )


async def _create_schema(path: Path, shapes: list[GuildShape]) -> list[int]:
    """Through the store itself: its migrations, two bundled decks, the guilds' settings."""
    async with Store.open(path) as store:
        deck_ids = [await store.save_deck(None, f"bench-{name}", _bench_deck(name)) for name in ("a", "b")]
        for index, shape in enumerate(shapes):
            await store.save_guild(
                GuildSettings(
                    shape.guild_id,
                    channel_id=shape.guild_id + 1,
                    timezone=TIMEZONES[index % len(TIMEZONES)],
                    active_deck_id=deck_ids[index % 2],
                )
            )
    return deck_ids


def _fill(path: Path, shapes: list[GuildShape], deck_ids: list[int]) -> None:
    """Posts, answers and totals with set-based SQL in one transaction; the answers' indexes and trigger are
    dropped for the bulk insert and built once at the end, which is several times faster than maintaining them
    row by row."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # The partial file is thrown away if anything fails: no journal needed while filling it.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -262144")  # 256 MiB, for building the indexes
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("BEGIN")
        helpers = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'answers' AND sql IS NOT NULL "
            "AND type IN ('index', 'trigger')"
        ).fetchall()
        for kind, name, _ in helpers:
            db.execute(f'DROP {kind.upper()} "{name}"')
        db.execute(
            "CREATE TEMP TABLE shapes (guild_id INTEGER PRIMARY KEY, members INTEGER, first_member INTEGER, "
            "per_post INTEGER, deck_parity INTEGER)"
        )
        db.executemany(
            "INSERT INTO shapes VALUES (?, ?, ?, ?, ?)",
            [(s.guild_id, s.members, s.first_member, s.per_post, i % 2) for i, s in enumerate(shapes)],
        )
        db.execute(
            "CREATE TEMP TABLE deck_cards "
            "(deck_index INTEGER, position INTEGER, card_id INTEGER, deck_id INTEGER)"
        )
        for index, deck_id in enumerate(deck_ids):
            db.execute(
                "INSERT INTO deck_cards SELECT ?, position, id, deck_id FROM cards WHERE deck_id = ?",
                (index, deck_id),
            )
        first = int(FIRST_DAY.timestamp())
        # One post a day per guild, alternating between the two decks, each open for 20 hours.
        db.execute(
            """
            WITH RECURSIVE days (day) AS (SELECT 0 UNION ALL SELECT day + 1 FROM days WHERE day < :days - 1)
            INSERT INTO posts (guild_id, deck_id, card_id, channel_id, message_id, slot, claimed_at,
                               posted_at, closes_at, revealed_at)
            SELECT s.guild_id, dc.deck_id, dc.card_id, s.guild_id + 1,
                   :messages + (s.guild_id - :guilds) * 1000 + day,
                   :first + day * 86400, :first + day * 86400, :first + day * 86400,
                   :first + day * 86400 + 72000, :first + day * 86400 + 72000
            FROM shapes s CROSS JOIN days
            JOIN deck_cards dc ON dc.deck_index = (day + s.deck_parity) % 2 AND dc.position = day % :cards
            ORDER BY s.guild_id, day
            """,
            {
                "days": DAYS,
                "first": first,
                "cards": CARDS_PER_DECK,
                "messages": BASE_MESSAGE_ID,
                "guilds": BASE_GUILD_ID,
            },
        )
        # The k-th answer to a guild's post of day d comes from member (d * 7919 + k) mod members: distinct
        # members for one post, a different crowd each day. Scores in tenths, so points = 10 * score exactly.
        db.execute(
            """
            WITH RECURSIVE ks (k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM ks WHERE k < :max_k - 1),
            graded AS (
                SELECT p.id AS post_id, p.guild_id, p.deck_id, p.slot, k,
                       s.first_member + ((p.slot - :first) / 86400 * 7919 + k) % s.members AS member_id,
                       (k * 37 + (p.slot - :first) / 86400) % 11 AS tenths
                FROM posts p JOIN shapes s ON s.guild_id = p.guild_id JOIN ks ON ks.k < s.per_post
            )
            INSERT INTO answers (post_id, guild_id, deck_id, member_id, reply, matched, score, points,
                                 answered_at)
            SELECT post_id, guild_id, deck_id, member_id,
                   printf('réponse %d : transparence, rapidité, interactivité, mobilisation', k),
                   CASE WHEN tenths * 8 / 10 = 0 THEN '[]'
                        ELSE substr('[0,1,2,3,4,5,6,7', 1, 2 * (tenths * 8 / 10)) || ']' END,
                   tenths / 10.0, tenths, slot + 60 + (k * 97) % 71000
            FROM graded
            """,
            {"max_k": max(shape.per_post for shape in shapes), "first": first},
        )
        for _, _, sql in helpers:
            db.execute(sql)
        db.execute(
            """
            INSERT INTO member_totals (guild_id, member_id, points, answers, score_sum, streak, best_streak,
                                       last_post_id, last_answered_at)
            SELECT guild_id, member_id, sum(points), count(*), sum(score), 1, 1, post_id, max(answered_at)
            FROM answers GROUP BY guild_id, member_id
            """
        )  # SQLite's bare column next to max(): post_id is the one of the latest answer
        db.execute(
            "UPDATE member_totals "
            "SET last_slot = (SELECT slot FROM posts WHERE posts.id = member_totals.last_post_id)"
        )
        db.execute(
            "INSERT INTO deck_totals (guild_id, deck_id, member_id, points, answers) "
            "SELECT guild_id, deck_id, member_id, sum(points), count(*) FROM answers "
            "GROUP BY guild_id, deck_id, member_id"
        )
        db.execute("COMMIT")
        db.execute("ANALYZE")
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()


def generate(path: Path) -> float:
    """Build the benchmark database at ``path`` (atomically: a partial file is never left there)."""
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    shapes = guild_shapes()
    deck_ids = asyncio.run(_create_schema(partial, shapes))
    _fill(partial, shapes, deck_ids)
    partial.replace(path)
    return time.perf_counter() - started


async def _timed(call: Callable[[], Awaitable[object]], repeats: int) -> tuple[float, float]:
    """(median, slowest) of ``repeats`` calls, in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def _status(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER TARGET"


async def _leaderboards(store: Store, shapes: list[GuildShape], deck_ids: list[int]) -> None:
    """Each period, overall and for one deck, as the last-ranked member asks for the first page."""
    for label, shape in (("largest guild", shapes[0]), ("median guild", shapes[len(shapes) // 2])):
        settings = await store.get_guild(shape.guild_id)
        assert settings is not None
        tz = ZoneInfo(settings.timezone)
        answers = await store._fetch("SELECT count(*) FROM answers WHERE guild_id = ?", (shape.guild_id,))
        print(f"{label}: {shape.members:,} members, {answers[0][0]:,} answers, timezone {settings.timezone}")
        for deck in (None, deck_ids[0]):
            for period in ("week", "month", "all"):
                ask = partial(store.leaderboard, shape.guild_id, period, now=NOW, tz=tz, deck_id=deck)
                everyone = await ask()
                last = await ask(offset=max(everyone.total - 1, 0), limit=1)
                caller = last.rows[0].member_id if last.rows else None
                median, slowest = await _timed(partial(ask, member_id=caller), REPEATS)
                board = await ask(member_id=caller)
                scope = "" if deck is None else ", one deck"
                rank = f"caller ranked {board.me.rank} of {board.total}" if board.me else "nobody ranked"
                print(
                    f"  leaderboard {period}{scope}: {median:.2f} ms "
                    f"(target <= {LEADERBOARD_TARGET_MS:g} ms) {_status(median, LEADERBOARD_TARGET_MS)}; "
                    f"median of {REPEATS}, slowest {slowest:.2f} ms, {rank}"
                )


async def _new_post(store: Store, guild_id: int, slot: datetime) -> int:
    card = (await store._fetch("SELECT id FROM cards ORDER BY id LIMIT 1"))[0][0]
    claim = await store.claim_post(guild_id, slot, card, closes_at=slot + timedelta(hours=20))
    await store.set_post_message(claim.post.id, 1, 2, slot)
    return claim.post.id


async def _recording(store: Store, shape: GuildShape) -> None:
    post_id = await _new_post(store, shape.guild_id, NOW + timedelta(hours=1))
    at = NOW + timedelta(hours=2)
    times = []
    for index in range(SEQUENTIAL_ANSWERS):
        member = shape.first_member + index % shape.members
        started = time.perf_counter()
        await store.record_answer(post_id, member, "transparence, rapidité", [0, 1], 0.25, at)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    p99 = statistics.quantiles(times, n=100)[98]
    print(
        f"record one answer: {median:.3f} ms median, p99 {p99:.3f} ms over {SEQUENTIAL_ANSWERS:,} answers "
        f"(target <= {RECORD_TARGET_MS:g} ms) {_status(median, RECORD_TARGET_MS)}"
    )

    post_id = await _new_post(store, shape.guild_id, NOW + timedelta(hours=3))
    at = NOW + timedelta(hours=4)
    members = [shape.first_member + index for index in range(CONCURRENT_ANSWERS)]
    started = time.perf_counter()
    results = await asyncio.gather(
        *(store.record_answer(post_id, member, "transparence", [0], 0.5, at) for member in members)
    )
    wall = time.perf_counter() - started
    stored = {
        int(row[0]) for row in await store._fetch("SELECT id FROM answers WHERE post_id = ?", (post_id,))
    }
    present = all(result.answer_id in stored and not result.already_answered for result in results)
    counted = len(stored) == CONCURRENT_ANSWERS and present
    print(
        f"{CONCURRENT_ANSWERS:,} concurrent answer recordings: {wall * 1000:.0f} ms wall "
        f"({CONCURRENT_ANSWERS / wall:,.0f} answers/s); "
        f"every one present afterwards: {'yes' if counted else 'NO'}"
    )
    if not counted:
        raise SystemExit("store bench: concurrent answers went missing")


async def _full_sync_recording(path: Path, shape: GuildShape) -> None:
    """The same single-answer figure with synchronous=FULL (an fsync per answer: survives power cuts)."""
    async with Store.open(path, synchronous="FULL") as store:
        post_id = await _new_post(store, shape.guild_id, NOW + timedelta(hours=5))
        at = NOW + timedelta(hours=6)
        times = []
        for index in range(200):
            started = time.perf_counter()
            await store.record_answer(post_id, shape.first_member + index, "x", [0], 1.0, at)
            times.append((time.perf_counter() - started) * 1000)
    print(f"record one answer with synchronous=FULL (fsync each): {statistics.median(times):.3f} ms median")


async def _run(path: Path, shapes: list[GuildShape]) -> None:
    async with Store.open(path) as store:
        deck_ids = [deck.id for deck in await store.list_decks(None)]
        await _leaderboards(store, shapes, sorted(deck_ids))
        await _recording(store, shapes[0])
    await _full_sync_recording(path, shapes[0])


PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(command: str) -> None:
    """Run a PostgreSQL tool; as root, as the postgres user (the server refuses root)."""
    full = ["su", "postgres", "-s", "/bin/sh", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]
    subprocess.run(full, check=True, capture_output=True, timeout=300)


@contextlib.contextmanager
def _postgres() -> Iterator[str | None]:
    """The URL of an empty PostgreSQL database for the bench, or None (the reason printed)."""
    given = os.environ.get("TUTOR_BENCH_PG", "").strip()
    if given:
        yield given
        return
    if not (PG_BIN / "initdb").is_file():
        print(f"PostgreSQL: skipped, no TUTOR_BENCH_PG and no PostgreSQL 15 under {PG_BIN} to start one")
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="tutorbot-bench-pg-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    try:
        _as_postgres(f"'{PG_BIN}/initdb' -D '{data}' -U tutor -A trust -E UTF8 --no-sync")
        # Durable as in production (fsync and synchronous commit on); memory for a million answers.
        options = f"-p {port} -k '{folder}' -c listen_addresses=127.0.0.1 -c shared_buffers=512MB"
        _as_postgres(f"'{PG_BIN}/pg_ctl' -D '{data}' -l '{folder}/log' -w -t 60 -o \"{options}\" start")
        print(f"PostgreSQL: a throwaway server on 127.0.0.1:{port} (TUTOR_BENCH_PG=url to use another)")
        yield f"postgresql://tutor@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_postgres(f"'{PG_BIN}/pg_ctl' -D '{data}' -w -m fast stop")
        shutil.rmtree(folder, ignore_errors=True)


async def _run_postgres(url: str, source: Path, shapes: list[GuildShape]) -> None:
    db = await asyncpg.connect(url)
    try:
        await db.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await db.close()
    started = time.perf_counter()
    counts = await copy_to_postgres(source, url)
    db = await asyncpg.connect(url)
    try:
        await db.execute("ANALYZE")
        size = await db.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await db.close()
    print(
        f"database load: {sum(counts.values()):,} rows copied into {redact(url)} with db migrate (COPY) "
        f"in {time.perf_counter() - started:.1f} s; {size / 1e6:.0f} MB in PostgreSQL"
    )
    async with Store.open(url) as store:
        deck_ids = [deck.id for deck in await store.list_decks(None)]
        await _leaderboards(store, shapes, sorted(deck_ids))
        await _recording(store, shapes[0])


def main() -> None:
    shapes = guild_shapes()
    cached = cache_path()
    if os.environ.get("TUTORBOT_BENCH_FRESH") == "1":
        cached.unlink(missing_ok=True)
    took = cached.with_name(cached.name + ".seconds")
    shape = f"{GUILDS} guilds, {MEMBERS:,} members, {ANSWERS:,} answers"
    if cached.exists() and took.exists():
        print(
            f"database generation: {shape} took {float(took.read_text()):.1f} s when generated; "
            f"reusing {cached} (TUTORBOT_BENCH_FRESH=1 to generate it again)"
        )
    else:
        seconds = generate(cached)
        took.write_text(f"{seconds:.3f}")
        print(f"database generation: {shape} in {seconds:.1f} s (cached as {cached})")
    print(f"database size on disk: {cached.stat().st_size / 1e6:.0f} MB ({ANSWERS:,} answers)")
    work = cached.with_name(cached.name.replace(".sqlite", "-run.sqlite"))
    print("-- SQLite --")
    try:
        shutil.copyfile(cached, work)  # the run records answers: keep the cached file pristine
        asyncio.run(_run(work, shapes))
    finally:
        for leftover in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
            leftover.unlink(missing_ok=True)
    print("-- PostgreSQL --")
    with _postgres() as url:
        if url is not None:
            asyncio.run(_run_postgres(url, cached, shapes))


if __name__ == "__main__":
    main()
