"""Private replies: ephemeral, pinging no one, as a first response or a follow-up, text or Content."""

from __future__ import annotations

from typing import Any

import discord

from bot.content import Content

from .embeds import files_of, to_embed
from .lanes import first_response, later_response

NO_PINGS = discord.AllowedMentions.none()
# Marks an interaction whose "thinking…" acknowledgement was already turned into the answer.
_ANSWERED = "kit.answered"


async def send_private(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    files: list[discord.File] | None = None,
) -> None:
    """An ephemeral reply that pings no one: the response, or what a "thinking…" acknowledgement becomes,
    or else a follow-up."""
    response = interaction.response
    if (
        response.type is discord.InteractionResponseType.deferred_channel_message
        and not interaction.extras.get(_ANSWERED)
    ):
        interaction.extras[_ANSWERED] = True
        async with later_response(interaction):
            await interaction.edit_original_response(
                content=content,
                embeds=embeds if embeds is not None else [embed] if embed is not None else [],
                attachments=files if files else [file] if file is not None else [],
                view=view,
                allowed_mentions=NO_PINGS,
            )
        return
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
    if files:
        kwargs["files"] = files
    if interaction.response.is_done():
        async with later_response(interaction):
            await interaction.followup.send(**kwargs)
    else:
        async with first_response(interaction):
            await interaction.response.send_message(**kwargs)


async def send_content(
    interaction: discord.Interaction, content: Content, *, view: discord.ui.View | None = None
) -> None:
    """``content`` as a private embed, with its chart attached."""
    await send_private(interaction, embed=to_embed(content), view=view, files=files_of(content))


async def edit_original(
    interaction: discord.Interaction,
    content: Content | str,
    *,
    view: discord.ui.View | None = None,
) -> None:
    """Turn the deferred ("thinking…") response into ``content``."""
    async with later_response(interaction):
        if isinstance(content, str):
            await interaction.edit_original_response(
                content=content, embed=None, view=view, allowed_mentions=NO_PINGS
            )
            return
        await interaction.edit_original_response(
            content=None,
            embed=to_embed(content),
            attachments=files_of(content),
            view=view,
            allowed_mentions=NO_PINGS,
        )
