"""Discord's rules the fake's model depends on: permission bits, intents, who may do what, who gets pinged.

Permissions are computed as Discord does (base permissions from roles, then channel overwrites); a message
pings only what its content mentions, filtered by ``allowed_mentions`` and the author's rights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from .model import Channel, Guild, Member

# Permission bits, from discord.py so they can never drift from the library under test.
P = discord.Permissions
ALL_PERMISSIONS = P.all().value
ADMINISTRATOR = P(administrator=True).value
VIEW_CHANNEL = P(view_channel=True).value
SEND_MESSAGES = P(send_messages=True).value
READ_MESSAGE_HISTORY = P(read_message_history=True).value
MANAGE_MESSAGES = P(manage_messages=True).value
ADD_REACTIONS = P(add_reactions=True).value
ATTACH_FILES = P(attach_files=True).value
EMBED_LINKS = P(embed_links=True).value
MENTION_EVERYONE = P(mention_everyone=True).value
SEND_TTS = P(send_tts_messages=True).value
CREATE_PUBLIC_THREADS = P(create_public_threads=True).value
SEND_MESSAGES_IN_THREADS = P(send_messages_in_threads=True).value

#: What ``@everyone`` may do in a freshly created server.
DEFAULT_EVERYONE_PERMISSIONS = P(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    read_message_history=True,
    use_application_commands=True,
    create_instant_invite=True,
    change_nickname=True,
    connect=True,
    speak=True,
).value

#: What the bot's own (managed) role is granted by default, as an invite link would ask for.
DEFAULT_BOT_PERMISSIONS = P(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    read_message_history=True,
).value

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Gateway intents
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13
INTENT_MESSAGE_CONTENT = 1 << 15
INTENT_GUILD_PRESENCES = 1 << 8
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT


def perm_value(value: int | discord.Permissions | None, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, discord.Permissions):
        return value.value
    return int(value)


def base_permissions(guild: Guild, member: Member) -> int:
    """Discord's guild-level permissions of a member (owner and administrator get everything)."""
    if member.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.everyone.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel | None) -> int:
    """Discord's permissions of a member in a channel: base, then @everyone, role and member overwrites."""
    perms = base_permissions(guild, member)
    if channel is None or perms == ALL_PERMISSIONS:
        return perms
    overwrites = {(int(o["type"]), int(o["id"])): o for o in channel.overwrites}
    everyone = overwrites.get((0, guild.id))
    if everyone:
        perms = (perms & ~int(everyone["deny"])) | int(everyone["allow"])
    allow = deny = 0
    for role_id in member.roles:
        o = overwrites.get((0, role_id))
        if o:
            allow |= int(o["allow"])
            deny |= int(o["deny"])
    perms = (perms & ~deny) | allow
    own = overwrites.get((1, member.id))
    if own:
        perms = (perms & ~int(own["deny"])) | int(own["allow"])
    if not perms & VIEW_CHANNEL:
        return 0
    if not perms & SEND_MESSAGES:
        perms &= ~(SEND_TTS | MENTION_EVERYONE | EMBED_LINKS | ATTACH_FILES)
    return perms


@dataclass(frozen=True)
class Pings:
    """Who a message really notifies: users, roles, and whether @everyone/@here went off."""

    users: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()
    everyone: bool = False

    @property
    def any(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)\b")


def compute_pings(
    content: str,
    allowed_mentions: dict[str, Any] | None,
    *,
    guild: Guild | None,
    author_permissions: int,
    replied_author: int | None,
) -> Pings:
    """Discord's rule: content mentions, filtered by ``allowed_mentions`` (absent: parse everything)."""
    if allowed_mentions is None:
        parse = {"users", "roles", "everyone"}
        allowed_users: set[int] = set()
        allowed_roles: set[int] = set()
        replied_user = True
    else:
        parse = set(allowed_mentions.get("parse") or ())
        allowed_users = {int(u) for u in allowed_mentions.get("users") or ()}
        allowed_roles = {int(r) for r in allowed_mentions.get("roles") or ()}
        replied_user = bool(allowed_mentions.get("replied_user", False))
    users = {int(u) for u in USER_MENTION.findall(content)}
    users = {u for u in users if "users" in parse or u in allowed_users}
    roles: set[int] = set()
    if guild is not None:
        for rid in (int(r) for r in ROLE_MENTION.findall(content)):
            role = guild.roles.get(rid)
            if role is None or not ("roles" in parse or rid in allowed_roles):
                continue
            if role.mentionable or author_permissions & MENTION_EVERYONE:
                roles.add(rid)
    everyone = bool(
        EVERYONE_MENTION.search(content) and "everyone" in parse and author_permissions & MENTION_EVERYONE
    )
    if replied_author is not None and replied_user:
        users.add(replied_author)
    return Pings(frozenset(users), frozenset(roles), everyone)
