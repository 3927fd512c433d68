"""The bot split by Discord's shards, end to end in this process: two ``ShardedTutorBot``s (two "processes")
on one store against the fake Discord, which routes each guild to its shard's connection. On SQLite and,
when TUTOR_TEST_PG is set, on PostgreSQL (the real multi-process store). The clock is the test's; the tests
call each bot's scheduler pass after moving it. ``test_shards_processes.py`` runs real ``tutorbot run``
processes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.daily.rules import POST_LEASE, shard_of
from bot.daily.scheduler import DailyRunner, TickReport
from bot.runner import ShardedTutorBot
from bot.store import Store
from tests.fakediscord import Channel, FakeDiscord, Guild, Member
from tests.fakediscord.fixtures import BotStarter, DiscordProblems
from tests.support import Clock, until
from tests.support.classroom import MONTREAL, POST_AT, START
from tests.support.postgres import empty_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    if request.param == "sqlite":
        return tmp_path / "tutor.db"
    return await empty_postgres()


@dataclass
class School:
    """Guilds on the fake, each with a questions channel, a teacher and two students."""

    fake: FakeDiscord
    guilds: list[Guild]
    teachers: list[Member]
    students: list[list[Member]]

    def channel(self, index: int) -> Channel:
        return self.guilds[index].channel("questions")

    def posts(self, index: int) -> list[Any]:
        return self.fake.messages_in(self.channel(index), by_bot=True)


def school(fake: FakeDiscord, shards: Sequence[tuple[int, int]]) -> School:
    guilds, teachers, students = [], [], []
    for number, shard in enumerate(shards):
        guild = fake.add_guild(f"Class {number}", channels=("general", "questions"), on_shard=shard)
        prof = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
        guilds.append(guild)
        teachers.append(fake.add_member(guild, f"teacher{number}", roles=[prof]))
        students.append([fake.add_member(guild, f"student{number}{k}") for k in "ab"])
    return School(fake, guilds, teachers, students)


def bot_on(
    database: str | Path, clock: Clock, decks: Path, shard_ids: list[int], count: int
) -> ShardedTutorBot:
    return ShardedTutorBot(
        extensions=["cogs.daily", "cogs.tutor", "cogs.leaderboard"],
        open_store=lambda: Store.open(database, clock=clock),
        clock=clock,
        curated_decks=decks,
        scheduler_interval=3600,  # only the start-up pass runs by itself
        shard_ids=shard_ids,
        shard_count=count,
    )


def posting(bot: ShardedTutorBot) -> DailyRunner:
    assert bot.services is not None
    return bot.services.posting


async def start(start_bot: BotStarter, bot: ShardedTutorBot) -> ShardedTutorBot:
    await start_bot(bot)
    await until(lambda: posting(bot).ticks >= 1, what="the start-up scheduler pass")
    return bot


async def setup(world: School, index: int) -> str:
    res = await world.fake.slash(
        world.guilds[index],
        world.teachers[index],
        "tutor setup",
        channel=world.channel(index),
        time="08:00",
        timezone=MONTREAL,
        deck="general",
        window=12,
        language="en",
    )
    return res.text


async def test_two_processes_on_two_shards_run_the_daily_cycle_each_for_its_own_guild(
    fake_discord: FakeDiscord, start_bot: BotStarter, database: str | Path, decks: Path
) -> None:
    fake, clock = fake_discord, Clock(START)
    world = school(fake, [(0, 2), (1, 2)])
    assert [shard_of(g.id, 2) for g in world.guilds] == [0, 1]
    first = await start(start_bot, bot_on(database, clock, decks, [0], 2))
    second = await start(start_bot, bot_on(database, clock, decks, [1], 2))
    # Each process has only its shard's guild; the commands were synced once, by shard 0's process.
    assert [g.id for g in first.guilds] == [world.guilds[0].id]
    assert [g.id for g in second.guilds] == [world.guilds[1].id]
    assert (first.synced_commands, second.synced_commands) == (True, False)
    assert fake.command_puts == 1 and "tutor" in fake.global_commands

    # Each teacher's /tutor setup is answered by the process of the guild's shard.
    for index in (0, 1):
        assert "Daily question set up" in await setup(world, index)

    # Both processes tick at 08:00: each posts its own guild's question, and only that one.
    clock.set(POST_AT)
    reports: list[TickReport] = await asyncio.gather(posting(first).tick(), posting(second).tick())
    assert [len(r.posted) for r in reports] == [1, 1] and not any(r.failed for r in reports)
    assert [len(world.posts(i)) for i in (0, 1)] == [1, 1]
    posts = [await first.store.post_for_message(world.posts(i)[0].id) for i in (0, 1)]
    assert [p.guild_id for p in posts if p is not None] == [g.id for g in world.guilds]
    assert [p.id for p in posts if p is not None] == [reports[0].posted[0], reports[1].posted[0]]

    # Members answer; the grade comes from the guild's own process, and every answer is in the one store.
    clock.set(POST_AT + timedelta(minutes=5))
    for index in (0, 1):
        card = await first.store.get_card(posts[index].card_id)  # type: ignore[union-attr]
        items = [item.answer for item in card.card.items]  # type: ignore[union-attr]
        everything, half = "\n".join(items), "\n".join(items[:2])
        for student, reply in zip(world.students[index], (everything, half), strict=True):
            graded = await fake.slash(world.guilds[index], student, "answer", text=reply)
            assert graded.ephemeral and "Your score" in graded.text
    for index in (0, 1):
        board = await fake.slash(world.guilds[index], world.students[index][1], "leaderboard")
        assert not board.ephemeral and board.embed is not None
        text = board.embed["description"]
        # Members by their display names (as the bot saw them answer), never as mentions.
        full, partial = (
            student.nick or student.user.global_name or student.user.name for student in world.students[index]
        )
        assert (
            full in text and partial in text and text.index(full) < text.index(partial)
        )  # full answer first
        assert "2 members ranked" in board.embed["footer"]["text"]
    # Whichever process reads it, a guild's leaderboard is the same.
    for guild in world.guilds:
        boards = [
            await bot.store.leaderboard(guild.id, "all", now=clock(), tz=ZoneInfo(MONTREAL))  # type: ignore[union-attr]
            for bot in (first, second)
        ]
        assert boards[0] == boards[1] and boards[0].total == 2

    # At the deadline each process reveals its own guild's question, once.
    clock.set(POST_AT + timedelta(hours=12, minutes=1))
    reports = await asyncio.gather(posting(first).tick(), posting(second).tick())
    assert [r.revealed for r in reports] == [[posts[0].id], [posts[1].id]]  # type: ignore[union-attr]
    assert [len(world.posts(i)) for i in (0, 1)] == [2, 2]
    assert all("Answer key" in world.posts(i)[1].text for i in (0, 1))
    reports = await asyncio.gather(posting(first).tick(), posting(second).tick())
    assert not any(r.posted or r.revealed for r in reports)


async def test_two_processes_given_the_same_shard_post_and_reveal_once(
    fake_discord: FakeDiscord,
    start_bot: BotStarter,
    database: str | Path,
    decks: Path,
    discord_problems: DiscordProblems,
) -> None:
    fake, clock = fake_discord, Clock(START)
    world = school(fake, [(0, 1)])
    first = await start(start_bot, bot_on(database, clock, decks, [0], 1))
    assert "Daily question set up" in await setup(world, 0)
    # A second process on the same shard (a hand-over, or a mistake): Discord sends it every event too.
    second = await start(start_bot, bot_on(database, clock, decks, [0], 1))
    assert len([s for s in fake.sessions.values() if s.open and s.shard_id == 0]) == 2

    clock.set(POST_AT)
    reports = await asyncio.gather(posting(first).tick(), posting(second).tick())
    assert sorted(len(r.posted) for r in reports) == [0, 1]  # one process sent it; the other stood back
    assert len(world.posts(0)) == 1
    clock.set(POST_AT + timedelta(hours=12, minutes=1))
    reports = await asyncio.gather(posting(first).tick(), posting(second).tick())
    assert sorted(len(r.revealed) for r in reports) == [0, 1]
    assert len(world.posts(0)) == 2 and "Answer key" in world.posts(0)[1].text


async def test_a_process_killed_while_discord_takes_its_post_is_finished_by_another_without_a_second_post(
    fake_discord: FakeDiscord, start_bot: BotStarter, database: str | Path, decks: Path
) -> None:
    fake, clock = fake_discord, Clock(START)
    world = school(fake, [(0, 1)])
    first = await start(start_bot, bot_on(database, clock, decks, [0], 1))
    assert "Daily question set up" in await setup(world, 0)
    second = await start(start_bot, bot_on(database, clock, decks, [0], 1))

    # Discord accepts the first process's post, but the process dies before it hears back.
    hold = fake.hold_next("POST", "/channels/{channel_id}/messages")
    clock.set(POST_AT)
    dying = asyncio.create_task(posting(first).tick())
    await fake.wait_until(lambda: hold.held)
    dying.cancel()
    await start_bot.stop(first)
    fake.release_holds()
    assert len(world.posts(0)) == 1

    # The other process finishes the job without a second message: the intent the dead one recorded sends
    # it looking in the channel first, where it finds the post and adopts it (Discord would also hand back
    # the message its nonce already made).
    await posting(second).tick()
    clock.advance(seconds=POST_LEASE.total_seconds())
    await posting(second).tick()
    assert len(world.posts(0)) == 1
    post = await second.store.last_post(world.guilds[0].id, sent_only=True)  # type: ignore[union-attr]
    assert post is not None and post.message_id == world.posts(0)[0].id
