"""The fake's world: users, guilds, channels, roles, members and messages, and the builder tests use.

``add_guild``, ``add_member``, ``add_role``... change the world and, when a bot is connected, tell it as
Discord would (GUILD_MEMBER_ADD, GUILD_ROLE_UPDATE, CHANNEL_UPDATE...). The lookups (``guild``, ``channel``,
``user``, ``message``) take a model object, a discord.py object or an id.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from typing import Any

import discord

from .model import (
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Modal,
    Role,
    Snowflakes,
    User,
    snowflake_of,
)
from .rules import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILDS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    channel_permissions,
    perm_value,
)


class World:
    """The model the REST API and the gateway serve; changes made by a test reach a connected bot."""

    def _init_world(self, bot_name: str) -> None:
        self.ids = Snowflakes()
        self.bot_user = User(self.ids.next(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.app_owner = User(self.ids.next(), "app-owner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.app_owner)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.attachments: dict[int, Attachment] = {}
        #: Registered application commands (what the bulk PUTs stored), by name.
        self.global_commands: dict[str, dict[str, Any]] = {}
        self.guild_commands: dict[int, dict[str, dict[str, Any]]] = {}
        #: Server Settings → Integrations: (guild id, command name) → the role and member ids an admin
        #: allowed to use a command hidden by its default_member_permissions.
        self.command_overrides: dict[tuple[int, str], set[int]] = {}

    def add_user(
        self, username: str, *, bot: bool = False, locale: str = "en-US", dms_open: bool = True
    ) -> User:
        user = User(
            self.ids.next(), username, bot=bot, global_name=username.title(), locale=locale, dms_open=dms_open
        )
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        channels: Iterable[str] = ("general",),
        owner: User | str | None = None,
        everyone_permissions: int | discord.Permissions | None = None,
        bot_permissions: int | discord.Permissions | None = None,
        locale: str = "en-US",
        on_shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild the bot is in: @everyone, the bot's managed role, the owner and the bot as members.

        ``on_shard=(shard_id, shard_count)`` picks an id that Discord's formula puts on that shard.
        """
        if isinstance(owner, str) or owner is None:
            owner = self.add_user(owner or f"{name.lower().replace(' ', '-')}-owner")
        gid = self.ids.next() if on_shard is None else self.ids.next_on_shard(*on_shard)
        guild = Guild(gid, name, owner.id, preferred_locale=locale)
        guild.roles[gid] = Role(
            gid, gid, "@everyone", perm_value(everyone_permissions, DEFAULT_EVERYONE_PERMISSIONS)
        )
        bot_role = Role(
            self.ids.next(),
            gid,
            self.bot_user.username,
            perm_value(bot_permissions, DEFAULT_BOT_PERMISSIONS),
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner.id] = Member(gid, owner)
        guild.members[self.bot_user.id] = Member(gid, self.bot_user, roles=[bot_role.id])
        self.guilds[gid] = guild
        for channel_name in channels:
            self.add_channel(guild, channel_name)
        return guild

    def add_channel(
        self, guild: Guild | int, name: str, *, type: int = 0, bot_can_send: bool = True
    ) -> Channel:
        """A text channel; ``bot_can_send=False`` adds an overwrite denying the bot Send Messages there."""
        g = self.guild(guild)
        channel = Channel(self.ids.next(), name, type=type, guild_id=g.id, position=len(g.channels))
        g.channels[channel.id] = channel
        self.channels[channel.id] = channel
        if not bot_can_send:
            self.set_overwrite(channel, self.bot_user, deny=SEND_MESSAGES, notify=False)
        self._gateway_soon(INTENT_GUILDS, "CHANNEL_CREATE", channel.payload)
        return channel

    def add_role(
        self,
        guild: Guild | int,
        name: str,
        *,
        permissions: int | discord.Permissions | None = None,
        mentionable: bool = False,
    ) -> Role:
        g = self.guild(guild)
        role = Role(
            self.ids.next(),
            g.id,
            name,
            perm_value(permissions),
            position=len(g.roles),
            mentionable=mentionable,
        )
        g.roles[role.id] = role
        self._gateway_soon(
            INTENT_GUILDS, "GUILD_ROLE_CREATE", lambda: {"guild_id": str(g.id), "role": role.payload()}
        )
        return role

    def set_role_permissions(self, role: Role, permissions: int | discord.Permissions) -> Role:
        """Change what a role may do (GUILD_ROLE_UPDATE to a connected bot)."""
        role.permissions = perm_value(permissions)
        self._gateway_soon(
            INTENT_GUILDS,
            "GUILD_ROLE_UPDATE",
            lambda: {"guild_id": str(role.guild_id), "role": role.payload()},
        )
        return role

    def bot_role(self, guild: Guild | int) -> Role:
        """The bot's own managed role in a guild (its invite permissions)."""
        g = self.guild(guild)
        return next(r for r in g.roles.values() if r.bot_id == self.bot_user.id)

    def add_member(
        self,
        guild: Guild | int,
        user: User | str,
        *,
        roles: Iterable[Role | int] = (),
        nick: str | None = None,
        locale: str = "en-US",
        dms_open: bool = True,
    ) -> Member:
        """Add a user (created from a name if needed) to a guild; returns the Member (``.user``, ``.id``)."""
        g = self.guild(guild)
        if isinstance(user, str):
            user = self.add_user(user, locale=locale, dms_open=dms_open)
        member = Member(g.id, user, roles=[snowflake_of(r) for r in roles], nick=nick)
        g.members[user.id] = member
        self._gateway_soon(
            INTENT_GUILD_MEMBERS,
            "GUILD_MEMBER_ADD",
            lambda: {**member.payload(), "guild_id": str(g.id)},
        )
        return member

    def allow_command(self, guild: Guild | int, command: str, *, to: Role | Member | User | int) -> None:
        """What an admin does in Server Settings → Integrations: ``command`` (a top-level name) becomes
        visible to a role or a member whatever its ``default_member_permissions``."""
        g = self.guild(guild)
        self.command_overrides.setdefault((g.id, command), set()).add(snowflake_of(to))

    def set_member_roles(self, guild: Guild | int, user: Any, roles: Iterable[Role | int]) -> Member:
        g = self.guild(guild)
        member = g.member(user if not isinstance(user, Member) else user.id)
        member.roles = [snowflake_of(r) for r in roles]
        self._gateway_soon(
            INTENT_GUILD_MEMBERS, "GUILD_MEMBER_UPDATE", lambda: {**member.payload(), "guild_id": str(g.id)}
        )
        return member

    def set_overwrite(
        self,
        channel: Channel | int,
        target: Role | User | Member,
        *,
        allow: int | discord.Permissions | None = None,
        deny: int | discord.Permissions | None = None,
        notify: bool = True,
    ) -> None:
        """Set a channel overwrite for a role or a member (sends CHANNEL_UPDATE to a connected bot)."""
        ch = self.channel(channel)
        kind = 0 if isinstance(target, Role) else 1
        tid = target.id
        ch.overwrites = [o for o in ch.overwrites if not (int(o["id"]) == tid and o["type"] == kind)]
        ch.overwrites.append(
            {"id": str(tid), "type": kind, "allow": str(perm_value(allow)), "deny": str(perm_value(deny))}
        )
        if notify:
            self._gateway_soon(INTENT_GUILDS, "CHANNEL_UPDATE", ch.payload)

    def deny_bot(
        self, channel: Channel | int, permissions: int | discord.Permissions = SEND_MESSAGES
    ) -> None:
        """Make the bot lack a permission in a channel (default: Send Messages: posting gets 403 50013)."""
        self.set_overwrite(channel, self.bot_user, deny=permissions)

    def guild(self, guild: Guild | int | Any) -> Guild:
        if isinstance(guild, Guild):
            return guild
        try:
            return self.guilds[snowflake_of(guild)]
        except KeyError:
            raise KeyError(f"the fake has no guild {guild!r}") from None

    def channel(self, channel: Channel | int | Any) -> Channel:
        if isinstance(channel, Channel):
            return channel
        try:
            return self.channels[snowflake_of(channel)]
        except KeyError:
            raise KeyError(f"the fake has no channel {channel!r}") from None

    def user(self, user: User | Member | int | Any) -> User:
        if isinstance(user, User):
            return user
        if isinstance(user, Member):
            return user.user
        try:
            return self.users[snowflake_of(user)]
        except KeyError:
            raise KeyError(f"the fake has no user {user!r}") from None

    def message(self, message: Message | int | Any) -> Message:
        if isinstance(message, Message):
            return message
        try:
            return self.messages[snowflake_of(message)]
        except KeyError:
            raise KeyError(f"the fake has no message {message!r}") from None

    def bot_permissions(self, channel: Channel | int) -> int:
        ch = self.channel(channel)
        if ch.guild_id is None:
            return 0
        g = self.guilds[ch.guild_id]
        return self._thread_aware(channel_permissions(g, g.members[self.bot_user.id], self._parent(ch)), ch)

    def member_permissions(self, channel: Channel | int, user: Any) -> int:
        ch = self.channel(channel)
        g = self.guilds[ch.guild_id]  # type: ignore[index]
        return self._thread_aware(channel_permissions(g, g.member(self.user(user).id), self._parent(ch)), ch)

    def _parent(self, ch: Channel) -> Channel:
        """A thread's permissions are its parent channel's."""
        return self.channels[ch.parent_id] if ch.is_thread and ch.parent_id in self.channels else ch

    @staticmethod
    def _thread_aware(perms: int, ch: Channel) -> int:
        """In a thread, sending is Send Messages in Threads (Send Messages does not count)."""
        if not ch.is_thread:
            return perms
        sending = perms & SEND_MESSAGES_IN_THREADS
        return (perms & ~SEND_MESSAGES) | (SEND_MESSAGES if sending else 0)

    def dm_channel(self, user: User | Member | int) -> Channel:
        """The DM channel between the bot and a user (created on first use, like Discord does)."""
        u = self.user(user)
        for ch in self.channels.values():
            if ch.is_dm and ch.recipient is u:
                return ch
        ch = Channel(self.ids.next(), "", type=1, recipient=u)
        self.channels[ch.id] = ch
        return ch

    # ----------------------------------------------------------------------------------------------- reads
    def messages_in(
        self,
        channel: Channel | int,
        *,
        by_bot: bool | None = None,
        include_deleted: bool = False,
        include_ephemeral: bool = False,
    ) -> list[Message]:
        """Messages of a channel, oldest first (ephemeral ones only on request: nobody else sees them)."""
        cid = self.channel(channel).id
        return [
            m
            for m in sorted(self.messages.values(), key=lambda m: m.seq)
            if m.channel_id == cid
            and (include_deleted or not m.deleted)
            and (include_ephemeral or not m.ephemeral)
            and (by_bot is None or (m.author is self.bot_user) == by_bot)
        ]

    def threads_in(self, channel: Channel | int) -> list[Channel]:
        """The threads opened in a channel, oldest first."""
        cid = self.channel(channel).id
        return sorted(
            (c for c in self.channels.values() if c.is_thread and c.parent_id == cid), key=lambda c: c.id
        )

    def thread_of(self, message: Message | int) -> Channel | None:
        """The thread started from a message (it has the message's id), if any."""
        found = self.channels.get(message if isinstance(message, int) else message.id)
        return found if found is not None and found.is_thread else None

    def dms_to(self, user: User | Member | int) -> list[Message]:
        """What the bot sent this user by DM."""
        return self.messages_in(self.dm_channel(user), by_bot=True)

    def last_modal(self, user: User | Member | int) -> Modal:
        """The last modal the bot opened for this user."""
        uid = self.user(user).id
        try:
            return self._last_modal[uid]
        except KeyError:
            raise AssertionError(f"the bot opened no modal for user {uid}") from None

    def _new_attachment(
        self, channel_id: int, filename: str, data: bytes, content_type: str | None = None
    ) -> Attachment:
        aid = self.ids.next()
        quoted = urllib.parse.quote(filename)
        att = Attachment(
            aid, filename, data, content_type, url=f"{self.http_url}/attachments/{channel_id}/{aid}/{quoted}"
        )
        self.attachments[aid] = att
        return att
