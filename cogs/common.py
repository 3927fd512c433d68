"""Conventions every cog follows: the guild's language, teacher checks, private replies, safe user text.

- Every sentence comes from the catalogue: ``t(key, await language(interaction))``.
- Personal results are ephemeral; nothing the bot sends pings anyone (``AllowedMentions.none()``).
- User text shown back goes through :func:`safe` (markdown and mentions escaped, length bounded).
- Teacher-only commands use ``@teacher_only()``; a refusal is a private, translated message.
- Command descriptions are ``cmd("English text", "<feature>.cmd.<command>")`` (a ``locale_str``); the
  runner's translator gives Discord the French text from the feature's module in ``bot/messages/``.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

import discord
from discord import app_commands

from bot.i18n import language_from_locale, t

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


def cmd(text: str, key: str) -> app_commands.locale_str:
    """A command or option description, translated through the catalogue key ``key``."""
    return app_commands.locale_str(text, key=key)


def safe(text: str, limit: int = 1000) -> str:
    """User text made harmless to show: markdown and mentions escaped, bounded in length."""
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def guild_settings(interaction: discord.Interaction) -> Any:
    """The stored settings of the interaction's guild, or None (not set up, or a DM)."""
    store = getattr(interaction.client, "store", None)
    if store is None or interaction.guild_id is None:
        return None
    return await store.get_guild(interaction.guild_id)


async def language(interaction: discord.Interaction) -> str:
    """The guild's chosen language; before set-up, the guild's preferred locale; in DMs, the user's."""
    settings = await guild_settings(interaction)
    if settings is not None and settings.language:
        return str(settings.language)
    locale = interaction.guild_locale if interaction.guild_id else interaction.locale
    return language_from_locale(str(locale) if locale else None)


class NotTeacher(app_commands.CheckFailure):
    """The member lacks Manage Server and the guild's teacher role."""


async def is_teacher(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    settings = await guild_settings(interaction)
    role_id = getattr(settings, "teacher_role_id", None)
    return role_id is not None and any(role.id == role_id for role in member.roles)


def teacher_only() -> Any:
    """An app-command check: Manage Server or the configured teacher role, else a private refusal."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not await is_teacher(interaction):
            raise NotTeacher()
        return True

    return app_commands.check(predicate)


async def send_private(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """An ephemeral reply (or follow-up when already acknowledged) that pings no one."""
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_PINGS}
    if content is not None:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    if embeds is not None:
        kwargs["embeds"] = embeds
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def submitted_text(components: list[dict[str, Any]], custom_id: str) -> str:
    """The value of text input ``custom_id`` in a modal submission (rows or labels, at any depth).

    Modals are handled from the raw interaction (by custom id) so a form opened before a restart still
    works; this reads its value the way Discord sends it.
    """
    for component in components:
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component.get("value") or "")
        children = list(component.get("components") or ())
        if isinstance(component.get("component"), dict):
            children.append(component["component"])
        found = submitted_text(children, custom_id)
        if found:
            return found
    return ""


def modal_submission(
    interaction: discord.Interaction, custom_id: re.Pattern[str], input_id: str
) -> tuple[re.Match[str], str] | None:
    """For a submitted form whose custom id matches ``custom_id``: the match and the text typed in
    ``input_id``; None for any other interaction. Forms are recognised this way, not by a stored Modal, so
    one opened before a restart is still answered."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
    match = custom_id.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    return match, submitted_text(list(data.get("components") or ()), input_id)


async def deck_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete: the guild's decks, then the bundled ones, whose name or title contains what was typed."""
    store = getattr(interaction.client, "store", None)
    if store is None or interaction.guild_id is None:
        return []
    typed = current.casefold().strip()
    seen: set[str] = set()
    choices = []
    for info in await store.list_decks(interaction.guild_id):
        # A guild deck shadows a bundled one of the same name (find_deck picks the guild's).
        if info.name in seen or (typed not in info.name.casefold() and typed not in info.title.casefold()):
            continue
        seen.add(info.name)
        label = f"{info.name} — {info.title}" if info.title and info.title != info.name else info.name
        choices.append(app_commands.Choice(name=label[:100], value=info.name[:100]))
        if len(choices) == 25:
            break
    return choices


async def report_error(interaction: discord.Interaction, error: BaseException, lang: str) -> None:
    """Log an unexpected failure with a short reference and give the member that reference, privately."""
    ref = secrets.token_hex(3)
    if interaction.command is not None:
        log.error("command %s failed (ref %s)", interaction.command.qualified_name, ref, exc_info=error)
    else:
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = data.get("custom_id", "?")
        log.error("button %s failed (ref %s)", custom_id, ref, exc_info=error)
    try:
        await send_private(interaction, t("common.error.internal_ref", lang, ref=ref))
    except discord.HTTPException:
        log.warning("could not tell the member about a failure (ref %s)", ref)


async def on_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    """The tree's error handler: a translated private message; unexpected errors logged with a reference."""
    lang = await language(interaction)
    if isinstance(error, NotTeacher):
        message = t("common.error.not_allowed", lang)
    elif isinstance(error, app_commands.NoPrivateMessage):
        message = t("common.error.guild_only", lang)
    else:
        await report_error(interaction, getattr(error, "original", error), lang)
        return
    try:
        await send_private(interaction, message)
    except discord.HTTPException:
        log.warning("could not tell the member about a failed command")
