"""Members' display names for what the class sees (the reveal, leaderboards, /rank): remembered from every
interaction, kept by the core (``services.names``), and asked of Discord for the few never seen.

The bot has no member list (no privileged intent): ``display_names`` asks Discord for the members it does
not know, one call each, at most ``FETCH_LIMIT`` per message. A member who left the server stays unnamed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from bot.services import Services

log = logging.getLogger(__name__)

#: Members asked of Discord for one message at most (a leaderboard page shows ten, the reveal three).
FETCH_LIMIT = 12


def remember(services: Services | None, guild_id: int | None, user: discord.abc.User | None) -> None:
    """The display name of whoever sent an interaction or a message in a guild."""
    if services is not None and guild_id is not None and user is not None and not user.bot:
        services.names.remember(guild_id, user.id, user.display_name)


async def display_names(
    client: discord.Client, services: Services, guild_id: int, member_ids: Iterable[int]
) -> dict[int, str]:
    """Display names of these members: remembered or stored, else asked of Discord (and then remembered)."""
    wanted = list(dict.fromkeys(member_ids))
    names = await services.names.names(guild_id, wanted)
    guild = client.get_guild(guild_id)
    if guild is None:
        return names
    for member_id in [m for m in wanted if m not in names][:FETCH_LIMIT]:
        member = guild.get_member(member_id)
        if member is None:
            try:
                member = await guild.fetch_member(member_id)
            except discord.HTTPException as exc:  # left the server (10007), or Discord unreachable
                log.debug("no display name for member %s of guild %s: %s", member_id, guild_id, exc)
                continue
        names[member_id] = member.display_name
        services.names.remember(guild_id, member_id, member.display_name)
    return names
