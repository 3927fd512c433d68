"""Shard benchmark: answers/s with one bot process versus two processes on two shards, on one PostgreSQL.

The real bot (``tutorbot run``, every cog) runs in child processes against the fake Discord in its own process
(``python -m tests.fakediscord serve --shards 2``), as against Discord: two guilds, one on each shard, with
``MEMBERS`` members each, and the day's question posted by each process's start-up scheduler pass. Then:

- one process: ``TUTOR_SHARD_COUNT=2``, both shards in one process (one event loop, one core at most);
- two processes: ``TUTOR_SHARD_IDS=0`` and ``TUTOR_SHARD_IDS=1``, each with its own pool to the same
  PostgreSQL.

In each, both guilds answer at once (``2 × MEMBERS`` answers within ``SPREAD_S``, each guild's to its
shard's connection; ``TUTOR_BENCH_MEMBERS`` changes the class size). Printed: answers/s (graded answers ÷
time from the first dispatch to the last response), p50 and p99 from interaction to acknowledgement
(Discord allows 3 s), and a check that every graded answer is in
the database, once. Also on PostgreSQL, the store figure the issue asks for on both engines: 1,000
concurrent answer recordings through one Store.

PostgreSQL: ``TUTOR_TEST_PG`` (or ``TUTOR_BENCH_PG``) names a database the bench may wipe; otherwise a
throwaway PostgreSQL 15 is started from the machine's packages as the tests do; without one, the bench says
so and skips. The fake, the bot processes and PostgreSQL share this machine's cores: on 2 cores, two bot
processes compete with the fake and the server, so the ratio is a floor for machines with a core per process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from bot.store import Store
from tests.fakediscord.remote import FakeDiscordProcess, RemoteGuild, RemoteInteraction, RemoteMember
from tests.support import postgres as pg_support
from tests.support.postgres import wipe_postgres
from tests.support.processes import BotProcess, bot_environment, seed

MEMBERS = int(os.environ.get("TUTOR_BENCH_MEMBERS", "250"))
#: The burst arrives within this many seconds (both guilds at once), as a class answering together.
SPREAD_S = 1.0
WARM_UP = 20
ACK_LIMIT_S = 3.0
CONCURRENT_ANSWERS = 1_000


@dataclass
class Run:
    label: str
    sent: int
    graded: int
    seconds: float
    latencies_ms: list[float]
    in_db: int

    @property
    def rate(self) -> float:
        return self.graded / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms) or [float("nan")]
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _answer_key(pg: str, channel: int, fake: FakeDiscordProcess) -> str:
    messages = [m for m in await fake.messages_in(channel) if m["author"]["bot"]]
    async with Store.open(pg) as store:
        post = await store.post_for_message(int(messages[0]["id"]))
        assert post is not None and post.card_id is not None
        stored = await store.get_card(post.card_id)
    assert stored is not None
    return "\n".join(item.answer for item in stored.card.items)


async def _scenario(label: str, pg: str, shard_ids: Sequence[str], folder: Path) -> Run:
    await wipe_postgres(pg)
    async with FakeDiscordProcess(shards=2) as fake:
        guilds: list[RemoteGuild] = []
        members: list[list[RemoteMember]] = []
        for shard in (0, 1):
            guild = await fake.add_guild(f"Class {shard}", channels=["questions"], on_shard=(shard, 2))
            guilds.append(guild)
            names = [f"s{shard}-{i:04d}" for i in range(MEMBERS + WARM_UP)]
            members.append(await fake.add_members(guild.id, names))
        await seed(pg, [(g.id, g.channel("questions")) for g in guilds])
        processes = [
            BotProcess(f"{label.split()[0]}-{ids}", bot_environment(fake, pg, 2, ids), folder)
            for ids in shard_ids
        ]
        try:
            await asyncio.gather(*(p.start() for p in processes))
            await asyncio.gather(*(p.ready(timeout=60) for p in processes))
            keys = [await _answer_key(pg, g.channel("questions"), fake) for g in guilds]
            # Warm up: the first answers of each guild (the card is prepared once per process).
            warm = [
                await fake.slash_batch(g.id, "answer", [(m.id, {"text": k}) for m in ms[:WARM_UP]])
                for g, ms, k in zip(guilds, members, keys, strict=True)
            ]
            for ids in warm:
                await fake.wait_interactions(ids, timeout=ACK_LIMIT_S + 10)
            batches = await asyncio.gather(
                *(
                    fake.slash_batch(
                        g.id, "answer", [(m.id, {"text": k}) for m in ms[WARM_UP:]], spread=SPREAD_S
                    )
                    for g, ms, k in zip(guilds, members, keys, strict=True)
                )
            )
            results: list[RemoteInteraction] = []
            for ids in batches:
                results += await fake.wait_interactions(ids, timeout=ACK_LIMIT_S + 20)
        finally:
            for process in processes:
                await process.stop()
    graded = [r for r in results if r.acknowledged and r.elapsed is not None and r.elapsed <= ACK_LIMIT_S]
    graded = [r for r in graded if "Your score" in r.text]
    started = min(r.created for r in results)
    last = max((r.last_call for r in results if r.last_call is not None), default=started)
    db = await asyncpg.connect(pg)
    try:
        rows = await db.fetch("SELECT member_id, count(*) AS n FROM answers GROUP BY member_id")
    finally:
        await db.close()
    stored = {int(r["member_id"]): int(r["n"]) for r in rows}
    in_db = sum(1 for r in graded if stored.get(r.user_id) == 1)
    return Run(label, len(results), len(graded), last - started, [r.elapsed * 1000 for r in graded], in_db)  # type: ignore[operator]


async def _store_recording(pg: str) -> None:
    await wipe_postgres(pg)
    from tests.support.decks import card, deck

    now = datetime.now(UTC)
    async with Store.open(pg) as store:
        deck_id = await store.save_deck(None, "bench", deck("Bench", card("Q?", "A", "B")))
        card_id = (await store.load_deck(deck_id)).card_ids[0]
        claim = await store.claim_post(1, now, card_id, closes_at=now + timedelta(hours=1))
        await store.set_post_message(claim.post.id, 5, 9_000, now)
        times = []
        for member in range(200):
            started = time.perf_counter()
            await store.record_answer(claim.post.id, 10_000 + member, "x", [0], 1.0, now)
            times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        results = await asyncio.gather(
            *(store.record_answer(claim.post.id, m, "x", [0], 0.5, now) for m in range(CONCURRENT_ANSWERS))
        )
        wall = time.perf_counter() - started
        rows = await store._fetch("SELECT count(*) FROM answers WHERE post_id = ?", (claim.post.id,))
    present = int(rows[0][0]) == CONCURRENT_ANSWERS + 200 and not any(r.already_answered for r in results)
    print(
        f"PostgreSQL store: record one answer {statistics.median(times):.2f} ms median; "
        f"{CONCURRENT_ANSWERS:,} concurrent recordings {wall * 1000:.0f} ms wall "
        f"({CONCURRENT_ANSWERS / wall:,.0f} answers/s), every one present: {'yes' if present else 'NO'}"
    )


async def _run_all(pg: str) -> int:
    logging.getLogger("discord").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        await _store_recording(pg)
        runs = [
            await _scenario("one process, shards 0-1", pg, ["0-1"], Path(folder)),
            await _scenario("two processes, 1 shard each", pg, ["0", "1"], Path(folder)),
        ]
    print(
        f"2 guilds on 2 shards, {MEMBERS} members each answer within {SPREAD_S:g} s "
        f"({2 * MEMBERS} answers; every one graded on cours-2's cards)"
    )
    print(f"{'':30} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'graded':>9} {'in DB once':>11}")
    for run in runs:
        print(
            f"{run.label:30} {run.rate:10.0f} {run.percentile(50):8.1f} {run.percentile(99):8.1f} "
            f"{run.graded:>4}/{run.sent:<4} {run.in_db:>11}"
        )
    one, two = runs
    print(
        f"two processes vs one: {two.rate / one.rate:.2f}x the answers/s ({os.cpu_count()} cores, shared "
        "with the fake and PostgreSQL)"
    )
    late = {r.label: r.sent - r.graded for r in runs if r.graded < r.sent}
    for label, count in late.items():  # a figure of the machine's load, not a fault of the bot
        print(f"  {label}: {count} answers not graded within {ACK_LIMIT_S:g} s (Discord: 'did not respond')")
    ok = all(r.in_db == r.graded for r in runs)
    print("every graded answer is in the database, once" if ok else "FAILED: graded answers lost or doubled")
    return 0 if ok else 1


def main() -> int:
    url = (os.environ.get("TUTOR_BENCH_PG") or os.environ.get("TUTOR_TEST_PG") or "").strip()
    if url:
        return asyncio.run(_run_all(url))
    if not pg_support.available():
        print("skipped: no PostgreSQL (set TUTOR_TEST_PG, or install PostgreSQL 15 for a throwaway server)")
        return 0
    server = pg_support.ThrowawayPostgres(secrets.token_hex(16))
    try:
        server.start()
        asyncio.run(_create_test_db(server.url))
        return asyncio.run(_run_all(server.url.rsplit("/", 1)[0] + "/tutor_bench_test"))
    finally:
        server.remove()


async def _create_test_db(url: str) -> None:
    db = await asyncpg.connect(url)
    try:
        await db.execute("CREATE DATABASE tutor_bench_test")
    finally:
        await db.close()


if __name__ == "__main__":
    sys.exit(main())
