"""The fake Discord runs a real discord.py bot: commands, views, modals, replies, and Discord's rules."""

from __future__ import annotations

import asyncio
import gc
import io

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import ClientRefused, FakeDiscord, InteractionNotAcknowledged
from tests.fakediscord.fixtures import BotStarter, DiscordProblems

# ----------------------------------------------------------------------------------------- the tiny demo bot


class AnswerModal(discord.ui.Modal, title="Your answer"):
    text: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Answer", style=discord.TextStyle.paragraph, custom_id="demo:text", max_length=200
    )
    note: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Note", custom_id="demo:note", required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"You said: {self.text.value}", ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


class AnswerView(discord.ui.View):
    """Persistent: a fixed custom_id and no timeout, registered with ``bot.add_view`` at start-up."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Answer", custom_id="demo:answer", style=discord.ButtonStyle.primary)
    async def answer(self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]) -> None:
        await interaction.response.send_modal(AnswerModal())

    @discord.ui.button(label="Close", custom_id="demo:close", style=discord.ButtonStyle.secondary)
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]) -> None:
        await interaction.response.edit_message(content="Closed", embed=None, view=None)


class Demo(commands.Cog):
    demo = app_commands.Group(name="demo", description="Demo commands")
    tools = app_commands.Group(name="tools", description="Demo tools", parent=demo)

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @demo.command(name="hello", description="Say hello")
    async def hello(self, interaction: discord.Interaction, name: str, loud: bool = False) -> None:
        await interaction.response.send_message(f"Hello {name}", ephemeral=not loud)

    @tools.command(name="reset", description="A sub-command in a sub-command group")
    async def reset(self, interaction: discord.Interaction, confirm: bool, member: discord.Member) -> None:
        await interaction.response.send_message(f"reset {member.display_name}: {confirm}", ephemeral=True)

    @demo.command(name="echo", description="Repeat a text without pinging anyone")
    async def echo(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, allowed_mentions=discord.AllowedMentions.none())

    @demo.command(name="post", description="Post the question with its Answer button")
    async def post(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        try:
            message = await channel.send(embed=discord.Embed(title="Question of the day"), view=AnswerView())
            await message.add_reaction("✅")
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"Cannot post there ({exc.code})", ephemeral=True)
            return
        await interaction.response.send_message(f"Posted in {channel.mention}", ephemeral=True)

    @demo.command(name="later", description="A deferred answer")
    async def later(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.01)
        await interaction.edit_original_response(content="Done later")
        await interaction.followup.send("And a follow-up", ephemeral=True)

    @demo.command(name="slow", description="Too slow for Discord")
    async def slow(self, interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await interaction.response.send_message("finally")

    @demo.command(name="rights", description="What Discord says about permissions")
    async def rights(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"manage_guild={interaction.permissions.manage_guild} "
            f"bot_send={interaction.app_permissions.send_messages}",
            ephemeral=True,
        )

    @demo.command(name="file", description="Send a file")
    async def file(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "here", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="scores.csv")
        )

    @demo.command(name="deck", description="Pick a deck")
    async def deck(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"deck {name}", ephemeral=True)

    @deck.autocomplete("name")
    async def deck_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["cours-2", "cours-3", "anglais"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @demo.command(name="dm", description="Send me a DM")
    async def dm(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.user.send("psst")
        except discord.Forbidden:
            await interaction.response.send_message("Your DMs are closed", ephemeral=True)
            return
        await interaction.response.send_message("Sent", ephemeral=True)

    @app_commands.command(name="admin", description="Only for managers")
    @app_commands.default_permissions(manage_guild=True)
    async def admin(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        ref = message.reference
        if (
            message.author.bot
            or not message.content
            or ref is None
            or not isinstance(ref.resolved, discord.Message)
        ):
            return
        if ref.resolved.author == self.bot.user:
            await message.reply(f"Got {message.content!r}", mention_author=False)
            try:
                await message.delete()  # so classmates cannot copy it
            except discord.Forbidden:
                await message.add_reaction("🔒")


class DemoBot(commands.Bot):
    def __init__(self, *, messages: bool = False, message_content: bool = False) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = messages or message_content
        intents.message_content = message_content
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None)

    async def setup_hook(self) -> None:
        await self.add_cog(Demo(self))
        self.add_view(AnswerView())
        await self.tree.sync()


@pytest.fixture
def world(fake_discord: FakeDiscord) -> dict[str, object]:
    fake = fake_discord
    guild = fake.add_guild("Classe", channels=("general", "questions"))
    return {
        "guild": guild,
        "questions": guild.channel("questions"),
        "alice": fake.add_member(guild, "alice"),
        "bob": fake.add_member(guild, "bob"),
    }


# ----------------------------------------------------------------------------------------------------- tests


async def test_bot_gets_ready_with_the_guild_cached(fake_discord: FakeDiscord, start_bot: BotStarter, world):
    bot = await start_bot(DemoBot())
    guild = bot.get_guild(world["guild"].id)
    assert guild is not None and guild.me is not None
    assert guild.member_count == 4  # owner, bot, alice, bob; only the bot is sent without the members intent
    assert {c.name for c in guild.text_channels} == {"general", "questions"}
    assert fake_discord.identify_count == 1
    assert fake_discord.command_puts == 1
    assert set(fake_discord.global_commands) == {"demo", "admin"}


async def test_slash_command_in_a_group_replies_ephemeral_or_public(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    await start_bot(DemoBot())
    res = await fake_discord.slash(world["guild"], world["alice"], "demo hello", name="Bob")
    assert res.kind == "message"
    assert res.ephemeral and res.content == "Hello Bob"
    assert fake_discord.messages_in(world["guild"].channel("general")) == []

    loud = await fake_discord.slash(world["guild"], world["alice"], "demo hello", name="all", loud=True)
    assert not loud.ephemeral
    assert fake_discord.messages_in(world["guild"].channel("general")) == [loud.message]
    assert loud.elapsed is not None and loud.elapsed < 1


async def test_persistent_button_opens_a_modal_and_the_reply_pings_nobody(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    await start_bot(DemoBot())
    res = await fake.slash(world["guild"], world["alice"], "demo post", channel=world["questions"])
    assert res.ephemeral and "Posted" in res.content
    (post,) = fake.messages_in(world["questions"])
    assert post.embed["title"] == "Question of the day"
    assert post.reactions == {"✅": {fake.bot_user.id}}
    assert [b["label"] for b in post.buttons] == ["Answer", "Close"]

    click = await fake.click(world["bob"], post, "demo:answer")
    assert click.kind == "modal"
    modal = fake.last_modal(world["bob"])
    assert modal.title == "Your answer"
    assert [i.label for i in modal.inputs] == ["Answer", "Note"]

    text = f"@everyone <@{world['alice'].id}> it is 42"
    answer = await fake.submit_modal(world["bob"], {"Answer": text})
    assert answer.ephemeral
    assert answer.content == f"You said: {text}"
    assert answer.allowed_mentions == {"parse": []}
    assert not answer.pings.any


async def test_persistent_view_still_answers_after_a_restart(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    first = await start_bot(DemoBot())
    await fake.slash(world["guild"], world["alice"], "demo post", channel=world["questions"])
    (post,) = fake.messages_in(world["questions"])
    await start_bot.stop(first)
    assert not fake.connected

    await start_bot(DemoBot())
    click = await fake.click(world["alice"], post, label="Answer")
    answer = await click.modal.submit({"demo:text": "after restart"})
    assert answer.content == "You said: after restart"
    assert fake.identify_count == 2


async def test_message_reply_event_and_the_content_intent(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    await start_bot(DemoBot(message_content=True))
    await fake.slash(world["guild"], world["alice"], "demo post", channel=world["questions"])
    (post,) = fake.messages_in(world["questions"])

    mark = fake.checkpoint()
    reply = await fake.send_message(
        world["questions"], world["bob"], "my answer", reply_to=post, mention_author=False
    )
    assert reply.delivered
    answer = await fake.wait_for_message(world["questions"], since=mark)
    assert answer.content == "Got 'my answer'"
    assert answer.reply_to == reply.id
    assert answer.allowed_mentions is not None and answer.allowed_mentions["replied_user"] is False
    assert not answer.pings.any
    # Without Manage Messages the bot cannot delete the reply: 403 50013, so it reacts instead.
    await fake.wait_until(lambda: reply.reactions, what="a reaction on the reply")
    assert not reply.deleted and reply.reactions == {"🔒": {fake.bot_user.id}}
    assert [c.error_code for c in fake.calls_to("DELETE", "/channels/*/messages/*")] == [50013]

    role = fake.bot_role(world["guild"])
    fake.set_role_permissions(role, role.permissions | discord.Permissions(manage_messages=True).value)
    second = await fake.send_message(world["questions"], world["alice"], "mine", reply_to=post)
    await fake.wait_until(lambda: second.deleted, what="the reply deleted")
    assert second.pings.users == {fake.bot_user.id}  # a reply pings the replied author by default


async def test_without_the_content_intent_only_pinging_replies_carry_text(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    bot = DemoBot(messages=True)  # messages, but not their content
    seen: list[str] = []

    async def record(message: discord.Message) -> None:
        if not message.author.bot:
            seen.append(message.content)

    bot.add_listener(record, "on_message")
    await start_bot(bot)
    await fake.slash(world["guild"], world["alice"], "demo post", channel=world["questions"])
    (post,) = fake.messages_in(world["questions"])
    mark = fake.checkpoint()
    await fake.send_message(world["questions"], world["bob"], "silent", reply_to=post, mention_author=False)
    pinging = await fake.send_message(world["questions"], world["bob"], "pinging", reply_to=post)
    answer = await fake.wait_for_message(world["questions"], since=mark)
    assert answer.content == "Got 'pinging'"
    await fake.wait_until(lambda: pinging.reactions, what="the bot's reaction")  # its handler is done
    assert seen == ["", "pinging"]


async def test_deferred_response_then_edit_and_follow_up(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    await start_bot(DemoBot())
    res = await fake_discord.slash(world["guild"], world["alice"], "demo later")
    assert res.kind == "deferred message"
    await res.wait_followups(1)
    assert res.content == "Done later" and res.ephemeral and not res.message.loading
    assert res.followup.content == "And a follow-up" and res.followup.ephemeral
    assert "Done later" in res.text and "follow-up" in res.text


async def test_three_second_rule(fake_discord: FakeDiscord, start_bot: BotStarter, world, discord_problems):
    fake = fake_discord
    fake.ack_deadline = 0.2  # Discord's 3 s, scaled down to keep the suite fast
    discord_problems.allow(r"Unknown interaction")  # discord.py logs the NotFound the late reply gets
    await start_bot(DemoBot())
    with pytest.raises(InteractionNotAcknowledged):
        await fake.slash(world["guild"], world["alice"], "demo slow", seconds=0.3)
    res = list(fake.interactions.values())[-1]
    (late,) = res.rejected
    assert late.status == 404 and late.error_code == 10062
    assert any("10062" in p for p in discord_problems.problems)


async def test_second_acknowledgement_and_early_follow_up_are_refused(
    fake_discord: FakeDiscord, start_bot: BotStarter, world, discord_problems: DiscordProblems
):
    fake = fake_discord
    await start_bot(DemoBot())
    done = await fake.slash(world["guild"], world["alice"], "demo hello", name="x")
    pending = await fake.slash(world["guild"], world["alice"], "demo slow", seconds=0.1, wait=False)
    async with aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/interactions/{done.id}/{done.token}/callback"
        async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 40060
            assert resp.headers["Content-Type"] == "application/json"
        url = f"{fake.api_base}/webhooks/{fake.application_id}/{pending.token}?wait=true"
        async with http.post(url, json={"content": "too early"}) as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10015
    await pending.wait_ack()
    assert pending.content == "finally"
    assert [c.error_code for c in done.rejected] == [40060]


async def test_empty_message_and_unknown_route(fake_discord: FakeDiscord, world, discord_problems):
    fake = fake_discord
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(f"{fake.api_base}/channels/{world['questions'].id}/messages", json={}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 50006
        async with http.post(
            f"{fake.api_base}/channels/{world['questions'].id}/messages", json={"content": "x" * 2001}
        ) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 50035
        async with http.get(f"{fake.api_base}/no/such/route") as resp:
            assert resp.status == 404
        async with http.get(f"{fake.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as resp:
            assert resp.status == 401
    assert [c.path for c in fake.unknown_routes] == ["/no/such/route"]
    fake.unknown_routes.clear()  # provoked on purpose; otherwise the fixture fails the test


async def test_missing_permission_in_a_channel_is_403_50013(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    locked = fake.add_channel(world["guild"], "locked", bot_can_send=False)
    bot = await start_bot(DemoBot())
    channel = bot.get_channel(locked.id)
    assert not channel.permissions_for(channel.guild.me).send_messages
    res = await fake.slash(world["guild"], world["alice"], "demo post", channel=locked)
    assert res.content == "Cannot post there (50013)"
    (refused,) = fake.calls_to("POST", "/channels/{channel_id}/messages")
    assert refused.status == 403 and fake.messages_in(locked) == []


async def test_permissions_reach_the_bot_and_hidden_commands(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    teacher_role = fake.add_role(
        world["guild"], "Teacher", permissions=discord.Permissions(manage_guild=True)
    )
    teacher = fake.add_member(world["guild"], "teacher", roles=[teacher_role])
    await start_bot(DemoBot())
    res = await fake.slash(world["guild"], teacher, "demo rights")
    assert res.content == "manage_guild=True bot_send=True"
    res = await fake.slash(world["guild"], world["alice"], "demo rights")
    assert res.content == "manage_guild=False bot_send=True"
    assert (await fake.slash(world["guild"], teacher, "admin")).content == "ok"
    with pytest.raises(ClientRefused, match="hidden"):
        await fake.slash(world["guild"], world["alice"], "admin")
    with pytest.raises(ClientRefused, match="required"):
        await fake.slash(world["guild"], world["alice"], "demo hello")
    with pytest.raises(ClientRefused, match="no option"):
        await fake.slash(world["guild"], world["alice"], "demo hello", name="x", colour="red")


async def test_files_autocomplete_and_dms(fake_discord: FakeDiscord, start_bot: BotStarter, world):
    fake = fake_discord
    await start_bot(DemoBot())
    res = await fake.slash(world["guild"], world["alice"], "demo file")
    (att,) = res.message.attachments
    assert (att.filename, att.data) == ("scores.csv", b"a,b\n1,2\n")

    choices = await fake.autocomplete(world["guild"], world["alice"], "demo deck", "name", name="cours")
    assert [c["value"] for c in choices] == ["cours-2", "cours-3"]

    assert (await fake.slash(world["guild"], world["alice"], "demo dm")).content == "Sent"
    assert [m.content for m in fake.dms_to(world["alice"])] == ["psst"]
    closed = fake.add_member(world["guild"], "closed", dms_open=False)
    assert (await fake.slash(world["guild"], closed, "demo dm")).content == "Your DMs are closed"


async def test_gateway_resume(fake_discord: FakeDiscord, start_bot: BotStarter, world):
    fake = fake_discord
    await start_bot(DemoBot())
    await fake.reconnect()
    assert fake.resume_count == 1 and fake.identify_count == 1
    assert (
        await fake.slash(world["guild"], world["alice"], "demo hello", name="again")
    ).content == "Hello again"


async def test_an_error_in_a_command_ends_the_wait_at_once(
    fake_discord: FakeDiscord, start_bot: BotStarter, world, discord_problems: DiscordProblems
):
    fake = fake_discord
    bot = DemoBot()

    @bot.tree.command(name="broken", description="Raises")
    async def broken(interaction: discord.Interaction) -> None:
        raise RuntimeError("bug in a command")

    await start_bot(bot)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(AssertionError, match="bug in a command"):
        await fake.slash(world["guild"], world["alice"], "broken")
    assert loop.time() - started < 1  # not the 3 s of Discord's deadline
    assert discord_problems.take("bug in a command")


async def test_watchdog_sees_unretrieved_task_exceptions(discord_problems: DiscordProblems):
    async def boom() -> None:
        raise ValueError("lost")

    task = asyncio.get_running_loop().create_task(boom())
    await asyncio.sleep(0)
    del task
    gc.collect()
    assert discord_problems.take("Task exception was never retrieved")


async def test_sub_command_groups_buttons_that_edit_and_dms(
    fake_discord: FakeDiscord, start_bot: BotStarter, world
):
    fake = fake_discord
    await start_bot(DemoBot())
    res = await fake.slash(
        world["guild"], world["alice"], "demo tools reset", confirm=True, member=world["bob"]
    )
    assert res.content == "reset Bob: True"
    (options,) = res.payload["data"]["options"]
    assert (options["name"], options["type"], options["options"][0]["name"]) == ("tools", 2, "reset")
    with pytest.raises(ClientRefused, match="is a group"):
        await fake.slash(world["guild"], world["alice"], "demo tools")

    await fake.slash(world["guild"], world["alice"], "demo post", channel=world["questions"])
    (post,) = fake.messages_in(world["questions"])
    closed = await fake.click(world["alice"], post, "demo:close")
    assert closed.kind == "update message" and closed.message is post
    assert (post.content, post.embeds, post.components, len(post.edits)) == ("Closed", [], [], 1)
    with pytest.raises(ClientRefused, match="no component"):
        await fake.click(world["alice"], post, "demo:answer")

    in_dm = await fake.slash(None, world["alice"], "demo hello", name="in private")
    assert in_dm.content == "Hello in private" and in_dm.message.guild_id is None
