"""The fake Discord in its own process: a real discord.py bot here, the fake there, driven over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
from discord.ext import commands

from tests.fakediscord.fixtures import DiscordProblems
from tests.fakediscord.remote import FakeDiscordProcess, RemoteError


class AnswerBot(commands.Bot):
    """/answer replies at once with what it was given; /post posts in the channel."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned, intents=discord.Intents(guilds=True), help_command=None
        )

    async def setup_hook(self) -> None:
        @self.tree.command(name="answer", description="Reply at once")
        async def answer(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(f"got {text}", ephemeral=True)

        @self.tree.command(name="post", description="Post in this channel")
        async def post(interaction: discord.Interaction) -> None:
            assert isinstance(interaction.channel, discord.TextChannel)
            view = discord.ui.View(timeout=None)
            button: discord.ui.Button[discord.ui.View] = discord.ui.Button(label="OK", custom_id="ok")
            view.add_item(button)

            async def clicked(click: discord.Interaction) -> None:
                await click.response.send_message(f"clicked by {click.user.name}", ephemeral=True)

            button.callback = clicked  # type: ignore[method-assign]
            await interaction.channel.send(
                "posted", nonce="post-1", view=view
            )  # discord.py adds enforce_nonce
            await interaction.response.send_message("done", ephemeral=True)

        await self.tree.sync()


@pytest.fixture
async def remote(discord_problems: DiscordProblems) -> AsyncIterator[FakeDiscordProcess]:
    async with FakeDiscordProcess() as fake:
        yield fake
        for problem in await fake.problems():
            discord_problems.add(problem)


async def start(bot: discord.Client, fake: FakeDiscordProcess) -> asyncio.Task[None]:
    bot._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(bot.start(fake.token))
    for _ in range(500):
        if bot.is_ready():
            return task
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    raise TimeoutError("the bot was not ready")


async def test_a_bot_runs_against_a_fake_in_another_process(remote: FakeDiscordProcess) -> None:
    fake = remote
    guild = await fake.add_guild("Remote", channels=["questions"])
    (alice,) = await fake.add_members(guild.id, ["alice"])
    with fake.redirected():
        bot = AnswerBot()
        task = await start(bot, fake)
        try:
            assert [g.id for g in bot.guilds] == [guild.id]
            res = await fake.slash(guild.id, alice.id, "answer", {"text": "42"})
            assert res.acknowledged and res.ephemeral and res.text == "got 42"
            assert res.elapsed is not None and res.elapsed < 3

            members = await fake.add_members(guild.id, [f"student{i}" for i in range(50)])
            ids = await fake.slash_batch(
                guild.id, "answer", [(m.id, {"text": f"n{i}"}) for i, m in enumerate(members)], spread=0.2
            )
            results = await fake.wait_interactions(ids)
            assert [r.text for r in results] == [f"got n{i}" for i in range(50)]
            assert all(r.acknowledged and r.user_id == m.id for r, m in zip(results, members, strict=True))

            await fake.slash(guild.id, alice.id, "post", in_channel=guild.channel("questions"))
            (posted,) = [m for m in await fake.messages_in(guild.channel("questions")) if not m["flags"] & 64]
            assert posted["content"] == "posted" and posted["nonce"] == "post-1"
            found = await fake.wait_for_message(guild.channel("questions"), since=posted["seq"] - 1)
            assert found["id"] == posted["id"]
            click = await fake.click(alice.id, int(posted["id"]), label="OK")
            assert click.text == "clicked by alice"
            state = await fake.state()
            assert state["identify_count"] == 1 and state["global_commands"] == ["answer", "post"]
        finally:
            await bot.close()
            await asyncio.wait_for(task, 5)


async def test_what_a_user_could_not_do_is_refused_with_the_reason(remote: FakeDiscordProcess) -> None:
    guild = await remote.add_guild("Remote")
    (alice,) = await remote.add_members(guild.id, ["alice"])
    with pytest.raises(RemoteError, match="no command /nothing is registered") as refused:
        await remote.slash(guild.id, alice.id, "nothing")
    assert refused.value.status == 409
    with pytest.raises(RemoteError, match="no guild") as unknown:
        await remote.slash(12345, alice.id, "answer")
    assert unknown.value.status == 404


async def test_faults_are_injected_over_the_control_api(
    remote: FakeDiscordProcess, discord_problems: DiscordProblems
) -> None:
    fake = remote
    guild = await fake.add_guild("Remote", channels=["questions"])
    (alice,) = await fake.add_members(guild.id, ["alice"])
    with fake.redirected():
        bot = AnswerBot()
        task = await start(bot, fake)
        try:
            discord_problems.allow(r"rate limited")
            await fake.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.2)
            res = await fake.slash(guild.id, alice.id, "answer", {"text": "late"})
            assert res.text == "got late" and res.elapsed is not None and res.elapsed >= 0.2
            assert discord_problems.take(r"rate limited")

            await fake.drop_gateway()
            for _ in range(300):
                if (await fake.state())["resume_count"] == 1:
                    break
                await asyncio.sleep(0.01)
            state = await fake.state()
            assert state["resume_count"] == 1 and state["identify_count"] == 1
            assert (await fake.slash(guild.id, alice.id, "answer", {"text": "back"})).text == "got back"
        finally:
            await bot.close()
            await asyncio.wait_for(task, 5)
