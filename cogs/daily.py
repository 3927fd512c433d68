"""The daily question in Discord: the post and its Answer button and form, /answer, graded replies, the
scheduler loop and the reveal.

Thin: every decision and every sentence comes from :class:`bot.daily.DailyService` (on ``bot.daily``); this
cog sends, edits and acknowledges. Answering needs no privileged intent (the button opens a modal,
``/answer`` takes the text); replies to the post are graded too when the bot has the message-content intent.

One scheduler loop (``discord.ext.tasks``) runs :meth:`Daily.tick` every ``bot.scheduler_interval`` seconds
and once at start-up (the catch-up after downtime). ``tick`` is a plain coroutine, so tests call it after
moving the bot's clock instead of sleeping. Ticks, manual posts and manual reveals share one lock: two of
them never act on the same guild at once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.daily import (
    MAX_ANSWER_CHARS,
    REQUIRED_CHANNEL_PERMISSIONS,
    AnswerOutcome,
    Content,
    DailyError,
    DailyService,
    PostJob,
    RevealJob,
    explain_failure,
    failure_code,
    missing_permissions,
)
from bot.i18n import language_from_locale, t
from bot.store import Post
from cogs.common import NO_PINGS, cmd, modal_submission, safe, send_private

if TYPE_CHECKING:
    from bot.runner import TutorBot

log = logging.getLogger(__name__)

#: The Answer button's custom_id: stable, so posts made before a restart keep working (persistent view).
ANSWER_BUTTON_ID = "daily:answer"
#: The answer form's custom_id names the post's message; its text input has a fixed one.
MODAL_ID = re.compile(r"daily:modal:(?P<message>\d+)")
ANSWER_INPUT = "daily:modal:text"
#: Seconds of work before an answer is acknowledged with "thinking…" (Discord allows 3 s to respond).
DEFER_AFTER = 1.5
#: Answers in progress beyond which a new one is acknowledged ("thinking…") before it is graded.
BUSY_ANSWERS = 64
#: The reaction on a graded reply when the member's DMs are closed: "recorded", never the grade itself.
RECORDED = "📝"
#: Display names kept for the reveal's top scorers (members are not cached without the members intent).
NAMES_KEPT = 5000

COLOURS = {
    "question": 0x2563EB,
    "closed": 0x94A3B8,
    "feedback": 0x16A34A,
    "reveal": 0x9333EA,
    "info": 0x475569,
    "error": 0xDC2626,
}


def to_embed(content: Content) -> discord.Embed:
    """A :class:`bot.daily.Content` as a Discord embed."""
    embed = discord.Embed(
        title=content.title,
        description=content.description or None,
        colour=COLOURS.get(content.kind, COLOURS["info"]),
        url=content.url,
    )
    for item in content.fields:
        embed.add_field(name=item.name, value=item.value, inline=item.inline)
    if content.footer:
        embed.set_footer(text=content.footer)
    return embed


def channel_problem(channel: discord.abc.GuildChannel | None, me: discord.Member | None) -> str | None:
    """Why the bot cannot post in ``channel`` (a failure code for the status), or None when it can."""
    if channel is None or me is None or not isinstance(channel, discord.TextChannel):
        return failure_code(text="channel_missing")
    perms = channel.permissions_for(me)
    missing = missing_permissions({name: getattr(perms, name) for name in REQUIRED_CHANNEL_PERMISSIONS})
    return failure_code(permissions=missing) if missing else None


@dataclass
class TickReport:
    """What one scheduler pass did (for logs and tests)."""

    posted: list[int] = field(default_factory=list)  # post ids sent
    revealed: list[int] = field(default_factory=list)  # post ids revealed
    failed: list[int] = field(default_factory=list)  # guild ids whose post or reveal failed


def answer_modal(message_id: int, lang: str) -> discord.ui.Modal:
    """The answer form for the post ``message_id``: one paragraph input.

    Only a form: discord.py does not keep it (it is stopped before it is sent), and its submission is handled
    by custom id in :meth:`Daily.on_interaction`, so a form opened before a restart is still graded after it.
    """
    modal = discord.ui.Modal(
        title=t("daily.modal.title", lang), custom_id=f"daily:modal:{message_id}", timeout=None
    )
    modal.add_item(
        discord.ui.TextInput(
            label=t("daily.modal.label", lang),
            style=discord.TextStyle.paragraph,
            placeholder=t("daily.modal.placeholder", lang),
            max_length=MAX_ANSWER_CHARS,
            custom_id=ANSWER_INPUT,
        )
    )
    modal.stop()
    return modal


class AnswerView(discord.ui.View):
    """The post's Answer button. Persistent: a fixed custom_id and no timeout, registered at start-up."""

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


class Daily(commands.Cog):
    """/answer, the post's button and form, replies to the post, the scheduler and the reveal."""

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        self.lock = asyncio.Lock()
        #: Completed scheduler passes (tests wait on it).
        self.ticks = 0
        self._answering = 0  # answers being graded and recorded right now
        self._names: OrderedDict[int, str] = OrderedDict()

    @property
    def service(self) -> DailyService | None:
        return self.bot.daily

    async def cog_load(self) -> None:
        if self.service is None:
            return  # no database (runner tests): commands answer, nothing is scheduled
        self.bot.add_view(AnswerView(self))
        self.scheduler.change_interval(seconds=self.bot.scheduler_interval)
        self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()

    # ------------------------------------------------------------------------------------------ helpers

    async def lang_of(self, guild: discord.Guild | None) -> str:
        locale = str(guild.preferred_locale) if guild is not None else None
        return await self.language(guild.id if guild is not None else None, locale)

    async def language(self, guild_id: int | None, locale: str | None) -> str:
        """The guild's language (cached by the service: every answer needs it)."""
        if self.service is None:
            return language_from_locale(locale)
        return await self.service.language(guild_id, locale)

    async def interaction_language(self, interaction: discord.Interaction) -> str:
        locale = interaction.guild_locale
        return await self.language(interaction.guild_id, str(locale) if locale is not None else None)

    def forget_name(self, member_id: int) -> None:
        self._names.pop(member_id, None)

    def remember_name(self, user: discord.abc.User) -> None:
        self._names[user.id] = user.display_name
        self._names.move_to_end(user.id)
        while len(self._names) > NAMES_KEPT:
            self._names.popitem(last=False)

    async def names_of(self, guild: discord.Guild | None, member_ids: tuple[int, ...]) -> dict[int, str]:
        """Display names for the reveal: remembered from answers, else asked of Discord (one call each)."""
        names: dict[int, str] = {}
        for member_id in member_ids:
            if member_id in self._names:
                names[member_id] = self._names[member_id]
                continue
            member = guild.get_member(member_id) if guild is not None else None
            if member is None and guild is not None:
                try:
                    member = await guild.fetch_member(member_id)
                except discord.HTTPException:
                    member = None
            if member is not None:
                names[member_id] = member.display_name
        return names

    # ------------------------------------------------------------------------------------------ answering

    async def open_answer_form(self, interaction: discord.Interaction) -> None:
        """The Answer button: the form, or the first grade for a second attempt, or why it is closed."""
        service, message = self.service, interaction.message
        lang = await self.interaction_language(interaction)
        if service is None or interaction.guild_id is None or message is None:
            await send_private(interaction, t("common.error.not_set_up", lang))
            return
        try:
            earlier = await service.before_answer(interaction.guild_id, interaction.user.id, message.id)
        except DailyError as error:
            await send_private(interaction, error.message(lang, safe))
            return
        if earlier is not None:
            await send_private(interaction, embed=to_embed(earlier.render(lang, safe)))
            return
        await interaction.response.send_modal(answer_modal(message.id, lang))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A submitted answer form, recognised by its custom id (so also one opened before a restart)."""
        submitted = modal_submission(interaction, MODAL_ID, ANSWER_INPUT)
        if submitted is None:
            return
        match, text = submitted
        await self.answer_interaction(interaction, text, message_id=int(match["message"]))

    async def answer_interaction(
        self, interaction: discord.Interaction, text: str, *, message_id: int | None = None
    ) -> None:
        """Grade and record an answer from the form or /answer; reply privately with the feedback."""
        service = self.service
        lang = await self.interaction_language(interaction)
        if service is None or interaction.guild_id is None:
            await send_private(interaction, t("common.error.not_set_up", lang))
            return
        self.remember_name(interaction.user)
        work = service.answer(interaction.guild_id, interaction.user.id, text, message_id=message_id)
        await self._respond(interaction, lang, work)

    async def _respond(
        self, interaction: discord.Interaction, lang: str, work: Awaitable[AnswerOutcome]
    ) -> None:
        # Answer in one response when the work is quick (it almost always is), and acknowledge first with
        # "thinking…" when it is not, so a slow database never costs a member their answer's feedback.
        # Discord's 3 s run from the interaction's creation, not from when this handler got to run. A timer
        # rather than a second task: under load every extra task step delays the database's round trips.
        deferring: list[asyncio.Task[Any]] = []

        def defer() -> None:
            deferring.append(asyncio.ensure_future(interaction.response.defer(ephemeral=True, thinking=True)))

        waited = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        # With a queue of answers ahead (a whole class at once), this one will not be quick: say so at once.
        delay = 0.0 if self._answering >= BUSY_ANSWERS else max(0.0, DEFER_AFTER - waited)
        timer = asyncio.get_running_loop().call_later(delay, defer)
        self._answering += 1
        try:
            outcome: AnswerOutcome | DailyError = await work
        except DailyError as error:
            outcome = error
        finally:
            self._answering -= 1
            timer.cancel()
            for task in deferring:
                await task  # the acknowledgement must be done before the follow-up
        if isinstance(outcome, DailyError):
            content, embed = outcome.message(lang, safe), None
        else:
            content, embed = None, to_embed(outcome.render(lang, safe))
        if deferring:  # the "thinking…" message becomes the feedback
            await interaction.edit_original_response(content=content, embed=embed, allowed_mentions=NO_PINGS)
        else:
            await send_private(interaction, content, embed=embed)

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
            or self.service is None
        ):
            return
        resolved = reference.resolved
        me = self.bot.user
        if isinstance(resolved, discord.Message) and me is not None and resolved.author.id != me.id:
            return  # a reply to someone else: not an answer
        await self.grade_reply(message, reference.message_id)

    async def grade_reply(self, message: discord.Message, post_message_id: int) -> None:
        service = self.service
        guild = message.guild
        assert service is not None and guild is not None
        outcome: AnswerOutcome | None = None
        refusal: DailyError | None = None
        try:
            outcome = await service.answer(
                guild.id, message.author.id, message.content, message_id=post_message_id
            )
        except DailyError as error:
            if error.key == "daily.error.unknown_post":
                return  # a reply to another message of the bot
            refusal = error
        self.remember_name(message.author)
        lang = await self.lang_of(guild)
        settings = await service.settings(guild.id)
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
                    content=intro, embed=to_embed(outcome.render(lang, safe)), allowed_mentions=NO_PINGS
                )
            elif refusal is not None:
                await message.author.send(content=refusal.message(lang, safe), allowed_mentions=NO_PINGS)
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
        try:
            await self.tick()
        except Exception:
            # Keep the loop alive: the next pass retries from the stored state.
            log.exception("scheduler pass failed; the next pass tries again")

    @scheduler.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def tick(self) -> TickReport:
        """One scheduler pass: every due reveal, then every due post, decided from the stored state."""
        service = self.service
        report = TickReport()
        if service is None:
            return report
        async with self.lock:
            for job in await service.due_jobs():
                try:
                    if isinstance(job, RevealJob):
                        await self._reveal(job.post, early=job.early, report=report)
                    elif isinstance(job, PostJob):
                        await self._post(job.guild_id, job.slot, report=report)
                except Exception:
                    # One guild's problem must not hold up the others.
                    log.exception("scheduled job %r failed", job)
            self.ticks += 1
        return report

    def _text_channel(self, channel_id: int | None) -> discord.TextChannel | None:
        channel = self.bot.get_channel(channel_id) if channel_id is not None else None
        return channel if isinstance(channel, discord.TextChannel) else None

    async def _post(
        self, guild_id: int, slot: datetime | None, *, report: TickReport | None = None
    ) -> tuple[discord.Message | None, str | None]:
        """Post the guild's question for ``slot`` (None: a manual post). Returns (message, failure)."""
        service = self.service
        assert service is not None
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None, None  # not (yet) in this guild: the post stays due
        settings = await service.require_settings(guild_id)
        channel = self._text_channel(settings.channel_id)
        problem = channel_problem(channel, guild.me)
        prepared = None
        if problem is None:
            try:
                prepared = await service.prepare_post(guild_id, slot)
            except DailyError:
                problem = failure_code(text="empty_deck")
        if problem is None and prepared is None:
            return None, None  # already posted by another pass
        message = None
        if problem is None and prepared is not None and channel is not None:
            view = AnswerView(self, t("common.answer", prepared.lang))
            try:
                message = await channel.send(
                    embed=to_embed(prepared.render(safe)), view=view, allowed_mentions=NO_PINGS
                )
            except discord.HTTPException as exc:
                problem = failure_code(discord_code=exc.code, text=exc.text)
        if problem is not None or message is None or prepared is None or channel is None:
            problem = problem or "unknown"
            if slot is not None:  # a manual post's failure is told to the teacher at once instead
                await service.post_failed(guild_id, problem, due_since=slot)
            if report is not None:
                report.failed.append(guild_id)
            return None, problem
        post = await service.post_sent(prepared, channel.id, message.id)
        if report is not None:
            report.posted.append(post.id)
        log.info("guild %s: posted question %s (post %s)", guild_id, post.card_id, post.id)
        return message, None

    async def _reveal(
        self, post: Post, *, early: bool = False, report: TickReport | None = None
    ) -> tuple[discord.Message | None, str | None]:
        """Reveal a post: the answer key and the class's results, then the post loses its button."""
        service = self.service
        assert service is not None
        guild = self.bot.get_guild(post.guild_id)
        if guild is None:
            return None, None
        channel = self._text_channel(post.channel_id)
        if channel is None:
            # The post's channel is gone: there is nowhere to reveal it. Counting this as a failure would
            # hold up the guild's next posts (in another channel) for a reveal that can never happen.
            log.warning(
                "guild %s: the channel of post %s is gone; its reveal is skipped", post.guild_id, post.id
            )
            await service.reveal_sent(post.id)
            return None, failure_code(text="channel_missing")
        problem = channel_problem(channel, guild.me)
        if problem is not None:
            await service.post_failed(post.guild_id, problem, due_since=post.closes_at)
            if report is not None:
                report.failed.append(post.guild_id)
            return None, problem
        reveal = await service.prepare_reveal(post, early=early)
        names = await self.names_of(guild, reveal.top_member_ids)
        try:
            message = await channel.send(
                embed=to_embed(reveal.render(names, safe)), allowed_mentions=NO_PINGS
            )
        except discord.HTTPException as exc:
            problem = failure_code(discord_code=exc.code, text=exc.text)
            await service.post_failed(post.guild_id, problem, due_since=reveal.post.closes_at)
            if report is not None:
                report.failed.append(post.guild_id)
            return None, problem
        await service.reveal_sent(post.id)
        if report is not None:
            report.revealed.append(post.id)
        closed = reveal.closed_question(safe)
        if closed is not None and post.message_id is not None:
            try:
                await channel.get_partial_message(post.message_id).edit(embed=to_embed(closed), view=None)
            except discord.HTTPException as exc:
                log.info("could not close the daily post %s: %s", post.message_id, exc)
        return message, None

    # ------------------------------------------------------------------------------------------ manual

    async def post_now(self, guild_id: int) -> tuple[discord.Message, Post]:
        """/tutor post-now: reveal the open question, if any, then post the next one now.

        Raises DailyError with what the teacher should be told.
        """
        service = self.service
        if service is None:
            raise DailyError("common.error.not_set_up")
        async with self.lock:
            settings = await service.require_settings(guild_id)
            channel_mention = f"<#{settings.channel_id}>"
            previous = await service.open_post(guild_id)
            if previous is not None:
                await self._reveal(previous, early=previous.closes_at > service.now())
            message, problem = await self._post(guild_id, None)
            if problem is not None:
                raise DailyError(
                    "tutor.post_now.failed",
                    reason=lambda lang: explain_failure(problem, lang, channel=channel_mention),
                )
            if message is None:
                raise DailyError("tutor.post_now.already")
            post = await service.open_post(guild_id)
            assert post is not None
            return message, post

    async def reveal_now(self, guild_id: int) -> discord.Message:
        """/tutor reveal-now: close the open question and reveal it. Raises DailyError."""
        service = self.service
        if service is None:
            raise DailyError("common.error.not_set_up")
        async with self.lock:
            settings = await service.require_settings(guild_id)
            post = await service.open_post(guild_id)
            if post is None:
                raise DailyError("tutor.reveal_now.none")
            message, problem = await self._reveal(post, early=post.closes_at > service.now())
            if message is None:
                channel_mention = f"<#{post.channel_id or settings.channel_id}>"
                raise DailyError(
                    "tutor.reveal_now.failed",
                    reason=lambda lang: explain_failure(problem, lang, channel=channel_mention),
                )
            return message


async def setup(bot: Any) -> None:
    await bot.add_cog(Daily(bot))
