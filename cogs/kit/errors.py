"""The one error reporter: a user error becomes a private message in the member's language; an outage (the
database cannot record) says nothing was recorded and to try again; anything unexpected is logged with a
short reference the member is given (never a silent "interaction failed")."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any

import discord
from discord import app_commands

from bot.errors import Outage, UserError
from bot.i18n import t

from .access import NotTeacher, language
from .markup import DISCORD, safe
from .replies import send_private

log = logging.getLogger(__name__)


async def report_error(interaction: discord.Interaction, error: BaseException, lang: str) -> None:
    """Log an unexpected failure with a short reference and give the member that reference, privately."""
    ref = secrets.token_hex(3)
    if interaction.command is not None:
        what = f"command {interaction.command.qualified_name}"
    else:
        data: dict[str, Any] = dict(interaction.data or {})
        kind = "form" if interaction.type is discord.InteractionType.modal_submit else "button"
        what = f"{kind} {data.get('custom_id', '?')}"
    log.error("%s failed (ref %s)", what, ref, exc_info=error)
    try:
        await send_private(interaction, t("common.error.internal_ref", lang, ref=ref))
    except discord.HTTPException:
        log.warning("could not tell the member about a failure (ref %s)", ref)


async def tell(interaction: discord.Interaction, error: UserError, lang: str) -> None:
    """A user error, privately: as the response, or as the deferred response's text."""
    await send_private(interaction, error.message(lang, DISCORD))


@contextlib.asynccontextmanager
async def guarded(interaction: discord.Interaction, lang: str | None = None) -> AsyncIterator[str]:
    """Run a handler: yields the member's language; a UserError is told privately, anything else reported."""
    shown = lang or await language(interaction)
    try:
        yield shown
    except UserError as error:
        await tell(interaction, error, shown)
    except Outage:
        await send_private(interaction, t("common.error.unavailable", shown))  # logged once by the store
    except Exception as error:
        await report_error(interaction, error, shown)


async def on_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    """The tree's error handler: a translated private message; unexpected errors logged with a reference."""
    lang = await language(interaction)
    original = getattr(error, "original", error)
    if isinstance(error, NotTeacher):
        message = t("common.error.not_allowed", lang)
    elif isinstance(error, app_commands.NoPrivateMessage):
        message = t("common.error.guild_only", lang)
    elif isinstance(error, app_commands.TransformerError):
        # A value the Discord client would not send (a forged or outdated client): named, not "went wrong".
        message = t("common.error.bad_value", lang, value=safe(str(error.value), 100))
    elif isinstance(original, UserError):
        message = original.message(lang, DISCORD)
    elif isinstance(original, Outage):
        message = t("common.error.unavailable", lang)  # not a bug: the store logged it once
    else:
        await report_error(interaction, original, lang)
        return
    try:
        await send_private(interaction, message)
    except discord.HTTPException:
        log.warning("could not tell the member about a failed command")
