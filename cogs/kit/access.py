"""Who is asking and in what language: the services, the guild's language, the teacher check, and command
descriptions translated through the catalogue.

- Every sentence comes from the catalogue: ``t(key, await language(interaction))``.
- Teacher-only commands use ``@teacher_only()`` (Manage Server, or the guild's teacher role); a refusal is a
  private, translated message (see :mod:`cogs.kit.errors`).
- Command descriptions are ``cmd("English text", "<feature>.cmd.<command>")`` (a ``locale_str``); the
  runner's translator gives Discord the French text.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import language_from_locale
from bot.services import Services


def cmd(text: str, key: str) -> app_commands.locale_str:
    """A command or option description, translated through the catalogue key ``key``."""
    return app_commands.locale_str(text, key=key)


def services_of(client: discord.Client) -> Services | None:
    """The core's services the runner built on the store (None before, or without a database)."""
    services = getattr(client, "services", None)
    return services if isinstance(services, Services) else None


T = TypeVar("T")


class PerBot(Generic[T]):
    """One ``T`` for each bot, made at its first use (``of(client)``) and gone with the bot: what the kit
    keeps for a bot's whole life (its lanes, its form routes) without an attribute on discord's class."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._kept: weakref.WeakKeyDictionary[discord.Client, T] = weakref.WeakKeyDictionary()

    def of(self, client: discord.Client) -> T:
        kept = self._kept.get(client)
        if kept is None:
            kept = self._kept[client] = self._make()
        return kept


def require_services(client: discord.Client) -> Services:
    """The services, or a private "not set up" for the member (a bot running without a database)."""
    services = services_of(client)
    if services is None:
        raise UserError("common.error.not_set_up")
    return services


def locale_of(interaction: discord.Interaction) -> str | None:
    locale = interaction.guild_locale if interaction.guild_id else interaction.locale
    return str(locale) if locale else None


async def language(interaction: discord.Interaction) -> str:
    """The guild's chosen language; before set-up, the guild's preferred locale; in DMs, the user's."""
    services = services_of(interaction.client)
    if services is None:
        return language_from_locale(locale_of(interaction))
    return await services.language(interaction.guild_id, locale_of(interaction))


class NotTeacher(app_commands.CheckFailure):
    """The member lacks Manage Server and the guild's teacher role."""


async def is_teacher(interaction: discord.Interaction) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    services = services_of(interaction.client)
    if services is None or interaction.guild_id is None:
        return False
    settings = await services.guild_settings(interaction.guild_id)
    role_id = settings.teacher_role_id if settings is not None else None
    if role_id is None or role_id == interaction.guild_id:  # @everyone (set before it was refused): nobody
        return False
    return any(role.id == role_id for role in member.roles)


def teacher_only() -> Any:
    """An app-command check: Manage Server or the configured teacher role, else a private refusal."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not await is_teacher(interaction):
            raise NotTeacher()
        return True

    return app_commands.check(predicate)
