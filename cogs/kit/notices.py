"""Notices owed to a member, given privately the next time they use the bot: their answers re-graded upwards
by an alias a teacher accepted ("your answer to … was re-graded: 50 % → 75 %"). Never a ping, told once."""

from __future__ import annotations

import logging

import discord

from bot.teacher import render

from .access import services_of
from .lanes import later_response
from .markup import DISCORD
from .replies import NO_PINGS, send_private

log = logging.getLogger(__name__)


async def regrade_text(client: discord.Client, guild_id: int, member_id: int, lang: str) -> str | None:
    """The member's re-grade notices as one private message, taken (told once); None when there are none."""
    services = services_of(client)
    if services is None:
        return None
    notices = await services.teacher.aliases.take_notices(guild_id, member_id)
    return render.regrade_notices(notices, lang, DISCORD) if notices else None


async def tell_regrades(interaction: discord.Interaction, lang: str) -> None:
    """After the bot answered ``interaction``: a private follow-up with the member's re-grade notices, if any.

    The notices are taken (removed) as they are read, so two interactions at once tell them once; one that
    cannot be delivered is lost rather than told twice."""
    if interaction.guild_id is None:
        return
    text = await regrade_text(interaction.client, interaction.guild_id, interaction.user.id, lang)
    if text is None:
        return
    try:
        if interaction.response.is_done():  # a message of its own, never in place of the answer
            async with later_response(interaction):
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await send_private(interaction, text)
    except discord.HTTPException as exc:
        log.info("could not tell member %s about their re-graded answers: %s", interaction.user.id, exc)
