"""Injected faults, seen by the real discord.py client as it would see them from Discord.

HTTP errors and rate limits (discord.py retries them by itself), held responses (the window a crash falls
into), gateway drops and refused RESUMEs, a malformed event, forged cross-guild interactions, and the
``enforce_nonce`` and history behaviour a bot relies on to find its own post after a crash.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord.ext import commands

from tests.fakediscord import FakeDiscord, Guild
from tests.fakediscord.fixtures import BotStarter, DiscordProblems

MESSAGES = "/channels/{channel_id}/messages"


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"vote:(?P<channel_id>\d+)"):
    """A persistent button naming the channel of its question; it checks that channel is in this guild."""

    def __init__(self, channel_id: int) -> None:
        super().__init__(discord.ui.Button(label="Vote", custom_id=f"vote:{channel_id}"))
        self.channel_id = channel_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> VoteButton:
        return cls(int(match["channel_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        channel = interaction.client.get_channel(self.channel_id)
        if not isinstance(channel, discord.TextChannel) or channel.guild.id != interaction.guild_id:
            await interaction.response.send_message("refused: not this server's question", ephemeral=True)
            return
        await interaction.response.send_message("counted", ephemeral=True)


class FaultBot(commands.Bot):
    """/post sends a question (with a nonce), /ping answers, /edit edits the last post; messages recorded."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True, guild_messages=True, message_content=True),
            help_command=None,
        )
        self.seen: list[str] = []
        self.posted: list[discord.Message] = []
        self.sync = True

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s before identifying again (Discord's IDENTIFY rate); the fake has no such limit.
        return None

    async def setup_hook(self) -> None:
        self.add_dynamic_items(VoteButton)

        @self.tree.command(name="post", description="Post the question")
        async def post(interaction: discord.Interaction) -> None:
            assert isinstance(interaction.channel, discord.TextChannel)
            await interaction.response.defer(ephemeral=True)
            view = discord.ui.View(timeout=None)
            view.add_item(VoteButton(interaction.channel.id))
            message = await interaction.channel.send("Question?", view=view, nonce="q-1")
            self.posted.append(message)
            await interaction.edit_original_response(content=f"posted {message.id}")

        @self.tree.command(name="ping", description="Answer at once")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

        @self.tree.command(name="edit", description="Edit the last post")
        async def edit(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True)
            await self.posted[-1].edit(content="Question (edited)?")
            await interaction.edit_original_response(content="edited")

        if self.sync:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author != self.user:
            self.seen.append(message.content)


async def eventually(check: Any, what: str) -> None:
    for _ in range(300):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def world(fake: FakeDiscord) -> tuple[Guild, Any]:
    guild = fake.add_guild("Classe", channels=("questions",))
    return guild, fake.add_member(guild, "alice")


# ------------------------------------------------------------------------------------------ HTTP errors
async def test_a_rate_limited_send_is_retried_after_retry_after(
    fake_discord: FakeDiscord, start_bot: BotStarter, discord_problems: DiscordProblems
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    fault = fake.fail_next("POST", MESSAGES, status=429, retry_after=0.3)
    discord_problems.allow(r"We are being rate limited")  # discord.py warns, as against Discord
    res = await fake.slash(guild, alice, "post", in_channel=guild.channel("questions"))
    assert res.text.startswith("posted")

    (limited,) = fault.hits
    ok = fake.calls_to("POST", MESSAGES)[-1]
    assert limited.status == 429 and limited.response["retry_after"] == 0.3
    assert limited.response["global"] is False and ok.status == 200
    assert ok.time - limited.time >= 0.3  # discord.py waited retry_after before retrying
    assert len(fake.messages_in(guild.channel("questions"))) == 1  # posted once
    assert discord_problems.take(r"We are being rate limited")


async def test_a_global_rate_limit_on_an_interaction_callback_is_waited_out(
    fake_discord: FakeDiscord, start_bot: BotStarter, discord_problems: DiscordProblems
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    fault = fake.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.2, scope="global")
    discord_problems.allow(r"rate limited")
    res = await fake.slash(guild, alice, "ping")
    assert res.text == "pong" and res.elapsed is not None and res.elapsed >= 0.2
    assert fault.hits[0].response["global"] is True
    assert discord_problems.take(r"rate limited")


async def test_server_errors_on_a_send_and_an_edit_are_retried_by_discord_py(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    bad_gateway = fake.fail_next("POST", MESSAGES, status=502)
    await fake.slash(guild, alice, "post", in_channel=guild.channel("questions"))
    assert bad_gateway.hits[0].status == 502 and "Bad Gateway" in bad_gateway.hits[0].response
    internal = fake.fail_next("PATCH", "/channels/{channel_id}/messages/{message_id}", status=500)
    res = await fake.slash(guild, alice, "edit", in_channel=guild.channel("questions"), timeout=5)
    await res.wait_final(timeout=5)
    assert res.text == "edited" and internal.hits[0].status == 500
    (post,) = fake.messages_in(guild.channel("questions"))
    assert post.content == "Question (edited)?" and len(post.edits) == 1  # the failed edit did nothing


# ---------------------------------------------------------------------------------------------- holds
async def test_a_held_send_lets_a_test_kill_the_bot_between_discord_accepting_and_the_bot_hearing(
    fake_discord: FakeDiscord, start_bot: BotStarter, discord_problems: DiscordProblems
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    questions = guild.channel("questions")
    bot = await start_bot(FaultBot())
    hold = fake.hold_next("POST", MESSAGES)
    res = await fake.slash(guild, alice, "post", in_channel=questions, wait=False)
    await res.wait_ack()  # deferred at once
    await fake.wait_until(lambda: hold.held, what="the held send")
    (accepted,) = fake.messages_in(questions)  # Discord has the message...
    assert not bot.posted  # ...the bot never heard back
    discord_problems.allow(r"Ignoring exception in command 'post'")  # the dead bot's send never returns
    await start_bot.stop(bot)  # "kill -9" while the response is held
    fake.release_holds()
    await fake.wait_until(lambda: not hold.held, what="the release")
    assert not res.settled

    # After the restart: the bot finds its post in history (components and nonce), and a send with the same
    # nonce returns that message rather than posting a second one.
    again = FaultBot()
    again.sync = False
    await start_bot(again)
    channel = again.get_channel(questions.id)
    assert isinstance(channel, discord.TextChannel)
    history = [m async for m in channel.history(limit=10)]
    assert [m.id for m in history] == [accepted.id]
    assert (
        history[0].nonce == "q-1" and history[0].components[0].children[0].custom_id == f"vote:{questions.id}"
    )
    resent = await channel.send("Question?", nonce="q-1")
    assert resent.id == accepted.id and len(fake.messages_in(questions)) == 1


async def test_a_response_held_for_some_seconds_arrives_that_late(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    fake.hold_next("POST", "/interactions/*/callback", seconds=0.3, before=True)
    res = await fake.slash(guild, alice, "ping")
    assert res.text == "pong" and res.elapsed is not None and res.elapsed >= 0.3


# ------------------------------------------------------------------------------------------ the gateway
async def test_a_dropped_connection_resumes_and_gets_the_events_it_missed(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    bot = await start_bot(FaultBot())
    session = await fake.drop_gateway()
    await fake.send_message(guild.channel("questions"), alice, "while you were away")  # kept for the RESUME
    await fake.wait_until(lambda: fake.resume_count == 1 and session.open, what="the RESUME", timeout=5)
    await eventually(lambda: bot.seen, "the replayed message")
    assert bot.seen == ["while you were away"] and fake.identify_count == 1
    assert (await fake.slash(guild, alice, "ping")).text == "pong"


async def test_a_refused_resume_makes_the_bot_identify_anew(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    first = fake.session
    fake.refuse_next_resume()
    await fake.drop_gateway()
    await fake.wait_until(
        lambda: fake.identify_count == 2 and fake.connected, what="a new IDENTIFY", timeout=5
    )
    assert fake.session is not first and not first.resumable  # type: ignore[union-attr]
    resumes = [p for p in fake.gateway_payloads if p.get("op") == 6]
    assert len(resumes) == 1 and fake.resume_count == 0  # it tried, was refused (op 9), identified
    assert (await fake.slash(guild, alice, "ping")).text == "pong"


async def test_an_unresumable_drop_gets_a_new_session_too(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    await fake.drop_gateway(resumable=False)
    await fake.wait_until(
        lambda: fake.identify_count == 2 and fake.connected, what="a new IDENTIFY", timeout=5
    )
    assert (await fake.slash(guild, alice, "ping")).text == "pong"


async def test_an_invalid_session_on_a_live_connection_makes_the_bot_identify_anew(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    await start_bot(FaultBot())
    first = fake.session
    await fake.invalidate_session()  # op 9, d: false
    await fake.wait_until(
        lambda: fake.identify_count == 2 and fake.connected, what="a new IDENTIFY", timeout=5
    )
    assert fake.session is not first and fake.resume_count == 0
    assert (await fake.slash(guild, alice, "ping")).text == "pong"


async def test_an_interaction_without_a_token_kills_a_bare_discord_py_client(
    fake_discord: FakeDiscord, start_bot: BotStarter, discord_problems: DiscordProblems
) -> None:
    # What issue 13 saw: discord.py's parser raises KeyError on it, and bot.start() ends. The fake delivers
    # exactly that event; a bot must catch it (this bare client does not).
    fake = fake_discord
    guild, alice = world(fake)
    bot = await start_bot(FaultBot())
    task = start_bot.running.pop(bot)
    payload = await fake.dispatch_broken_interaction(guild, alice, missing=("token",))
    assert "token" not in payload and payload["type"] == 3
    with pytest.raises(KeyError, match="token"):
        await asyncio.wait_for(task, 3)
    await bot.close()
    discord_problems.take(r"token")


# ------------------------------------------------------------------------------------- forged requests
async def test_a_forged_click_from_another_guild_reaches_the_bot_which_must_check_it(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    other = fake.add_guild("Other class", channels=("questions",))
    mallory = fake.add_member(other, "mallory")
    await start_bot(FaultBot())
    await fake.slash(guild, alice, "post", in_channel=guild.channel("questions"))
    (post,) = fake.messages_in(guild.channel("questions"))
    genuine = await fake.click(alice, post, label="Vote")
    assert genuine.text == "counted"

    forged = await fake.forge_click(mallory, other, f"vote:{guild.channel('questions').id}", message=post)
    assert forged.payload["guild_id"] == str(other.id) and forged.payload["message"]["id"] == str(post.id)
    assert forged.text == "refused: not this server's question"


async def test_a_forged_modal_submission_arrives_with_the_fields_chosen(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    other = fake.add_guild("Other class")
    seen: list[tuple[int | None, Any]] = []
    bot = FaultBot()

    async def record(interaction: discord.Interaction) -> None:
        seen.append((interaction.guild_id, interaction.data))

    bot.add_listener(record, "on_interaction")
    await start_bot(bot)
    result = await fake.forge_modal(alice, other, f"answer:{guild.id}", {"text": "forged"}, wait=False)
    await eventually(lambda: seen, "the forged submission")
    ((guild_id, data),) = seen
    assert guild_id == other.id and data["custom_id"] == f"answer:{guild.id}"  # type: ignore[index]
    assert data["components"][0]["components"][0]["value"] == "forged"  # type: ignore[index]
    assert not result.acknowledged  # nothing in this bot handles it


# --------------------------------------------------------------------------------------------- history
async def test_history_pages_like_discord_with_limit_before_after_and_around(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, alice = world(fake)
    questions = guild.channel("questions")
    sent = [await fake.send_message(questions, alice, f"m{i}") for i in range(7)]
    bot = await start_bot(FaultBot())
    channel = bot.get_channel(questions.id)
    assert isinstance(channel, discord.TextChannel)
    newest = [m.content async for m in channel.history(limit=3)]
    assert newest == ["m6", "m5", "m4"]
    before = [m.content async for m in channel.history(limit=2, before=discord.Object(sent[3].id))]
    assert before == ["m2", "m1"]
    after = [m.content async for m in channel.history(limit=2, after=discord.Object(sent[1].id))]
    assert after == ["m2", "m3"]  # the ones right after it (discord.py returns them oldest first)
    around = [m.content async for m in channel.history(limit=3, around=discord.Object(sent[3].id))]
    assert sorted(around) == ["m2", "m3", "m4"]
    assert len([m async for m in channel.history(limit=None)]) == 7


async def test_a_nonce_is_only_enforced_when_asked_and_within_the_window(
    fake_discord: FakeDiscord, start_bot: BotStarter
) -> None:
    fake = fake_discord
    guild, _ = world(fake)
    bot = await start_bot(FaultBot())
    channel = bot.get_channel(guild.channel("questions").id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("one", nonce="n-1")
    same = await channel.send("one again", nonce="n-1")
    assert same.id == first.id and same.content == "one"
    # Without enforce_nonce (a raw request), the same nonce posts anew, as on Discord.
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id)
    raw = await bot.http.request(route, json={"content": "raw", "nonce": "n-1"})
    assert int(raw["id"]) != first.id
    fake.nonce_window = 0.0
    await asyncio.sleep(0.01)
    later = await channel.send("one later", nonce="n-1")
    assert later.id != first.id
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x", nonce="n" * 26)
    assert too_long.value.code == 50035
