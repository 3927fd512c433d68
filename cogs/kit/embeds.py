"""A :class:`bot.content.Content` laid out as a Discord embed, its colour chosen by its kind, and its
picture as an attachment."""

from __future__ import annotations

import io

import discord

from bot.content import Content

COLOURS = {
    "question": 0x2563EB,
    "closed": 0x94A3B8,
    "feedback": 0x16A34A,
    "good": 0x16A34A,
    "partial": 0xCA8A04,
    "poor": 0xDC2626,
    "reveal": 0x9333EA,
    "info": 0x475569,
    "error": 0xDC2626,
    "quiz": 0xEA580C,
    "leaderboard": 0xD4A017,
    "teacher": 0x5865F2,
}


def to_embed(content: Content) -> discord.Embed:
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
    if content.image is not None:
        embed.set_image(url=f"attachment://{content.image.filename}")
    return embed


def files_of(content: Content) -> list[discord.File]:
    """The attachments the embed refers to (its chart)."""
    if content.image is None:
        return []
    return [discord.File(io.BytesIO(content.image.png), filename=content.image.filename)]
