"""Shards in the daily question's core: Discord's formula, and a process scheduling only its shards'
guilds (posts and reveals), whatever the others have stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.daily.results import PostJob, RevealJob
from bot.daily.rules import Shards, shard_of
from bot.daily.service import DailyService
from bot.decks.model import Card, Deck, Item
from bot.store import GuildSettings, Store
from tests.support import Clock

START = datetime(2025, 3, 10, 11, 0, tzinfo=UTC)  # 07:00 in Montreal (EDT)
SLOT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # 08:00 EDT
# Discord's snowflakes: the shard is read from the timestamp bits, above bit 22.
ON_0, ON_1, ALSO_0 = 10 << 22 | 12345, 11 << 22 | 777, 12 << 22
DECK = Deck(
    title="Seasons", language="en", cards=(Card("Name the seasons.", (Item("Spring"), Item("Summer"))),)
)


def test_the_shard_of_a_guild_is_discord_s_formula() -> None:
    assert [shard_of(g, 2) for g in (ON_0, ON_1, ALSO_0)] == [0, 1, 0]
    assert shard_of(ON_1, 1) == 0  # one shard holds everything
    # The low 22 bits (worker, process, increment) never move a guild to another shard.
    assert {shard_of(ON_1 + low, 2) for low in (0, 1, (1 << 22) - 1 - 777)} == {1}
    shards = Shards(frozenset({1, 3}), 4)
    assert [g for g in range(8 << 22) if g % (1 << 22) == 0 and shards.holds(g)] == [
        1 << 22,
        3 << 22,
        5 << 22,
        7 << 22,
    ]
    with pytest.raises(ValueError, match="each must be from 0 to count - 1"):
        Shards(frozenset({2}), 2)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    clock = Clock(START)
    async with Store.open(tmp_path / "tutor.db", clock=clock) as opened:
        deck = await opened.save_deck(None, "seasons", DECK)
        for guild in (ON_0, ON_1, ALSO_0):
            await opened.save_guild(
                GuildSettings(
                    guild,
                    channel_id=guild + 1,
                    timezone="America/Montreal",
                    active_deck_id=deck,
                    answer_window_hours=12,
                )
            )
        yield opened


async def test_each_process_posts_and_reveals_only_for_its_shards_guilds(store: Store) -> None:
    clock = Clock(SLOT)
    first = DailyService(store, clock, shards=Shards(frozenset({0}), 2))
    second = DailyService(store, clock, shards=Shards(frozenset({1}), 2))
    alone = DailyService(store, clock)  # unsharded: every guild

    def guilds(jobs: list[PostJob | RevealJob]) -> set[int]:
        return {job.guild_id if isinstance(job, PostJob) else job.post.guild_id for job in jobs}

    assert guilds(await first.posts.due_jobs()) == {ON_0, ALSO_0}
    assert guilds(await second.posts.due_jobs()) == {ON_1}
    assert guilds(await alone.posts.due_jobs()) == {ON_0, ON_1, ALSO_0}

    # Each process posts its own; a guild the other shard posted is not this one's to reveal either.
    for service in (first, second):
        for job in await service.posts.due_jobs():
            assert isinstance(job, PostJob)
            prepared = await service.posts.prepare_post(job.guild_id, job.slot)
            assert prepared is not None
            await service.posts.post_sent(prepared, prepared.channel_id, 500 + job.guild_id)
    assert await alone.posts.due_jobs() == []
    clock.set(SLOT + timedelta(hours=12, minutes=1))
    reveals = await first.posts.due_jobs()
    assert all(isinstance(job, RevealJob) for job in reveals) and guilds(reveals) == {ON_0, ALSO_0}
    assert guilds(await second.posts.due_jobs()) == {ON_1}
