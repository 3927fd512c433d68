"""Shards against the fake: the real ``discord.AutoShardedClient`` gets its shards' guilds and events."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakediscord import FakeDiscord, Guild
from tests.fakediscord.fixtures import BotStarter, DiscordProblems
from tests.fakediscord.gateway import shard_of


class ShardBot(discord.AutoShardedClient):
    """A plain sharded client with one command saying which client and shard answered."""

    def __init__(
        self, label: str, *, shard_ids: list[int] | None = None, shard_count: int | None = None, sync: bool
    ) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True, guild_messages=True, message_content=True),
            shard_ids=shard_ids,
            shard_count=shard_count,
        )
        self.label = label
        self.sync = sync
        self.tree = app_commands.CommandTree(self)
        #: (guild id, content) of every message this client received.
        self.seen: list[tuple[int, str]] = []

        @self.tree.command(name="where", description="Which client and shard answer")
        async def where(interaction: discord.Interaction) -> None:
            assert interaction.guild is not None
            await interaction.response.send_message(
                f"{self.label} shard {interaction.guild.shard_id}", ephemeral=True
            )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s before each shard after the first (max_concurrency 1); the fake has no limit.
        return None

    async def setup_hook(self) -> None:
        if self.sync:  # one process syncs the commands (the one holding shard 0)
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        assert message.guild is not None
        self.seen.append((message.guild.id, message.content))


async def eventually(check: Callable[[], object], what: str) -> None:
    """Poll a condition on the bot's side (the fake's own waits only see REST calls and gateway changes)."""
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def two_guilds(fake: FakeDiscord) -> tuple[Guild, Guild]:
    first = fake.add_guild("On shard 0", on_shard=(0, 2))
    second = fake.add_guild("On shard 1", on_shard=(1, 2))
    assert (shard_of(first.id, 2), shard_of(second.id, 2)) == (0, 1)
    return first, second


def identified_shards(fake: FakeDiscord) -> list[list[int]]:
    return sorted(p["d"]["shard"] for p in fake.gateway_payloads if p.get("op") == 2)


async def test_two_clients_each_get_only_their_shards_guilds_and_events(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    first, second = two_guilds(fake)
    alice = fake.add_member(first, "alice")
    bob = fake.add_member(second, "bob")
    a = await start_bot(ShardBot("A", shard_ids=[0], shard_count=2, sync=True))
    b = await start_bot(ShardBot("B", shard_ids=[1], shard_count=2, sync=False))

    assert identified_shards(fake) == [[0, 2], [1, 2]]
    assert [g.id for g in a.guilds] == [first.id]
    assert [g.id for g in b.guilds] == [second.id]
    assert not fake.calls_to("GET", "/gateway/bot")  # a shard_count given: discord.py dials the gateway

    # Interactions go to the connection of the guild's shard, whichever process holds it.
    res_b = await fake.slash(second, bob, "where")
    res_a = await fake.slash(first, alice, "where")
    assert (res_a.text, res_b.text) == ("A shard 0", "B shard 1")

    # So do messages: each client sees its own guild's message, never the other's.
    await fake.send_message(first.channel("general"), alice, "hello shard 0")
    await fake.send_message(second.channel("general"), bob, "hello shard 1")
    await eventually(lambda: a.seen and b.seen, "both messages")
    assert a.seen == [(first.id, "hello shard 0")]
    assert b.seen == [(second.id, "hello shard 1")]
    by_shard = {s.shard_id: s for s in fake.sessions.values()}
    assert {g for _, g in by_shard[0].dispatched} - {None} == {first.id}
    assert {g for _, g in by_shard[1].dispatched} - {None} == {second.id}


async def test_a_client_without_shard_count_uses_the_recommended_count(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    first, second = two_guilds(fake)
    fake.recommended_shards = 2
    bot = await start_bot(ShardBot("auto", sync=True))

    (call,) = fake.calls_to("GET", "/gateway/bot")
    assert call.response["shards"] == 2 and call.response["url"] == fake.gateway_url
    limit = call.response["session_start_limit"]
    assert set(limit) == {"total", "remaining", "reset_after", "max_concurrency"}
    assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
    assert identified_shards(fake) == [[0, 2], [1, 2]]
    assert (bot.get_guild(first.id).shard_id, bot.get_guild(second.id).shard_id) == (0, 1)  # type: ignore[union-attr]
    member = fake.add_member(second, "carol")
    res = await fake.slash(second, member, "where")
    assert res.text == "auto shard 1"


async def test_two_sessions_on_the_same_shard_both_receive_its_events(
    fake_discord: FakeDiscord, start_bot: BotStarter, discord_problems: DiscordProblems
) -> None:
    # Discord documents that sessions with the same [shard_id, num_shards] may coexist (num_shards only
    # routes traffic): neither is invalidated, and both receive the shard's events. A bot run twice on one
    # shard must therefore guard its own side effects (claim rows), as a real deployment must.
    fake = fake_discord
    guild = fake.add_guild("Shared", on_shard=(0, 1))
    alice = fake.add_member(guild, "alice")
    first = await start_bot(ShardBot("first", shard_ids=[0], shard_count=1, sync=True))
    second = await start_bot(ShardBot("second", shard_ids=[0], shard_count=1, sync=False))
    assert len([s for s in fake.sessions.values() if s.open]) == 2

    await fake.send_message(guild.channel("general"), alice, "to both")
    await eventually(lambda: first.seen and second.seen, "the message on both sessions")
    assert first.seen == second.seen == [(guild.id, "to both")]
    assert not first.is_closed() and not second.is_closed()

    # Interactions too: the first acknowledgement wins, the other instance gets 40060, as two instances of
    # a bot on Discord do ("Interaction has already been acknowledged").
    discord_problems.allow(r"Ignoring exception in command 'where'")
    res = await fake.slash(guild, alice, "where")
    await fake.wait_until(lambda: res.rejected, what="the second acknowledgement", key=res.id)
    assert res.text in ("first shard 0", "second shard 0")
    assert [c.error_code for c in res.rejected] == [40060]
    await eventually(lambda: any("40060" in p for p in discord_problems.problems), "the loser's error log")
    discord_problems.take(r"40060")


async def raw_identify(fake: FakeDiscord, shard: list[int]) -> int | None:
    """IDENTIFY by hand with ``shard``; the close code the fake answered with (None: READY)."""
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10
        await ws.send_str(json.dumps({"op": 2, "d": {"token": fake.token, "intents": 1, "shard": shard}}))
        msg = await ws.receive()
        if msg.type == aiohttp.WSMsgType.TEXT:
            assert json.loads(msg.data)["t"] == "READY"
            return None
        return ws.close_code


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0]])
async def test_an_invalid_shard_is_closed_with_4010(fake_discord: FakeDiscord, shard: list[int]) -> None:
    fake_discord.add_guild("Any")
    assert await raw_identify(fake_discord, shard) == 4010
    assert fake_discord.identify_count == 0


async def test_too_many_guilds_for_one_session_is_closed_with_4011(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tests.fakediscord.gateway as gateway

    monkeypatch.setattr(gateway, "MAX_GUILDS_PER_SESSION", 1)
    fake_discord.add_guild("One", on_shard=(0, 2))
    fake_discord.add_guild("Two", on_shard=(1, 2))
    assert await raw_identify(fake_discord, [0, 1]) == 4011  # unsharded: two guilds, one too many
    assert await raw_identify(fake_discord, [1, 2]) is None  # sharded: one guild on this shard


#: The repository root, where ``tests.fakediscord`` is importable from.
ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import asyncio, os, discord, yarl
from tests.fakediscord.test_shards import ShardBot

discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
bot = ShardBot("process B", shard_ids=[1], shard_count=2, sync=False)
bot._connection.guild_ready_timeout = 0.05
asyncio.run(bot.start(os.environ["DISCORD_TOKEN"]))
"""


async def test_two_processes_hold_different_shards(fake_discord: FakeDiscord, start_bot: BotStarter) -> None:
    fake = fake_discord
    first, second = two_guilds(fake)
    alice = fake.add_member(first, "alice")
    bob = fake.add_member(second, "bob")
    await start_bot(ShardBot("process A", shard_ids=[0], shard_count=2, sync=True))
    env = {
        **os.environ,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DISCORD_TOKEN": fake.token,
    }
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD, cwd=ROOT, env=env)
    try:
        await fake.wait_connected(shards=2, timeout=20)
        assert (await fake.slash(second, bob, "where")).text == "process B shard 1"
        assert (await fake.slash(first, alice, "where")).text == "process A shard 0"

        child.kill()  # kill -9: no clean close, so shard 1's session stays resumable
        await child.wait()
        await fake.wait_until(lambda: not fake.shard_session_open(1), what="shard 1 gone", timeout=5)
        assert (await fake.slash(first, alice, "where")).text == "process A shard 0"  # shard 0 unaffected
        (lost,) = [s for s in fake.sessions.values() if s.shard_id == 1]
        assert lost.resumable and not lost.open
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
