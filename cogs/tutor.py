"""/tutor: set up and run the daily question (teachers), export the scores, and forget-me (everyone).

Thin: checks and sentences come from :class:`bot.daily.DailyService`; posting and revealing go through the
daily cog (``cogs.daily``), which owns the scheduler's lock. Teacher commands need Manage Server or the
guild's teacher role (``teacher_only``); there are no default member permissions on the group, so members
with only the teacher role still see the commands (and ``/tutor forget-me`` is for everyone).
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.daily import REQUIRED_CHANNEL_PERMISSIONS, DailyError, DailyService, SetupRequest, timezone_names
from bot.i18n import t, tn
from bot.scheduling import discord_timestamp
from cogs.common import cmd as describe
from cogs.common import language as guild_language
from cogs.common import safe, send_private, teacher_only
from cogs.daily import Daily, to_embed

if TYPE_CHECKING:
    from bot.runner import TutorBot

log = logging.getLogger(__name__)

#: How long the forget-me confirmation waits for a click.
CONFIRM_SECONDS = 120.0


class ForgetView(discord.ui.View):
    """Erase my data / Cancel, on an ephemeral message only its member sees."""

    def __init__(self, daily: Daily, service: DailyService, guild_id: int, member_id: int, lang: str) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.daily, self.service = daily, service
        self.guild_id, self.member_id, self.lang = guild_id, member_id, lang
        erase: discord.ui.Button[ForgetView] = discord.ui.Button(
            label=t("tutor.forget.button", lang), style=discord.ButtonStyle.danger
        )
        cancel: discord.ui.Button[ForgetView] = discord.ui.Button(
            label=t("common.cancel", lang), style=discord.ButtonStyle.secondary
        )
        erase.callback = self.erase  # type: ignore[method-assign]
        cancel.callback = self.cancel  # type: ignore[method-assign]
        self.add_item(erase)
        self.add_item(cancel)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.member_id

    async def erase(self, interaction: discord.Interaction) -> None:
        await self.service.forget(self.guild_id, self.member_id)
        self.daily.forget_name(self.member_id)  # the name kept for the reveal's top scorers
        self.stop()
        await interaction.response.edit_message(content=t("tutor.forget.done", self.lang), view=None)

    async def cancel(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content=t("common.cancelled", self.lang), view=None)


class Tutor(commands.Cog):
    tutor = app_commands.Group(
        name="tutor",
        description=describe("The daily question: set-up and teacher tools", "tutor.cmd"),
        guild_only=True,
    )

    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @property
    def daily(self) -> Daily:
        # Looked up by name, not isinstance: discord.py executes an extension's module afresh at each load.
        cog = self.bot.get_cog("Daily")
        if cog is None:
            raise RuntimeError("cogs.tutor needs cogs.daily loaded (it posts and reveals)")
        return cog  # type: ignore[return-value]

    async def _service(self, interaction: discord.Interaction) -> DailyService | None:
        service = self.bot.daily
        if service is None:
            await send_private(interaction, t("common.error.not_set_up", await guild_language(interaction)))
        return service

    # ------------------------------------------------------------------------------------------ setup

    @tutor.command(
        name="setup",
        description=describe(
            "Set up the daily question: channel, time, time zone and deck", "tutor.cmd.setup"
        ),
    )
    @app_commands.describe(
        channel=describe("The channel where the question is posted", "tutor.cmd.setup.channel"),
        time=describe("Posting time, 24-hour clock, e.g. 08:00", "tutor.cmd.setup.time"),
        timezone=describe("Time zone (IANA name), e.g. America/Montreal", "tutor.cmd.setup.timezone"),
        deck=describe("The deck the questions come from", "tutor.cmd.setup.deck"),
        days=describe(
            "Posting days, e.g. mon-fri or mon,wed,fri (default: every day)", "tutor.cmd.setup.days"
        ),
        window=describe(
            "Hours members have to answer (1 to 168; default 24, never past the next question)",
            "tutor.cmd.setup.window",
        ),
        language=describe("Language of the bot's messages", "tutor.cmd.setup.language"),
        teacher_role=describe("A role that may use the teacher commands", "tutor.cmd.setup.teacher_role"),
        private_answers=describe(
            "Delete replies to the post so classmates can't copy them (needs Manage Messages)",
            "tutor.cmd.setup.private_answers",
        ),
    )
    @app_commands.choices(
        language=[
            app_commands.Choice(name="Français", value="fr"),
            app_commands.Choice(name="English", value="en"),
        ]
    )
    @teacher_only()
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 40],
        timezone: app_commands.Range[str, 1, 80],
        deck: app_commands.Range[str, 1, 100],
        days: app_commands.Range[str, 1, 100] | None = None,
        window: app_commands.Range[int, 1, 168] | None = None,
        language: app_commands.Choice[str] | None = None,
        teacher_role: discord.Role | None = None,
        private_answers: bool | None = None,
    ) -> None:
        service = await self._service(interaction)
        guild = interaction.guild
        if service is None or guild is None:
            return
        perms = channel.permissions_for(guild.me)
        request = SetupRequest(
            guild_id=guild.id,
            channel_id=channel.id,
            time=time,
            timezone=timezone,
            deck=deck,
            days=days,
            window_hours=window,
            language=language.value if language is not None else None,
            teacher_role_id=teacher_role.id if teacher_role is not None else None,
            private_answers=private_answers,
            missing_permissions=tuple(
                name for name in REQUIRED_CHANNEL_PERMISSIONS if not getattr(perms, name, False)
            ),
            guild_locale=str(interaction.guild_locale) if interaction.guild_locale else None,
        )
        try:
            result = await service.setup(request)
        except DailyError as error:
            lang = await service.language(guild.id, request.guild_locale)
            await send_private(interaction, error.message(language.value if language else lang, safe))
            return
        await send_private(interaction, embed=to_embed(result.render(result.settings.language, safe)))

    @setup.autocomplete("deck")
    async def _deck_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        service = self.bot.daily
        if service is None or interaction.guild_id is None:
            return []
        names = await service.deck_names(interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=name) for name in names]

    @setup.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in timezone_names(current)]

    # ------------------------------------------------------------------------------------------ running

    @tutor.command(
        name="status", description=describe("Show the daily question's set-up and state", "tutor.cmd.status")
    )
    @teacher_only()
    async def status(self, interaction: discord.Interaction) -> None:
        service = await self._service(interaction)
        if service is None or interaction.guild_id is None:
            return
        lang = await guild_language(interaction)
        try:
            status = await service.status(interaction.guild_id)
        except DailyError as error:
            await send_private(interaction, error.message(lang, safe))
            return
        await send_private(interaction, embed=to_embed(status.render(lang, safe)))

    @tutor.command(name="pause", description=describe("Pause the daily question", "tutor.cmd.pause"))
    @teacher_only()
    async def pause(self, interaction: discord.Interaction) -> None:
        await self._set_paused(interaction, True)

    @tutor.command(name="resume", description=describe("Resume the daily question", "tutor.cmd.resume"))
    @teacher_only()
    async def resume(self, interaction: discord.Interaction) -> None:
        await self._set_paused(interaction, False)

    async def _set_paused(self, interaction: discord.Interaction, paused: bool) -> None:
        service = await self._service(interaction)
        if service is None or interaction.guild_id is None:
            return
        lang = await guild_language(interaction)
        try:
            await service.set_paused(interaction.guild_id, paused)
            status = await service.status(interaction.guild_id)
        except DailyError as error:
            await send_private(interaction, error.message(lang, safe))
            return
        if paused:
            await send_private(interaction, t("tutor.pause.done", lang))
            return
        when = status.next_post
        shown = f"{discord_timestamp(when, 'F')} ({discord_timestamp(when, 'R')})" if when else "—"
        await send_private(interaction, t("tutor.resume.done", lang, when=shown))

    @tutor.command(name="post-now", description=describe("Post the next question now", "tutor.cmd.post_now"))
    @teacher_only()
    async def post_now(self, interaction: discord.Interaction) -> None:
        service = await self._service(interaction)
        if service is None or interaction.guild_id is None:
            return
        lang = await guild_language(interaction)
        # Posting (and revealing the question it replaces) takes a few calls to Discord.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            message, post = await self.daily.post_now(interaction.guild_id)
        except DailyError as error:
            await send_private(interaction, error.message(lang, safe))
            return
        await send_private(
            interaction,
            t(
                "tutor.post_now.done",
                lang,
                channel=message.channel.mention if hasattr(message.channel, "mention") else "",
                url=message.jump_url,
                when=f"{discord_timestamp(post.closes_at, 'F')} ({discord_timestamp(post.closes_at, 'R')})",
            ),
        )

    @tutor.command(
        name="reveal-now",
        description=describe("Close the open question and reveal its answer key", "tutor.cmd.reveal_now"),
    )
    @teacher_only()
    async def reveal_now(self, interaction: discord.Interaction) -> None:
        service = await self._service(interaction)
        if service is None or interaction.guild_id is None:
            return
        lang = await guild_language(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            message = await self.daily.reveal_now(interaction.guild_id)
        except DailyError as error:
            await send_private(interaction, error.message(lang, safe))
            return
        await send_private(interaction, t("tutor.reveal_now.done", lang, url=message.jump_url))

    # ------------------------------------------------------------------------------------------ data

    @tutor.command(
        name="export", description=describe("Download the server's scores (CSV)", "tutor.cmd.export")
    )
    @teacher_only()
    async def export(self, interaction: discord.Interaction) -> None:
        service = await self._service(interaction)
        if service is None or interaction.guild_id is None:
            return
        lang = await guild_language(interaction)
        text = await service.export_csv(interaction.guild_id)
        members = max(0, len(text.splitlines()) - 1)  # the header line
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename=f"scores-{interaction.guild_id}.csv")
        await send_private(
            interaction,
            t("tutor.export.done", lang, members=tn("tutor.export.members", members, lang)),
            file=file,
        )

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Removed from a server (kicked, or the server deleted): keep nothing about its members.
        service = self.bot.daily
        if service is not None:
            deleted = await service.forget_guild(guild.id)
            log.info("removed from guild %s: %d stored rows about it deleted", guild.id, deleted)

    @tutor.command(
        name="forget-me",
        description=describe(
            "Erase everything the bot stores about you on this server", "tutor.cmd.forget_me"
        ),
    )
    async def forget_me(self, interaction: discord.Interaction) -> None:
        service = await self._service(interaction)
        if service is None or interaction.guild_id is None:
            return
        lang = await guild_language(interaction)
        view = ForgetView(self.daily, service, interaction.guild_id, interaction.user.id, lang)
        await send_private(interaction, t("tutor.forget.confirm", lang), view=view)


async def setup(bot: Any) -> None:
    await bot.add_cog(Tutor(bot))
