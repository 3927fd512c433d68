"""The daily question in Discord: the post and its Answer button and form, /answer, graded replies, the
scheduler loop, and the channel the core posts in.

Thin: every decision and every sentence comes from the core (``services.daily`` answers,
``services.posting`` posts and reveals); this cog sends, edits and acknowledges, as the core's
:class:`bot.daily.scheduler.Publisher`.
Answering needs no privileged intent (the button opens a form that shows the question, ``/answer`` takes the
text); replies to the post are graded too when the bot has the message-content intent. The publisher also
mentions the guild's ping role on the post (the only mention any send lets ping), opens the post's thread and
posts there, and sends with a nonce when the core asks (the reminder). The author of a reply is remembered by
display name (``cogs.kit.names``) for the reveal, as the runner does for every interaction's.

One scheduler loop (``discord.ext.tasks``) runs ``services.posting.tick`` every ``bot.scheduler_interval``
seconds and once at start-up (the catch-up after downtime); tests call ``tick`` after moving the clock.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.content import Content, Markup
from bot.daily import render
from bot.daily.results import AnswerOutcome
from bot.daily.rules import MAX_ANSWER_CHARS, REQUIRED_CHANNEL_PERMISSIONS, failure_code, missing_permissions
from bot.daily.scheduler import Mark, Refused, Sent
from bot.errors import Outage, UserError
from bot.i18n import t, tn
from bot.services import Services
from cogs.kit.access import cmd, language, services_of
from cogs.kit.answering import Rendered, answer_in_time
from cogs.kit.embeds import to_embed
from cogs.kit.errors import guarded
from cogs.kit.forms import answer_form, form_routes, submitted_answer
from cogs.kit.lanes import first_response
from cogs.kit.markup import DISCORD, safe
from cogs.kit.names import display_names, remember
from cogs.kit.notices import regrade_text, tell_regrades
from cogs.kit.replies import NO_PINGS, send_private

log = logging.getLogger(__name__)

#: The Answer button's custom_id on posts made before it named its post (still answered: persistent view).
ANSWER_BUTTON_ID = "daily:answer"
#: The Answer button's custom_id: stable, so posts made before a restart keep working, and naming its post,
#: so a post Discord accepted just before a crash is recognised in the channel afterwards.
ANSWER_BUTTON = "daily:answer:{post}"
#: How many of the channel's latest messages are searched for a post or a reveal sent before a crash.
HISTORY_SEARCH = 50
#: The answer form's custom_id names the post's message.
FORM_ID = re.compile(r"daily:modal:(?P<message>\d+)")
#: The largest snowflake a form may name (a forged one may name anything).
MAX_SNOWFLAKE = 2**63 - 1
#: Discord's code for "A thread has already been created for this message".
THREAD_EXISTS = 160004
#: The reaction on a graded reply when the member's DMs are closed: "recorded", never the grade itself.
RECORDED = "📝"


def channel_problem(channel: object, me: discord.Member | None) -> str | None:
    """Why the bot cannot post in ``channel`` (a failure code for the status), or None when it can."""
    if me is None or not isinstance(channel, discord.TextChannel):
        return failure_code(text="channel_missing")
    perms = channel.permissions_for(me)
    missing = missing_permissions({name: getattr(perms, name) for name in REQUIRED_CHANNEL_PERMISSIONS})
    return failure_code(permissions=missing) if missing else None


class AnswerView(discord.ui.View):
    """The Answer button of posts made before it named its post. Persistent: a fixed custom_id and no
    timeout, registered at start-up."""

    def __init__(self, cog: Daily, label: str = "Answer") -> None:
        super().__init__(timeout=None)
        self.cog = cog
        button: discord.ui.Button[AnswerView] = discord.ui.Button(
            label=label, style=discord.ButtonStyle.primary, custom_id=ANSWER_BUTTON_ID, emoji="✏️"
        )
        button.callback = self.open_form  # type: ignore[method-assign]
        self.add_item(button)

    async def open_form(self, interaction: discord.Interaction) -> None:
        await self.cog.open_answer_form(interaction)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"daily:answer:(?P<post>[0-9]{1,20})"
):
    """The post's Answer button, naming its post: persistent (a template, registered at start-up)."""

    def __init__(self, post_id: int, label: str = "Answer") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=ANSWER_BUTTON.format(post=post_id),
                emoji="✏️",
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Daily") if isinstance(interaction.client, commands.Bot) else None
        if isinstance(cog, Daily):
            await cog.open_answer_form(interaction, post_id=self.post_id)


def is_marked(message: discord.Message, mark: Mark) -> bool:
    """Whether ``message`` (the bot's own) is the post or the reveal ``mark`` describes."""
    if mark.nonce and message.nonce == mark.nonce:
        return True
    if mark.kind == "post":
        wanted = ANSWER_BUTTON.format(post=mark.post_id)
        return any(
            getattr(child, "custom_id", None) == wanted
            for row in message.components
            if isinstance(row, discord.ActionRow)
            for child in row.children
        )
    return mark.link is not None and any(embed.url == mark.link for embed in message.embeds)


class Daily(commands.Cog):
    """/answer, the post's button and form, replies to the post, the scheduler; the core's publisher."""

    markup: Markup = DISCORD

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @property
    def services(self) -> Services | None:
        return services_of(self.bot)

    async def cog_load(self) -> None:
        form_routes(self.bot).add(FORM_ID, self.on_answer_form)
        services = self.services
        if services is None:
            return  # no database (runner tests): commands answer, nothing is scheduled
        services.posting.publisher = self
        self.bot.add_view(AnswerView(self))
        self.bot.add_dynamic_items(AnswerButton)
        self.scheduler.change_interval(seconds=getattr(self.bot, "scheduler_interval", 20.0))
        self.scheduler.start()

    async def cog_unload(self) -> None:
        form_routes(self.bot).remove(FORM_ID)
        self.scheduler.cancel()
        self.bot.remove_dynamic_items(AnswerButton)
        services = self.services
        if services is not None and services.posting.publisher is self:
            services.posting.publisher = None

    # ------------------------------------------------------------------------------------- the publisher

    def present(self, guild_id: int) -> bool:
        return self.bot.get_guild(guild_id) is not None

    def channel_problem(self, guild_id: int, channel_id: int | None) -> str | None:
        guild = self.bot.get_guild(guild_id)
        channel = self.bot.get_channel(channel_id) if channel_id is not None else None
        return channel_problem(channel, guild.me if guild is not None else None)

    def _channel(self, channel_id: int) -> discord.TextChannel:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise Refused(10003, "Unknown Channel")
        return channel

    async def send_question(
        self,
        channel_id: int,
        content: Content,
        lang: str,
        *,
        post_id: int,
        nonce: str,
        ping_role_id: int | None = None,
    ) -> Sent:
        view = discord.ui.View(timeout=None)
        view.add_item(AnswerButton(post_id, t("common.answer", lang)))
        if ping_role_id is None:
            return await self._send(self._channel(channel_id), content, view=view, nonce=nonce)
        # The role's mention, in the text (a mention inside an embed never notifies); the only one that
        # may ping, on this send only.
        only_role = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(ping_role_id)])
        return await self._send(
            self._channel(channel_id),
            content,
            view=view,
            text=DISCORD.role(ping_role_id),
            mentions=only_role,
            nonce=nonce,
        )

    async def send(self, channel_id: int, content: Content, *, nonce: str | None = None) -> Sent:
        return await self._send(self._channel(channel_id), content, nonce=nonce)

    async def send_in_thread(self, guild_id: int, thread_id: int, content: Content) -> Sent:
        thread = self.bot.get_partial_messageable(
            thread_id, guild_id=guild_id, type=discord.ChannelType.public_thread
        )
        return await self._send(thread, content)

    async def open_thread(self, channel_id: int, message_id: int, name: str, archive_minutes: int) -> int:
        message = self._channel(channel_id).get_partial_message(message_id)
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=archive_minutes)  # type: ignore[arg-type]
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                # Opened before a crash: a thread started from a message has that message's id.
                return message_id
            raise Refused(exc.code, exc.text) from exc
        return thread.id

    async def _send(
        self,
        channel: discord.abc.Messageable,
        content: Content,
        *,
        view: discord.ui.View | None = None,
        text: str | None = None,
        mentions: discord.AllowedMentions = NO_PINGS,
        nonce: str | None = None,
    ) -> Sent:
        kwargs: dict[str, Any] = {"embed": to_embed(content), "allowed_mentions": mentions}
        if view is not None:
            kwargs["view"] = view
        if text is not None:
            kwargs["content"] = text
        if nonce is not None:
            kwargs["nonce"] = nonce
        try:
            message = await channel.send(**kwargs)
        except discord.HTTPException as exc:
            raise Refused(exc.code, exc.text) from exc
        return Sent(message.channel.id, message.id, message.jump_url)

    async def find_sent(self, channel_id: int, mark: Mark) -> Sent | None:
        channel = self._channel(channel_id)
        me = self.bot.user
        try:
            async for message in channel.history(limit=HISTORY_SEARCH):
                if me is not None and message.author.id == me.id and is_marked(message, mark):
                    return Sent(channel.id, message.id, message.jump_url, message.created_at)
        except discord.HTTPException as exc:
            raise Refused(exc.code, exc.text) from exc
        return None

    async def close_question(self, channel_id: int, message_id: int, content: Content) -> None:
        try:
            await (
                self._channel(channel_id)
                .get_partial_message(message_id)
                .edit(embed=to_embed(content), view=None)
            )
        except discord.HTTPException as exc:
            raise Refused(exc.code, exc.text) from exc

    async def names(self, guild_id: int, member_ids: tuple[int, ...]) -> Mapping[int, str]:
        """Display names for the reveal: remembered or stored, else asked of Discord (one call each)."""
        services = self.services
        if services is None:
            return {}
        return await display_names(self.bot, services, guild_id, member_ids)

    # ------------------------------------------------------------------------------------------ answering

    async def open_answer_form(self, interaction: discord.Interaction, *, post_id: int | None = None) -> None:
        """The Answer button: the form, or the first grade for a second attempt, or why it is closed."""
        async with guarded(interaction) as lang:
            services, message = self.services, interaction.message
            if services is None or interaction.guild_id is None or message is None:
                raise UserError("common.error.not_set_up")
            shown = await services.daily.open_form(
                interaction.guild_id,
                interaction.user.id,
                message.id,
                channel_id=interaction.channel_id,
                post_id=post_id,
            )
            if isinstance(shown, AnswerOutcome):  # a second attempt: the first grade
                await send_private(interaction, embed=to_embed(render.feedback(shown, lang, DISCORD)))
                return
            form = answer_form(
                f"daily:modal:{message.id}",
                title=t("daily.modal.title", lang),
                question=shown.question,
                label=t("daily.modal.label", lang),
                hint=tn("daily.modal.hint", len(shown.items), lang),
                placeholder=t("daily.modal.placeholder", lang),
                max_length=MAX_ANSWER_CHARS,
            )
            async with first_response(interaction):
                await interaction.response.send_modal(form)

    async def on_answer_form(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        """A submitted answer form (recognised by its custom id, so also one opened before a restart)."""
        text = submitted_answer(interaction)
        message_id = int(match["message"]) if len(match["message"]) <= 20 else MAX_SNOWFLAKE + 1
        if message_id > MAX_SNOWFLAKE:  # a forged form: no message has that id
            await send_private(interaction, t("daily.error.unknown_post", await language(interaction)))
            return
        await self.answer_interaction(interaction, text, message_id=message_id)

    async def answer_interaction(
        self, interaction: discord.Interaction, text: str, *, message_id: int | None = None
    ) -> None:
        """Grade and record an answer from the form or /answer; reply privately with the feedback."""
        services = self.services
        lang = await language(interaction)
        if services is None or interaction.guild_id is None:
            await send_private(interaction, t("common.error.not_set_up", lang))
            return
        work = services.daily.answer(
            interaction.guild_id,
            interaction.user.id,
            text,
            message_id=message_id,
            channel_id=interaction.channel_id if message_id is not None else None,
        )
        answered = await answer_in_time(
            interaction,
            lang,
            work,
            self._feedback,
            not_recorded="daily.error.not_recorded",
            feedback_failed="daily.error.feedback_failed",
        )
        if answered:
            await tell_regrades(interaction, lang)  # answers of theirs a teacher's alias re-graded upwards

    @staticmethod
    def _feedback(outcome: AnswerOutcome, lang: str) -> Rendered:
        return None, to_embed(render.feedback(outcome, lang, DISCORD))

    @app_commands.command(
        name="answer",
        description=cmd("Answer today's question (only you see your grade)", "daily.cmd.answer"),
    )
    @app_commands.guild_only()
    @app_commands.describe(text=cmd("Your answer: list the items, in any order", "daily.cmd.answer.text"))
    async def answer(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 4000]) -> None:
        await self.answer_interaction(interaction, text)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A reply to the daily post (message-content intent only): graded, feedback by DM."""
        reference = message.reference
        if (
            message.guild is None
            or message.author.bot
            or reference is None
            or reference.message_id is None
            or not message.content
            or self.services is None
        ):
            return
        resolved = reference.resolved
        me = self.bot.user
        if isinstance(resolved, discord.Message) and me is not None and resolved.author.id != me.id:
            return  # a reply to someone else: not an answer
        await self.grade_reply(message, reference.message_id)

    async def grade_reply(self, message: discord.Message, post_message_id: int) -> None:
        services = self.services
        guild = message.guild
        assert services is not None and guild is not None
        outcome: AnswerOutcome | None = None
        refusal: UserError | None = None
        try:
            outcome = await services.daily.answer(
                guild.id, message.author.id, message.content, message_id=post_message_id
            )
        except UserError as error:
            if error.key == "daily.error.unknown_post":
                return  # a reply to another message of the bot
            refusal = error
        except Outage:
            refusal = UserError("daily.error.not_recorded")
        remember(services, guild.id, message.author)
        lang = await services.language(guild.id, str(guild.preferred_locale))
        settings = await services.guild_settings(guild.id)
        deleted = False
        channel = message.channel
        if (
            settings is not None
            and settings.private_answers
            and isinstance(channel, discord.TextChannel)
            and channel.permissions_for(guild.me).manage_messages
        ):
            # Deleted before anything else, so classmates have the least time to read it.
            try:
                await message.delete()
                deleted = True
            except discord.HTTPException as exc:
                log.info("could not delete a reply to the daily post: %s", exc)
        intro = t("daily.reply.dm_intro", lang, channel=getattr(channel, "mention", "#?"))
        try:
            if outcome is not None:
                await message.author.send(
                    content=intro,
                    embed=to_embed(render.feedback(outcome, lang, DISCORD)),
                    allowed_mentions=NO_PINGS,
                )
                regraded = await regrade_text(self.bot, guild.id, message.author.id, lang)
                if regraded is not None:  # answers of theirs a teacher's alias re-graded upwards
                    await message.author.send(content=regraded, allowed_mentions=NO_PINGS)
            elif refusal is not None:
                await message.author.send(content=refusal.message(lang, DISCORD), allowed_mentions=NO_PINGS)
        except discord.HTTPException:  # DMs closed (403 50007)
            if outcome is None:
                return
            if not deleted:
                try:
                    await message.add_reaction(RECORDED)
                except discord.HTTPException as exc:
                    log.info("could not react to a graded reply: %s", exc)
                return
            notice = t("daily.reply.recorded", lang, name=safe(message.author.display_name, 100))
            try:
                await channel.send(notice, allowed_mentions=NO_PINGS)
            except discord.HTTPException as exc:
                log.info("could not tell a member their reply was recorded: %s", exc)

    # ------------------------------------------------------------------------------------------ scheduler

    @tasks.loop(seconds=20)
    async def scheduler(self) -> None:
        services = self.services
        if services is None:
            return
        try:
            report = await services.posting.tick()
            if self.scheduler.current_loop == 0:  # the start-up catch-up: say what it did, for operators
                log.info(
                    "start-up scheduler pass: %d posted, %d revealed, %d failed",
                    len(report.posted),
                    len(report.revealed),
                    len(report.failed),
                )
        except Exception:
            # Keep the loop alive: the next pass retries from the stored state.
            log.exception("scheduler pass failed; the next pass tries again")

    @scheduler.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Daily(bot))
