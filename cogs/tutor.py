"""/tutor: set up and run the daily question, export the scores (teachers); /forget-me (everyone).

Thin: checks and sentences come from the core (``services.daily``), and posting and revealing go through
``services.posting``, which owns the scheduler's lock.

Who sees what. Discord hides ``/tutor`` from members without Manage Server (``default_member_permissions``
on the group: Discord applies it to top-level commands only). A server admin lets a teacher role see it in
Server Settings → Integrations; the bot's own check (``teacher_only``: Manage Server or the guild's teacher
role) still decides, whatever a client shows. ``/forget-me`` is for every member, so it is a top-level
command of its own. ``/tutor forget-me``, its name until now, stays one version as a notice pointing to
``/forget-me``: it lives in the hidden group (a subcommand cannot be shown when its group is hidden), so
only teachers and clients with a stale command list still reach it; members find ``/forget-me`` itself.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.daily import render
from bot.daily.results import PingRole, SetupRequest
from bot.daily.rules import (
    MAX_REMINDER_HOURS,
    REQUIRED_CHANNEL_PERMISSIONS,
    THREAD_PERMISSIONS,
    timezone_names,
)
from bot.errors import UserError
from bot.i18n import t, tn
from cogs.kit.access import cmd as describe
from cogs.kit.access import language as guild_language
from cogs.kit.access import require_services, services_of, teacher_only
from cogs.kit.autocomplete import card_choices
from cogs.kit.embeds import to_embed
from cogs.kit.markup import DISCORD
from cogs.kit.replies import send_private
from cogs.kit.views import LiveViews, confirm_then

log = logging.getLogger(__name__)

#: How long the forget-me confirmation waits for a click.
CONFIRM_SECONDS = 120.0
#: Who sees the teacher commands by default (Discord's default_member_permissions): Manage Server.
TEACHER_PERMISSIONS = discord.Permissions(manage_guild=True)


def refused_teacher_role(role: discord.Role | None) -> str | None:
    """Why ``role`` cannot be the teacher role: @everyone makes every member a teacher; a managed role (a
    bot's, an integration's) is given by nobody."""
    if role is None:
        return None
    if role.is_default():
        return "everyone"
    if role.managed:
        return "managed"
    return None


class Tutor(commands.Cog):
    tutor = app_commands.Group(
        name="tutor",
        description=describe("The daily question: set-up and teacher tools", "tutor.cmd"),
        guild_only=True,
        default_permissions=TEACHER_PERMISSIONS,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._views = LiveViews()

    async def cog_unload(self) -> None:
        self._views.stop_all()

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
        ping_role=describe(
            "A role mentioned on each question (the only role the bot ever pings)",
            "tutor.cmd.setup.ping_role",
        ),
        thread=describe(
            "Open a thread on each question; the answer key is posted there too", "tutor.cmd.setup.thread"
        ),
        reminder=describe(
            "Hours before the deadline for one reminder post (0: no reminder)", "tutor.cmd.setup.reminder"
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
        ping_role: discord.Role | None = None,
        thread: bool | None = None,
        reminder: app_commands.Range[int, 0, MAX_REMINDER_HOURS] | None = None,
    ) -> None:
        services = require_services(self.bot)
        guild = interaction.guild
        assert guild is not None  # the group is guild_only
        perms = channel.permissions_for(guild.me)
        role = None
        if ping_role is not None:
            role = PingRole(
                ping_role.id,
                is_everyone=ping_role.is_default(),
                managed=ping_role.managed,
                pingable=ping_role.mentionable or perms.mention_everyone,
            )
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
            teacher_role_refused=refused_teacher_role(teacher_role),
            private_answers=private_answers,
            missing_permissions=tuple(
                name for name in REQUIRED_CHANNEL_PERMISSIONS if not getattr(perms, name, False)
            ),
            guild_locale=str(interaction.guild_locale) if interaction.guild_locale else None,
            ping_role=role,
            thread=thread,
            reminder_hours=reminder,
            missing_thread_permissions=tuple(
                name for name in THREAD_PERMISSIONS if not getattr(perms, name, False)
            ),
        )
        try:
            result = await services.daily.setup(request)
        except UserError as error:
            lang = await services.language(guild.id, request.guild_locale)
            await send_private(interaction, error.message(language.value if language else lang, DISCORD))
            return
        summary = render.setup_summary(result, result.settings.language, DISCORD)
        await send_private(interaction, embed=to_embed(summary))

    @setup.autocomplete("deck")
    async def _deck_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        services = services_of(self.bot)
        if services is None or interaction.guild_id is None:
            return []
        choices = await services.decks.choices(interaction.guild_id, current)
        return [app_commands.Choice(name=c.value, value=c.value) for c in choices]

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
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # the group is guild_only
        lang = await guild_language(interaction)
        status = await services.daily.status(interaction.guild_id)
        await send_private(interaction, embed=to_embed(render.status(status, lang, DISCORD)))

    @tutor.command(name="pause", description=describe("Pause the daily question", "tutor.cmd.pause"))
    @teacher_only()
    async def pause(self, interaction: discord.Interaction) -> None:
        await self._set_paused(interaction, True)

    @tutor.command(name="resume", description=describe("Resume the daily question", "tutor.cmd.resume"))
    @teacher_only()
    async def resume(self, interaction: discord.Interaction) -> None:
        await self._set_paused(interaction, False)

    async def _set_paused(self, interaction: discord.Interaction, paused: bool) -> None:
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # the group is guild_only
        lang = await guild_language(interaction)
        await services.daily.set_paused(interaction.guild_id, paused)
        if paused:
            await send_private(interaction, t("tutor.pause.done", lang))
            return
        when = (await services.daily.status(interaction.guild_id)).next_post
        shown = render.when(DISCORD, when) if when else "—"
        await send_private(interaction, t("tutor.resume.done", lang, when=shown))

    @tutor.command(name="post-now", description=describe("Post the next question now", "tutor.cmd.post_now"))
    @teacher_only()
    async def post_now(self, interaction: discord.Interaction) -> None:
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # the group is guild_only
        lang = await guild_language(interaction)
        # Posting (and revealing the question it replaces) takes a few calls to Discord.
        await interaction.response.defer(ephemeral=True, thinking=True)
        posted = await services.posting.post_now(interaction.guild_id)  # a refusal is told privately
        text = t(
            "tutor.post_now.done",
            lang,
            channel=DISCORD.channel(posted.sent.channel_id),
            url=posted.sent.url,
            when=render.when(DISCORD, posted.post.closes_at),
        )
        await send_private(interaction, text)

    @tutor.command(name="next", description=describe("Choose the next daily question", "tutor.cmd.next"))
    @teacher_only()
    @app_commands.describe(
        card=describe("A card of the active deck (pick it from the list as you type)", "tutor.cmd.next.card")
    )
    @app_commands.autocomplete(card=card_choices)
    async def next_card(self, interaction: discord.Interaction, card: str) -> None:
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # the group is guild_only
        lang = await guild_language(interaction)
        await services.daily.require_settings(interaction.guild_id)
        ref = await services.teacher.editing.queue_next(interaction.guild_id, card)
        question = DISCORD.text(ref.card.question, 200)
        when = (await services.daily.status(interaction.guild_id)).next_post
        if when is None:
            text = t("tutor.next.done_paused", lang, number=ref.number, question=question)
        else:
            shown = render.when(DISCORD, when)
            text = t("tutor.next.done", lang, number=ref.number, question=question, when=shown)
        await send_private(interaction, text)

    @tutor.command(
        name="reveal-now",
        description=describe("Close the open question and reveal its answer key", "tutor.cmd.reveal_now"),
    )
    @teacher_only()
    async def reveal_now(self, interaction: discord.Interaction) -> None:
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # the group is guild_only
        lang = await guild_language(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        sent = await services.posting.reveal_now(interaction.guild_id)  # a refusal is told privately
        await send_private(interaction, t("tutor.reveal_now.done", lang, url=sent.url))

    # ------------------------------------------------------------------------------------------ data

    @tutor.command(
        name="export", description=describe("Download the server's scores (CSV)", "tutor.cmd.export")
    )
    @teacher_only()
    async def export(self, interaction: discord.Interaction) -> None:
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # the group is guild_only
        lang = await guild_language(interaction)
        text = await services.daily.export_csv(interaction.guild_id)
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
        services = services_of(self.bot)
        if services is not None:
            deleted = await services.daily.forget_guild(guild.id)
            services.names.forget_guild(guild.id)
            log.info("removed from guild %s: %d stored rows about it deleted", guild.id, deleted)

    @app_commands.command(
        name="forget-me",
        description=describe(
            "Erase everything the bot stores about you on this server", "tutor.cmd.forget_me"
        ),
    )
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction) -> None:
        services = require_services(self.bot)
        assert interaction.guild_id is not None  # guild_only
        lang = await guild_language(interaction)
        guild_id, member_id = interaction.guild_id, interaction.user.id

        async def erase() -> str:
            await services.daily.forget(guild_id, member_id)
            services.names.forget(guild_id, member_id)  # the name kept for the reveal and leaderboards
            return t("tutor.forget.done", lang)

        await confirm_then(
            interaction,
            t("tutor.forget.confirm", lang),
            lang=lang,
            confirm_label=t("tutor.forget.button", lang),
            action=erase,
            live=self._views,
        )

    @tutor.command(
        name="forget-me",
        description=describe("Moved: use /forget-me (for every member)", "tutor.cmd.forget_me_moved"),
    )
    async def forget_me_moved(self, interaction: discord.Interaction) -> None:
        # The old name, kept one version: a notice, not a second way to erase (see the module docstring).
        await send_private(interaction, t("tutor.forget.moved", await guild_language(interaction)))


async def setup(bot: Any) -> None:
    await bot.add_cog(Tutor(bot))
