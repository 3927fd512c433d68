"""The one deck autocomplete (the guild's decks, then the bundled ones: the deck library decides), and the
card autocomplete (the cards of the deck chosen in the same command, else of the guild's active deck)."""

from __future__ import annotations

import discord
from discord import app_commands

from .access import language, services_of


async def deck_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    services = services_of(interaction.client)
    if services is None or interaction.guild_id is None:
        return []
    choices = await services.decks.choices(interaction.guild_id, current)
    return [app_commands.Choice(name=c.label, value=c.value) for c in choices]


async def card_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    services = services_of(interaction.client)
    if services is None or interaction.guild_id is None:
        return []
    deck = getattr(interaction.namespace, "deck", None)
    lang = await language(interaction)
    choices = await services.teacher.editing.card_choices(
        interaction.guild_id, deck if isinstance(deck, str) else None, current, lang
    )
    return [app_commands.Choice(name=c.label, value=c.value) for c in choices]
