"""The fake's model of Discord: users, guilds, roles, channels, members, messages and their payloads.

Plain data and the payloads discord.py parses; the Discord rules about them (permissions, pings) are in
``rules.py``.
"""

from __future__ import annotations

import datetime
import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .rules import EPHEMERAL, LOADING, Pings

DISCORD_EPOCH_MS = 1_420_070_400_000


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


class Snowflakes:
    """Unique, increasing, realistic snowflakes (their timestamps are the creation time)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        value = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(value, self._last + 1)
        return self._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next snowflake whose guild would be on shard ``shard_id`` of ``shard_count``."""
        value = self.next()
        while (value >> 22) % shard_count != shard_id:
            self._last = (((value >> 22) + 1) << 22) - 1  # the shard is read from the timestamp: next ms
            value = self.next()
        return value


def snowflake_of(obj: Any) -> int:
    """The id of a model object, a discord.py object, or an id given as int/str."""
    if isinstance(obj, int | str):
        return int(obj)
    return int(obj.id)


@dataclass(eq=False)
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    locale: str = "en-US"
    #: False: the user does not accept DMs from the bot (sending one fails with 403 code 50007).
    dms_open: bool = True

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0" if not self.bot else "0000",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>" if self.id != self.guild_id else "@everyone"

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Channel:
    id: int
    name: str
    type: int = 0  # 0 text, 1 DM, 2 voice, 4 category, 5 announcement
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    #: Discord overwrites: ``{"id", "type" (0 role, 1 member), "allow", "deny"}`` with string bit sets.
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    #: For DM channels: the user on the other side.
    recipient: User | None = None
    #: For threads (type 11): minutes of inactivity before Discord archives it.
    auto_archive_duration: int = 1440

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_dm(self) -> bool:
        return self.type == 1

    def payload(self) -> dict[str, Any]:
        if self.is_dm:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "recipients": [self.recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [dict(o) for o in self.overwrites],
            "guild_id": str(self.guild_id),
            "nsfw": False,
            "flags": 0,
            "parent_id": str(self.parent_id) if self.parent_id else None,
        }
        if self.type in (0, 5):
            data.update(topic=self.topic, last_message_id=None, rate_limit_per_user=0)
        if self.type == 2:
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        return data


@dataclass(eq=False)
class Member:
    guild_id: int
    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    joined_at: str = field(default_factory=now_iso)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def role(self, name: str) -> Role:
        return _by_name(self.roles.values(), name, "role", self.name)

    def channel(self, name: str) -> Channel:
        return _by_name(self.channels.values(), name, "channel", self.name)

    def member(self, key: str | int | User | Member) -> Member:
        if isinstance(key, str) and not key.isdigit():
            for m in self.members.values():
                if key in (m.user.username, m.user.global_name, m.nick):
                    return m
            raise KeyError(f"no member {key!r} in guild {self.name!r}")
        uid = snowflake_of(key)
        try:
            return self.members[uid]
        except KeyError:
            raise KeyError(f"user {uid} is not a member of guild {self.name!r}") from None

    @property
    def text_channels(self) -> list[Channel]:
        return sorted((c for c in self.channels.values() if c.type in (0, 5)), key=lambda c: c.position)

    def payload(self, *, members: Iterable[Member], member_count: int) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": "us-east",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": self.preferred_locale,
            "features": [],
            "max_members": 500000,
            "max_video_channel_users": 25,
            "application_id": None,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [c.payload() for c in self.channels.values()],
            "threads": [],
            "members": [m.payload() for m in members],
            "member_count": member_count,
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "large": False,
            "unavailable": False,
            "joined_at": self.joined_at,
            "lazy": True,
            "incidents_data": None,
        }


def _by_name(items: Iterable[Any], name: str, kind: str, where: str) -> Any:
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"no {kind} named {name!r} in guild {where!r}")


# ------------------------------------------------------------------------------------------------- messages


@dataclass(eq=False)
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    url: str = ""

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        return data


def walk_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first: action rows, containers, sections (accessory) and labels (component)."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components") or ())
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("author", {}).get("name"), embed.get("title"), embed.get("description")]
    for f in embed.get("fields") or ():
        parts += [f.get("name"), f.get("value")]
    parts.append(embed.get("footer", {}).get("text"))
    return "\n".join(p for p in parts if p)


def components_text(components: Iterable[dict[str, Any]]) -> str:
    return "\n".join(
        c["content"] for c in walk_components(components) if c.get("type") == 10 and c.get("content")
    )


@dataclass(eq=False)
class Message:
    """A message as the fake stores it; ``payload()`` is what Discord would send back."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    #: The ``allowed_mentions`` the bot sent with it (None: not given, Discord then parses everything).
    allowed_mentions: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    referenced: Message | None = None
    pings: Pings = field(default_factory=Pings)
    #: The users in ``pings.users`` (the ``mentions`` field of the payload).
    mentioned_users: list[User] = field(default_factory=list)
    #: user id -> set of emoji names who reacted
    reactions: dict[str, set[int]] = field(default_factory=dict)
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    nonce: str | int | None = None
    deleted: bool = False
    #: Every edit applied, as the JSON body of the PATCH (or the type-7 update).
    edits: list[dict[str, Any]] = field(default_factory=list)
    member: Member | None = None
    #: Order of creation in the fake (for "since" checkpoints).
    seq: int = 0
    #: For messages a test user sent: whether the bot was sent the MESSAGE_CREATE (it may lack the intent).
    delivered: bool = False

    # ---- convenient reads for assertions
    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def embed(self) -> dict[str, Any] | None:
        return self.embeds[0] if self.embeds else None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") == 2]

    @property
    def text(self) -> str:
        """Everything a reader sees: content, embed texts, text displays; for ``in`` assertions."""
        parts = [self.content, *(embed_text(e) for e in self.embeds), components_text(self.components)]
        return "\n".join(p for p in parts if p)

    @property
    def reply_to(self) -> int | None:
        ref = self.message_reference
        return int(ref["message_id"]) if ref and ref.get("message_id") else None

    @property
    def jump_url(self) -> str:
        return f"https://discord.com/channels/{self.guild_id or '@me'}/{self.channel_id}/{self.id}"

    def payload(
        self, *, include_member: bool = False, include_referenced: bool = True, bot_id: int | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.pings.everyone,
            "mentions": [u.payload() for u in self.mentioned_users],
            "mention_roles": [str(r) for r in sorted(self.pings.roles)],
            "attachments": [a.payload() for a in self.attachments],
            "embeds": [dict(e) for e in self.embeds],
            "reactions": [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": bot_id in users,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for emoji, users in self.reactions.items()
                if users
            ],
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
            "components": [dict(c) for c in self.components],
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            if include_member and self.member is not None:
                data["member"] = self.member.payload(with_user=False)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.message_reference is not None:
            data["message_reference"] = dict(self.message_reference)
            if include_referenced:
                ref = self.referenced
                data["referenced_message"] = (
                    None
                    if ref is None or ref.deleted
                    else ref.payload(include_referenced=False, bot_id=bot_id)
                )
        return data

    def __repr__(self) -> str:
        flags = " ephemeral" if self.ephemeral else ""
        who = self.author.username
        return f"<fake Message {self.id} in {self.channel_id} by {who}{flags}: {self.text[:60]!r}>"


# --------------------------------------------------------------------------------------------------- modals


@dataclass
class ModalInput:
    """One input of a modal the bot opened: a text input, or a select inside a label."""

    custom_id: str
    label: str | None
    type: int  # 4 text input, 3/5/6/7/8 selects
    style: int | None = None  # 1 short, 2 paragraph
    required: bool = True
    min_length: int | None = None
    max_length: int | None = None
    value: str | None = None  # pre-filled default
    placeholder: str | None = None
    options: list[dict[str, Any]] = field(default_factory=list)  # string select options


@dataclass(eq=False)
class Modal:
    """A modal the bot opened with a type-9 interaction callback."""

    custom_id: str
    title: str
    components: list[dict[str, Any]]
    user_id: int
    guild_id: int | None
    channel_id: int
    interaction_id: int
    #: For a modal opened from a button: the message that button is on (a type-7 reply then edits it).
    source_message_id: int | None = None
    submitted: bool = False
    _fake: Any = None

    @property
    def inputs(self) -> list[ModalInput]:
        found: list[ModalInput] = []
        for comp in self.components:
            if comp.get("type") == 1:
                for child in comp.get("components") or ():
                    found.append(_modal_input(child, child.get("label")))
            elif comp.get("type") == 18:
                found.append(_modal_input(comp["component"], comp.get("label")))
        return found

    @property
    def text(self) -> str:
        """What the form shows besides its inputs: its text displays, in order."""
        return "\n".join(
            str(comp.get("content") or "")
            for comp in walk_components(self.components)
            if comp.get("type") == 10
        )

    def input(self, key: str) -> ModalInput:
        for item in self.inputs:
            if key in (item.custom_id, item.label):
                return item
        labels = [(i.label, i.custom_id) for i in self.inputs]
        raise KeyError(
            f"modal {self.title!r} has no input labelled or with custom_id {key!r}; inputs: {labels}"
        )

    async def submit(self, values: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Submit this modal as its user (see ``FakeDiscord.submit_modal``)."""
        return await self._fake.submit_modal(self.user_id, values or {}, modal=self, **kwargs)


def _modal_input(comp: dict[str, Any], label: str | None) -> ModalInput:
    return ModalInput(
        custom_id=comp.get("custom_id", ""),
        label=label,
        type=comp.get("type", 4),
        style=comp.get("style"),
        required=comp.get("required", True),
        min_length=comp.get("min_length"),
        max_length=comp.get("max_length"),
        value=comp.get("value"),
        placeholder=comp.get("placeholder"),
        options=list(comp.get("options") or ()),
    )


_counter = itertools.count(1)


def next_seq() -> int:
    return next(_counter)
