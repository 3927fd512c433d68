"""The bot split across processes by Discord's shards, for real: ``tutorbot run`` processes on one PostgreSQL
against the fake Discord in its own process (``python -m tests.fakediscord serve``), each process started
with ``TUTOR_SHARD_COUNT`` / ``TUTOR_SHARD_IDS`` as an operator would.

The set-up is written to the database before the processes start, with the day's slot ten minutes ago, so
each process's start-up scheduler pass (the catch-up after downtime) is what posts: the test does not wait
for a clock. PostgreSQL only (several processes share it); skipped, saying why, without TUTOR_TEST_PG.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import discord
import pytest

from bot.daily.rules import shard_of
from bot.store import Store
from tests.fakediscord.remote import FakeDiscordProcess, RemoteGuild, RemoteInteraction, RemoteMember
from tests.support.postgres import empty_postgres
from tests.support.processes import BotProcess, bot_environment, seed

STUDENTS = 40


@pytest.fixture
async def pg() -> str:
    return await empty_postgres()


@dataclass
class Classroom:
    guild: RemoteGuild
    teacher: RemoteMember
    students: list[RemoteMember]

    @property
    def channel(self) -> int:
        return self.guild.channel("questions")


async def classroom(fake: FakeDiscordProcess, name: str, on_shard: tuple[int, int]) -> Classroom:
    guild = await fake.add_guild(name, channels=["general", "questions"], on_shard=on_shard)
    role = await fake.add_role(guild.id, "Prof", permissions=discord.Permissions(manage_guild=True))
    (teacher,) = await fake.add_members(guild.id, [f"teacher-{name}"], roles=[role])
    students = await fake.add_members(guild.id, [f"{name}-student{i:03d}" for i in range(STUDENTS)])
    return Classroom(guild, teacher, students)


async def bot_messages(fake: FakeDiscordProcess, channel: int) -> list[dict[str, object]]:
    return [m for m in await fake.messages_in(channel) if m["author"]["bot"]]  # type: ignore[index]


async def answers_of(pg: str, guild_id: int) -> dict[int, int]:
    """member id -> how many answers the database holds for them in the guild."""
    async with Store.open(pg) as store:
        rows = await store._fetch(
            "SELECT member_id, count(*) FROM answers WHERE guild_id = ? GROUP BY member_id", (guild_id,)
        )
    return {int(row[0]): int(row[1]) for row in rows}


async def answer_key(pg: str, channel: int, fake: FakeDiscordProcess) -> str:
    (post_message,) = await bot_messages(fake, channel)
    async with Store.open(pg) as store:
        post = await store.post_for_message(int(post_message["id"]))  # type: ignore[arg-type]
        assert post is not None and post.card_id is not None
        stored = await store.get_card(post.card_id)
    assert stored is not None
    return "\n".join(item.answer for item in stored.card.items)


def graded(results: Iterable[RemoteInteraction]) -> set[int]:
    """Members whose answer was acknowledged with their grade."""
    return {r.user_id for r in results if r.acknowledged and "Your score" in r.text}


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscordProcess]:
    async with FakeDiscordProcess(shards=2) as started:
        yield started


@pytest.fixture
async def processes() -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for process in started:
        await process.stop()


async def test_two_processes_on_two_shards_run_the_daily_cycle(
    fake: FakeDiscordProcess, pg: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    rooms = [await classroom(fake, "zero", (0, 2)), await classroom(fake, "one", (1, 2))]
    assert [shard_of(room.guild.id, 2) for room in rooms] == [0, 1]
    await seed(pg, [(room.guild.id, room.channel) for room in rooms])
    for shard in (0, 1):
        processes.append(BotProcess(f"shard{shard}", bot_environment(fake, pg, 2, str(shard)), tmp_path))
    await asyncio.gather(*(p.start() for p in processes))
    await asyncio.gather(*(p.ready() for p in processes))

    # Each process posted its own guild's question at start-up, and only that one.
    for shard, room in enumerate(rooms):
        messages = await bot_messages(fake, room.channel)
        assert len(messages) == 1 and messages[0]["components"]
        log = processes[shard].log()
        assert f"guild {room.guild.id}: posted" in log
        assert f"guild {rooms[1 - shard].guild.id}: posted" not in log
    # The commands were synced once, by the process of shard 0.
    state = await fake.state()
    assert state["command_puts"] == 1 and "answer" in state["global_commands"]
    assert "synced by the process running shard 0" in processes[1].log()
    assert sorted(s["shard"] for s in state["sessions"] if s["open"]) == [[0, 2], [1, 2]]

    # The class answers in both guilds at once: every answer graded by its guild's process, stored once.
    keys = [await answer_key(pg, room.channel, fake) for room in rooms]
    batches = [
        await fake.slash_batch(
            room.guild.id, "answer", [(m.id, {"text": key}) for m in room.students], spread=0.5
        )
        for room, key in zip(rooms, keys, strict=True)
    ]
    for room, ids in zip(rooms, batches, strict=True):
        results = await fake.wait_interactions(ids, timeout=15)
        assert graded(results) == {m.id for m in room.students}
        assert await answers_of(pg, room.guild.id) == {m.id: 1 for m in room.students}
        board = await fake.slash(room.guild.id, room.students[0].id, "leaderboard")
        assert board.acknowledged and f"{STUDENTS} members ranked" in board.text

    # The teachers reveal: each guild's reveal is its own process's.
    for room in rooms:
        reveal = await fake.slash(room.guild.id, room.teacher.id, "tutor reveal-now")
        assert reveal.acknowledged and reveal.ephemeral
        messages = await bot_messages(fake, room.channel)
        assert len(messages) == 2
        assert all(f"{STUDENTS} participants" in str(m["embeds"]) for m in messages[1:]), messages[1]
    assert [await p.stop() for p in processes] == [0, 0]
    assert await fake.problems() == []


async def test_kill_9_of_one_process_mid_burst_loses_no_acknowledged_answer(
    fake: FakeDiscordProcess, pg: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    rooms = [await classroom(fake, "zero", (0, 2)), await classroom(fake, "one", (1, 2))]
    await seed(pg, [(room.guild.id, room.channel) for room in rooms])
    for shard in (0, 1):
        processes.append(BotProcess(f"shard{shard}", bot_environment(fake, pg, 2, str(shard)), tmp_path))
    await asyncio.gather(*(p.start() for p in processes))
    await asyncio.gather(*(p.ready() for p in processes))
    keys = [await answer_key(pg, room.channel, fake) for room in rooms]
    extra = await fake.add_members(rooms[1].guild.id, [f"late{i:03d}" for i in range(360)])
    victims = rooms[1].students + extra

    # A burst in both guilds. The first members of shard 1's guild get their grades; then shard 1's process
    # is killed (SIGKILL: no clean-up) once the rest of its burst starts reaching the database.
    first, rest = victims[:40], victims[40:]
    told = await fake.slash_batch(rooms[1].guild.id, "answer", [(m.id, {"text": keys[1]}) for m in first])
    assert graded(await fake.wait_interactions(told, timeout=15)) == {m.id for m in first}
    # (The fake answers a batch once it has dispatched all of it: the kill comes meanwhile.)
    burst_sent = asyncio.create_task(
        fake.slash_batch(rooms[1].guild.id, "answer", [(m.id, {"text": keys[1]}) for m in rest], spread=2.0)
    )
    calm_sent = asyncio.create_task(
        fake.slash_batch(
            rooms[0].guild.id, "answer", [(m.id, {"text": keys[0]}) for m in rooms[0].students], spread=2.0
        )
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    db = await asyncpg.connect(pg)
    try:
        count = "SELECT count(*) FROM answers WHERE guild_id = $1"
        while await db.fetchval(count, rooms[1].guild.id) < len(first) + 10:
            assert loop.time() < deadline, "the burst never reached the database"
            await asyncio.sleep(0.01)
    finally:
        await db.close()
    processes[1].kill9()
    assert processes[1].process is not None and await processes[1].process.wait() == -signal.SIGKILL

    burst, calm = await burst_sent, await calm_sent
    results = await fake.wait_interactions(burst, timeout=8)
    acknowledged = graded(results) | {m.id for m in first}
    stored = await answers_of(pg, rooms[1].guild.id)
    assert len(acknowledged) < len(victims)  # the kill did land mid-burst
    assert acknowledged <= set(stored)  # every member told their grade has it in the database
    assert set(stored.values()) == {1}
    # The other shard's process never noticed.
    assert graded(await fake.wait_interactions(calm, timeout=15)) == {m.id for m in rooms[0].students}

    # Restarted, shard 1's process takes its guild back; those who got no grade answer again, and nobody
    # ends up with two answers (those recorded just before the kill get their first grade back).
    await processes[1].start()
    await processes[1].ready()
    again = [m for m in victims if m.id not in acknowledged]
    for _attempt in range(3):  # a member whose answer timed out ("did not respond") tries again
        retry = await fake.slash_batch(
            rooms[1].guild.id, "answer", [(m.id, {"text": keys[1]}) for m in again], spread=2.0
        )
        told_now = graded(await fake.wait_interactions(retry, timeout=15))
        again = [m for m in again if m.id not in told_now]
        if not again:
            break
    assert again == []
    assert await answers_of(pg, rooms[1].guild.id) == {m.id: 1 for m in victims}
    assert len(await bot_messages(fake, rooms[1].channel)) == 1  # the restart did not post again


async def test_two_processes_given_the_same_shard_do_not_both_post(
    pg: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    async with FakeDiscordProcess(shards=1) as fake:
        room = await classroom(fake, "solo", (0, 1))
        await seed(pg, [(room.guild.id, room.channel)])
        for name in ("a", "b"):
            processes.append(BotProcess(name, bot_environment(fake, pg, 1, "0"), tmp_path))
        await asyncio.gather(*(p.start() for p in processes))
        await asyncio.gather(*(p.ready() for p in processes))
        state = await fake.state()
        assert sorted(s["shard"] for s in state["sessions"] if s["open"]) == [[0, 1], [0, 1]]
        assert len(await bot_messages(fake, room.channel)) == 1
        assert sum(p.log().count(f"guild {room.guild.id}: posted") for p in processes) == 1
        for process in processes:
            await process.stop()
