"""A loopback fake of Discord: REST and gateway on 127.0.0.1 for the real, unmodified discord.py client.

Start it, point discord.py at it (``with fake.redirected():``), start a bot, then drive it like users would::

    guild = fake.add_guild("Classe")
    alice = fake.add_member(guild, "alice")
    res = await fake.slash(guild, alice, "demo hello", name="Bob")
    assert res.ephemeral and "Bob" in res.content

Discord's rules that bots trip over are enforced (see ``testing-discord-offline.md``); every REST call is
recorded in ``fake.calls``; a call to a route the fake does not know is answered 404 and recorded in
``fake.unknown_routes`` (the pytest fixtures fail the test on it).
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import re
import secrets
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

from .interactions import ClientRefused, InteractionResult
from .model import (
    ADD_REACTIONS,
    ALL_PERMISSIONS,
    ATTACH_FILES,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    EPHEMERAL,
    INTENT_DIRECT_MESSAGE_REACTIONS,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGE_REACTIONS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    LOADING,
    MANAGE_MESSAGES,
    PRIVILEGED_INTENTS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Modal,
    Role,
    Snowflakes,
    User,
    base_permissions,
    channel_permissions,
    compute_pings,
    next_seq,
    now_iso,
    perm_value,
    snowflake_of,
    walk_components,
)

API_PREFIX = "/api/v10"
JSON = "application/json"
COMPONENTS_V2 = 1 << 15
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
SELECT_TYPES = (3, 5, 6, 7, 8)
_PROBLEM = object()  # a wait ended by a problem the watchdog saw


class ApiError(Exception):
    """A Discord error response: HTTP status, JSON error code and message."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def invalid(field_path: str, message: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body ({field_path}: {message})", {field_path: message})


@dataclass
class FileUpload:
    field: str
    filename: str
    data: bytes
    content_type: str | None


@dataclass(eq=False)
class Call:
    """One REST call the bot made, and the fake's answer."""

    method: str
    path: str  # without the /api/v10 prefix, percent-decoded
    route: str | None  # the template that matched, e.g. "/channels/{channel_id}/messages"
    query: dict[str, str]
    json: Any
    files: list[FileUpload]
    time: float
    status: int = 0
    response: Any = None
    params: dict[str, str] = field(default_factory=dict)
    #: The interaction this call was about (callbacks, follow-ups, @original).
    interaction_id: int | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> int | None:
        return self.response.get("code") if isinstance(self.response, dict) and not self.ok else None

    def __repr__(self) -> str:
        return f"<Call {self.method} {self.path} -> {self.status}>"


@dataclass
class Fault:
    method: str
    pattern: str
    status: int
    code: int
    message: str
    times: int
    retry_after: float | None


@dataclass(eq=False)
class GatewaySession:
    session_id: str
    intents: int
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def open(self) -> bool:
        return self.ws is not None and not self.ws.closed

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)


@dataclass
class _Request:
    method: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[FileUpload]
    call: Call


Handler = Callable[[_Request], Awaitable[Any]]


class FakeDiscord:
    """The fake Discord: a model (guilds, channels, members, messages), a REST API and a gateway."""

    def __init__(
        self, *, bot_name: str = "TutorBot", token: str = "fake-token", ack_deadline: float = 3.0
    ) -> None:
        self.ids = Snowflakes()
        #: The token the bot must present; anything else gets 401 (and discord.py raises LoginFailure).
        self.token = token
        #: Seconds the bot has to acknowledge an interaction (Discord: 3); lower it to test the rule fast.
        self.ack_deadline = ack_deadline
        #: Seconds an interaction token stays valid for follow-ups (Discord: 15 minutes).
        self.token_lifetime = 15 * 60.0
        #: Privileged intents switched on in the "developer portal"; IDENTIFY asking for others gets 4014.
        self.enabled_privileged_intents = PRIVILEGED_INTENTS
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
        self.calls: list[Call] = []
        self.unknown_routes: list[Call] = []
        self.interactions: dict[int, InteractionResult] = {}
        self._by_token: dict[str, InteractionResult] = {}
        self._last_modal: dict[int, Modal] = {}
        self._faults: list[Fault] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.session: GatewaySession | None = None
        self.identify_count = 0
        self.resume_count = 0
        self.gateway_payloads: list[dict[str, Any]] = []  # everything the bot sent on the gateway
        self._websockets: set[web.WebSocketResponse] = set()
        self._background: set[asyncio.Task[None]] = set()
        #: Errors sending model-change events to the bot (the bot disconnected meanwhile, ...).
        self.background_errors: list[BaseException] = []
        self._waiters: dict[int | None, list[tuple[Callable[[], Any], asyncio.Future[Any]]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Returns the problems that should interrupt a wait (set by the fixtures to the watchdog's list).
        self.problem_check: Callable[[], list[str]] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, str, re.Pattern[str], Handler, bool]] = []
        self._register_routes()

    # =============================================================================================== server
    async def start(self) -> FakeDiscord:
        self._loop = asyncio.get_running_loop()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_api)
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._handle_attachment)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        for ws in list(self._websockets):
            await ws.close(code=1001, message=b"fake Discord stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be (also ``DISCORD_API_BASE``)."""
        return self.http_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` must be (also ``DISCORD_GATEWAY_URL``)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def redirected(self) -> Iterator[FakeDiscord]:
        """Point discord.py at this fake (the two class attributes), restoring them on exit."""
        old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old

    # ================================================================================================ model
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
    ) -> Guild:
        """A guild the bot is in: @everyone, the bot's managed role, the owner and the bot as members."""
        if isinstance(owner, str) or owner is None:
            owner = self.add_user(owner or f"{name.lower().replace(' ', '-')}-owner")
        gid = self.ids.next()
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
        return channel_permissions(g, g.members[self.bot_user.id], ch)

    def member_permissions(self, channel: Channel | int, user: Any) -> int:
        ch = self.channel(channel)
        g = self.guilds[ch.guild_id]  # type: ignore[index]
        return channel_permissions(g, g.member(self.user(user).id), ch)

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

    def calls_to(self, method: str | None = None, pattern: str = "*") -> list[Call]:
        """Recorded calls by method and path: a template ("/channels/{channel_id}/messages") or a glob."""
        return [
            c
            for c in self.calls
            if (method is None or c.method == method.upper())
            and (pattern == c.route or fnmatch.fnmatchcase(c.path, pattern))
        ]

    @property
    def command_puts(self) -> int:
        """How many bulk command overwrites (global or guild) the bot made: the tree syncs."""
        return sum(1 for c in self.calls if c.method == "PUT" and c.route and c.route.endswith("/commands"))

    def checkpoint(self) -> int:
        """A marker for ``wait_for_message(since=...)``: only messages created after it count."""
        return next_seq()

    async def wait_until(
        self, predicate: Callable[[], Any], *, timeout: float = 2.0, what: str = "", key: int | None = None
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every REST call and gateway change).

        With ``key`` (an interaction id), only calls about that interaction re-check it: many concurrent
        interactions then cost one check per call, not one per waiter.

        Fails at once, rather than at the timeout, when ``problem_check`` reports a problem (the fixtures wire
        it to the watchdog: an exception in a command, a discord warning...).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            self._raise_problems(what, predicate)
            future: asyncio.Future[Any] = loop.create_future()
            self._waiters.setdefault(key, []).append((predicate, future))
            try:
                value = await asyncio.wait_for(future, max(0.0, deadline - loop.time()))
            except TimeoutError:
                recent = "\n  ".join(repr(c) for c in self.calls[-8:])
                raise TimeoutError(
                    f"timed out after {timeout:g} s waiting for {what or predicate}; last calls:\n  {recent}"
                ) from None
            if value is not _PROBLEM:
                return value

    def _raise_problems(self, what: str, predicate: object) -> None:
        problems = self.problem_check() if self.problem_check is not None else []
        if problems:
            raise AssertionError(
                f"while waiting for {what or predicate}, the bot ran into:\n\n" + "\n\n".join(problems)
            )

    def _notify(self, key: int | None = None, *, everything: bool = False) -> None:
        """Re-check the pending waits not tied to an interaction, and those of interaction ``key``."""
        if everything:
            for k in list(self._waiters):
                self._notify_key(k)
            return
        self._notify_key(None)
        if key is not None:
            self._notify_key(key)

    def _notify_key(self, key: int | None) -> None:
        waiters = self._waiters.get(key)
        if not waiters:
            return
        problems = self.problem_check() if self.problem_check is not None else []
        pending = []
        for predicate, future in waiters:
            if future.done():
                continue
            try:
                value = predicate()
            except Exception as exc:
                future.set_exception(exc)
                continue
            if value:
                future.set_result(value)
            elif problems:
                future.set_result(_PROBLEM)
            else:
                pending.append((predicate, future))
        if pending:
            self._waiters[key] = pending
        else:
            del self._waiters[key]

    def poke(self) -> None:
        """Make pending waits re-check their condition (the watchdog calls it on a new problem)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(lambda: self._notify(everything=True))

    async def wait_for_message(
        self,
        channel: Channel | int | None = None,
        predicate: Callable[[Message], bool] | None = None,
        *,
        since: int = 0,
        timeout: float = 2.0,
    ) -> Message:
        """The first live bot message matching, in a channel or anywhere, created after ``since``."""
        cid = None if channel is None else self.channel(channel).id

        def find() -> Message | None:
            for m in self.messages.values():  # insertion order: creation order
                if (
                    m.seq > since
                    and not m.deleted
                    and m.author is self.bot_user
                    and (cid is None or m.channel_id == cid)
                    and (predicate is None or predicate(m))
                ):
                    return m
            return None

        return await self.wait_until(find, timeout=timeout, what=f"a bot message in {cid or 'any channel'}")

    def fail_next(
        self,
        method: str,
        pattern: str,
        *,
        status: int = 500,
        code: int = 0,
        message: str = "Internal Server Error",
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with an error (429 with ``retry_after``: a rate limit)."""
        self._faults.append(Fault(method.upper(), pattern, status, code, message, times, retry_after))

    # ============================================================================================== gateway
    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.open

    async def wait_connected(self, timeout: float = 5.0) -> GatewaySession:
        await self.wait_until(lambda: self.connected, timeout=timeout, what="a bot on the gateway")
        assert self.session is not None
        return self.session

    async def _handle_gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self._websockets.add(ws)
        session: GatewaySession | None = None
        try:
            await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    data = json.loads(msg.data.decode())
                else:
                    break
                self.gateway_payloads.append(data)
                op = data.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11, "d": None}))
                elif op == 2:
                    session = await self._identify(ws, data["d"])
                elif op == 6:
                    session = await self._resume(ws, data["d"])
                elif op == 8 and session is not None:
                    await self._request_members(session, data["d"])
        finally:
            self._websockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
            self._notify()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> GatewaySession | None:
        if d.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~self.enabled_privileged_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        self.identify_count += 1
        session = GatewaySession(secrets.token_hex(16), intents, ws=ws)
        self.sessions[session.session_id] = session
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        await self._send_dispatch(session, "READY", ready)
        for g in list(self.guilds.values()):
            await self._send_dispatch(session, "GUILD_CREATE", self._guild_create(g, session))
        self.session = session
        self._notify()
        return session

    def _guild_create(self, g: Guild, session: GatewaySession) -> dict[str, Any]:
        # Without the members intent Discord sends only the bot itself; member_count stays the real count.
        if session.has(INTENT_GUILD_MEMBERS):
            members = list(g.members.values())
        else:
            members = [g.members[self.bot_user.id]]
        return g.payload(members=members, member_count=len(g.members))

    async def _resume(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> GatewaySession | None:
        session = self.sessions.get(d.get("session_id", ""))
        if session is None or d.get("token") != self.token:
            await ws.send_str(json.dumps({"op": 9, "d": False}))  # invalid session, not resumable
            return None
        session.ws = ws
        self.resume_count += 1
        await self._send_dispatch(session, "RESUMED", {})
        self.session = session
        self._notify()
        return session

    async def _request_members(self, session: GatewaySession, d: dict[str, Any]) -> None:
        g = self.guilds.get(int(d["guild_id"]))
        if g is None:
            return
        ids = {int(u) for u in d.get("user_ids") or ()}
        members = [m for m in g.members.values() if not ids or m.id in ids]
        chunk = {
            "guild_id": str(g.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "nonce": d.get("nonce"),
        }
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: GatewaySession, event: str, data: Any) -> None:
        async with session.lock:
            if not session.open:
                raise RuntimeError("the bot's gateway connection is closed")
            session.seq += 1
            assert session.ws is not None
            await session.ws.send_str(json.dumps({"op": 0, "t": event, "s": session.seq, "d": data}))

    async def dispatch(self, event: str, data: Any, *, intent: int | None = None) -> bool:
        """Send a gateway event to the connected bot; False (not sent) when it lacks the needed intent."""
        session = self.session
        if session is None or not session.open:
            raise RuntimeError(f"cannot dispatch {event}: no bot is connected to the fake gateway")
        if intent is not None and not session.has(intent):
            return False
        await self._send_dispatch(session, event, data)
        return True

    def _gateway_soon(self, intent: int, event: str, make: Callable[[], Any]) -> None:
        """Tell a connected bot about a model change made by the test (no-op when none is connected)."""
        if not self.connected:
            return
        assert self.session is not None
        if not self.session.has(intent):
            return
        task = asyncio.get_running_loop().create_task(self._send_dispatch(self.session, event, make()))
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.background_errors.append(task.exception())  # type: ignore[arg-type]

    async def reconnect(self, timeout: float = 5.0) -> None:
        """Ask the bot to reconnect (op 7); it resumes on ``resume_gateway_url``; waits for the RESUMED."""
        session = self.session
        if session is None or not session.open:
            raise RuntimeError("no bot is connected")
        before = self.resume_count
        assert session.ws is not None
        await session.ws.send_str(json.dumps({"op": 7, "d": None}))
        await self.wait_until(
            lambda: self.resume_count > before and self.connected, timeout=timeout, what="RESUME"
        )

    # ======================================================================================= user actions
    async def send_message(
        self,
        channel: Channel | int,
        author: User | Member | int,
        content: str = "",
        *,
        reply_to: Message | int | None = None,
        mention_author: bool = True,
        embeds: list[dict[str, Any]] | None = None,
        attachments: Iterable[tuple[str, bytes]] = (),
    ) -> Message:
        """A user posts a message (MESSAGE_CREATE); ``message.delivered`` says whether the bot got it."""
        ch = self.channel(channel)
        user = self.user(author)
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        member = None
        perms = 0
        if g is not None:
            member = g.member(user.id)
            perms = channel_permissions(g, member, ch)
            if not perms & VIEW_CHANNEL or not perms & SEND_MESSAGES:
                raise ClientRefused(f"{user.username} cannot send messages in #{ch.name}")
        referenced = None
        reference = None
        if reply_to is not None:
            referenced = self.message(reply_to)
            reference = {"type": 0, "message_id": str(referenced.id), "channel_id": str(ch.id)}
            if g is not None:
                reference["guild_id"] = str(g.id)
        msg = Message(
            id=self.ids.next(),
            channel_id=ch.id,
            guild_id=ch.guild_id,
            author=user,
            content=content,
            embeds=list(embeds or ()),
            type=19 if referenced is not None else 0,
            message_reference=reference,
            referenced=referenced,
            member=member,
            seq=next_seq(),
        )
        for filename, data in attachments:
            msg.attachments.append(self._new_attachment(ch.id, filename, data))
        replied = referenced.author.id if referenced is not None and mention_author else None
        msg.pings = compute_pings(content, None, guild=g, author_permissions=perms, replied_author=replied)
        msg.mentioned_users = [self.users[u] for u in msg.pings.users if u in self.users]
        self.messages[msg.id] = msg
        msg.delivered = await self._dispatch_message("MESSAGE_CREATE", msg)
        self._notify()
        return msg

    async def send_dm(self, user: User | Member | int, content: str) -> Message:
        """A user writes to the bot in DMs."""
        return await self.send_message(self.dm_channel(user), user, content)

    async def add_reaction(self, user: User | Member | int, message: Message | int, emoji: str) -> bool:
        """A user reacts to a message (MESSAGE_REACTION_ADD); True if the bot was told."""
        msg = self.message(message)
        u = self.user(user)
        msg.reactions.setdefault(emoji, set()).add(u.id)
        data: dict[str, Any] = {
            "user_id": str(u.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
            "message_author_id": str(msg.author.id),
        }
        intent = INTENT_GUILD_MESSAGE_REACTIONS
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            data["member"] = self.guilds[msg.guild_id].member(u.id).payload()
        else:
            intent = INTENT_DIRECT_MESSAGE_REACTIONS
        return await self.dispatch("MESSAGE_REACTION_ADD", data, intent=intent)

    async def _dispatch_message(self, event: str, msg: Message) -> bool:
        """MESSAGE_CREATE/UPDATE for a connected bot, honouring intents (content needs MESSAGE_CONTENT)."""
        session = self.session
        if session is None or not session.open:
            return False
        if not session.has(INTENT_DIRECT_MESSAGES if msg.guild_id is None else INTENT_GUILD_MESSAGES):
            return False
        data = msg.payload(include_member=True, bot_id=self.bot_user.id)
        if msg.member is not None:
            data["member"] = msg.member.payload(with_user=False)
        visible = (
            session.has(INTENT_MESSAGE_CONTENT)
            or msg.guild_id is None
            or msg.author is self.bot_user
            or self.bot_user.id in msg.pings.users
        )
        if not visible:
            data.update(content="", embeds=[], attachments=[], components=[])
        await self._send_dispatch(session, event, data)
        return True

    def _interaction_base(
        self,
        itype: int,
        user: User,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
        *,
        locale: str | None = None,
    ) -> tuple[InteractionResult, dict[str, Any]]:
        iid = self.ids.next()
        token = "itok-" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            member = guild.member(user.id)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                member=member.payload(permissions=channel_permissions(guild, member, channel)),
                app_permissions=str(self.bot_permissions(channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                app_permissions=str(discord.Permissions.none().value),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        result = InteractionResult(
            id=iid,
            token=token,
            type=itype,
            user=user,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            payload=payload,
            created=0.0,
            _fake=self,
        )
        return result, payload

    async def _run_interaction(
        self, result: InteractionResult, *, wait: bool, timeout: float | None
    ) -> InteractionResult:
        self.interactions[result.id] = result
        self._by_token[result.token] = result
        result.created = asyncio.get_running_loop().time()
        await self.dispatch("INTERACTION_CREATE", result.payload)
        if not wait:
            return result
        await result.wait_ack(timeout)
        if result.ack_type == 5:
            await result.wait_final()
        return result

    def _where(
        self, guild: Guild | int | None, user: Any, in_channel: Channel | int | None
    ) -> tuple[Guild | None, User, Channel]:
        u = self.user(user)
        if guild is None:
            ch = self.channel(in_channel) if in_channel is not None else self.dm_channel(u)
            return None, u, ch
        g = self.guild(guild)
        g.member(u.id)  # must be a member
        if in_channel is not None:
            ch = self.channel(in_channel)
        elif g.text_channels:
            ch = g.text_channels[0]
        else:
            raise ValueError(f"guild {g.name!r} has no text channel to run the command in")
        perms = channel_permissions(g, g.members[u.id], ch)
        if not perms & VIEW_CHANNEL:
            raise ClientRefused(f"{u.username} cannot see #{ch.name}")
        return g, u, ch

    # ------------------------------------------------------------------------------------- slash commands
    def find_command(self, guild: Guild | int | None, name: str) -> dict[str, Any]:
        """A registered command by top-level name: the guild's own commands first, then global ones."""
        gid = None if guild is None else self.guild(guild).id
        if gid is not None and name in self.guild_commands.get(gid, {}):
            return self.guild_commands[gid][name]
        if name in self.global_commands:
            return self.global_commands[name]
        known = sorted({*self.global_commands, *self.guild_commands.get(gid or 0, {})})
        raise ClientRefused(
            f"no command /{name} is registered (known: {known}); did the bot sync its command tree?"
        )

    async def slash(
        self,
        guild: Guild | int | None,
        user: User | Member | int,
        command: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        in_channel: Channel | int | None = None,
        locale: str | None = None,
        wait: bool = True,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        """Run a slash command as a user.

        ``await fake.slash(guild, alice, "tutor setup", channel=ch, time="08:00")``

        Options come as keyword arguments (or a dict, for names that clash with the parameters here); they are
        checked and typed against the registered definition as the Discord client would. ``guild=None``: in
        DMs. Returns once acknowledged (and, for a deferred response, once its content arrived) unless
        ``wait=False``.
        """
        values = {**(options or {}), **kwargs}
        g, u, ch = self._where(guild, user, in_channel)
        data = self._command_data(g, u, ch, command, values, focused=None)
        result, _ = self._interaction_base(2, u, g, ch, data, locale=locale)
        return await self._run_interaction(result, wait=wait, timeout=timeout)

    async def autocomplete(
        self,
        guild: Guild | int | None,
        user: User | Member | int,
        command: str,
        focused: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        in_channel: Channel | int | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot suggests while a user types option ``focused`` (value: typed so far)."""
        values = {**(options or {}), **kwargs}
        values.setdefault(focused, "")
        g, u, ch = self._where(guild, user, in_channel)
        data = self._command_data(g, u, ch, command, values, focused=focused)
        result, _ = self._interaction_base(4, u, g, ch, data)
        await self._run_interaction(result, wait=True, timeout=timeout)
        return result.choices or []

    def _command_data(
        self,
        g: Guild | None,
        u: User,
        ch: Channel,
        command: str,
        values: dict[str, Any],
        *,
        focused: str | None,
    ) -> dict[str, Any]:
        parts = command.strip().lstrip("/").split()
        cmd = self.find_command(g, parts[0])
        self._check_visible(cmd, g, u)
        chain: list[dict[str, Any]] = []
        node = cmd
        for part in parts[1:]:
            subs = [o for o in node.get("options") or () if o.get("type") in (1, 2)]
            sub = next((o for o in subs if o["name"] == part), None)
            if sub is None:
                raise ClientRefused(
                    f"/{' '.join(parts)}: no sub-command {part!r} (has {[s['name'] for s in subs]})"
                )
            chain.append(sub)
            node = sub
        if any(o.get("type") in (1, 2) for o in node.get("options") or ()):
            names = [o["name"] for o in node["options"]]
            raise ClientRefused(f"/{' '.join(parts)} is a group: pick one of {names}")
        resolved: dict[str, dict[str, Any]] = {}
        leaf = self._leaf_options(node.get("options") or [], values, g, u, ch, resolved, focused, command)
        opts: list[dict[str, Any]] = leaf
        for sub in reversed(chain):
            opts = [{"type": sub["type"], "name": sub["name"], "options": opts}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": opts}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _check_visible(self, cmd: dict[str, Any], g: Guild | None, u: User) -> None:
        contexts = cmd.get("contexts")
        if g is None:
            if (
                cmd.get("guild_id")
                or cmd.get("dm_permission") is False
                or (contexts is not None and 1 not in contexts)
            ):
                raise ClientRefused(f"/{cmd['name']} is not available in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise ClientRefused(f"/{cmd['name']} is not available in servers")
        needed = cmd.get("default_member_permissions")
        if needed is not None:
            have = base_permissions(g, g.member(u.id))
            if (int(needed) & ~have) or (int(needed) == 0 and have != ALL_PERMISSIONS):
                raise ClientRefused(
                    f"/{cmd['name']} is hidden from {u.username}: "
                    f"it needs default_member_permissions={needed}"
                )

    def _leaf_options(
        self,
        defs: list[dict[str, Any]],
        values: dict[str, Any],
        g: Guild | None,
        u: User,
        ch: Channel,
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
        command: str,
    ) -> list[dict[str, Any]]:
        by_name = {d["name"]: d for d in defs}
        unknown = set(values) - set(by_name)
        if unknown:
            raise ClientRefused(f"/{command} has no option(s) {sorted(unknown)}; options: {sorted(by_name)}")
        out: list[dict[str, Any]] = []
        for d in defs:
            name = d["name"]
            value = values.get(name)
            if value is None:
                if d.get("required") and focused is None:
                    raise ClientRefused(f"/{command}: option {name!r} is required")
                continue
            if name == focused:
                out.append({"name": name, "type": d["type"], "value": str(value), "focused": True})
                continue
            out.append(
                {"name": name, "type": d["type"], "value": self._option_value(d, value, g, u, ch, resolved)}
            )
        return out

    def _option_value(
        self,
        d: dict[str, Any],
        value: Any,
        g: Guild | None,
        u: User,
        ch: Channel,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        t, name = d["type"], d["name"]
        if t in (3, 4, 10):
            if t == 3 and not isinstance(value, str):
                raise ClientRefused(f"option {name!r} takes text, got {value!r}")
            if t == 4 and (isinstance(value, bool) or not isinstance(value, int)):
                raise ClientRefused(f"option {name!r} takes an integer, got {value!r}")
            if t == 10 and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ClientRefused(f"option {name!r} takes a number, got {value!r}")
            choices = d.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise ClientRefused(
                    f"option {name!r} must be one of {[c['value'] for c in choices]}, got {value!r}"
                )
            if t == 3:
                if len(value) < d.get("min_length", 0) or len(value) > d.get("max_length", 6000):
                    raise ClientRefused(f"option {name!r}: length {len(value)} out of bounds")
            elif (d.get("min_value") is not None and value < d["min_value"]) or (
                d.get("max_value") is not None and value > d["max_value"]
            ):
                raise ClientRefused(
                    f"option {name!r}: {value} out of [{d.get('min_value')}, {d.get('max_value')}]"
                )
            return value
        if t == 5:
            if not isinstance(value, bool):
                raise ClientRefused(f"option {name!r} takes a boolean, got {value!r}")
            return value
        if (t in (6, 9) and isinstance(value, User | Member)) or (t == 6 and isinstance(value, int)):
            target = self.user(value)
            resolved.setdefault("users", {})[str(target.id)] = target.payload()
            if g is not None and target.id in g.members:
                m = g.members[target.id]
                resolved.setdefault("members", {})[str(target.id)] = m.payload(
                    with_user=False, permissions=channel_permissions(g, m, ch)
                )
            return str(target.id)
        if t in (8, 9):
            if not isinstance(value, Role) and not (g is not None and snowflake_of(value) in g.roles):
                raise ClientRefused(f"option {name!r} takes a role, got {value!r}")
            assert g is not None
            role = g.roles[snowflake_of(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        if t == 7:
            target_ch = self.channel(value)
            allowed = d.get("channel_types")
            if allowed and target_ch.type not in allowed:
                raise ClientRefused(
                    f"option {name!r} takes channels of types {allowed}, not {target_ch.type}"
                )
            if g is None or target_ch.guild_id != g.id:
                raise ClientRefused(f"option {name!r}: channel {target_ch.id} is not in this guild")
            perms = channel_permissions(g, g.members[u.id], target_ch)
            if not perms & VIEW_CHANNEL:
                raise ClientRefused(f"{u.username} cannot see #{target_ch.name}")
            resolved.setdefault("channels", {})[str(target_ch.id)] = {
                "id": str(target_ch.id),
                "name": target_ch.name,
                "type": target_ch.type,
                "permissions": str(perms),
                "parent_id": str(target_ch.parent_id) if target_ch.parent_id else None,
                "position": target_ch.position,
                "nsfw": False,
                "flags": 0,
            }
            return str(target_ch.id)
        if t == 11:
            if isinstance(value, Attachment):
                att = value
            elif isinstance(value, bytes):
                att = self._new_attachment(ch.id, "file.txt", value)
            else:
                filename, data = value
                att = self._new_attachment(ch.id, filename, data)
            resolved.setdefault("attachments", {})[str(att.id)] = att.payload()
            return str(att.id)
        raise ClientRefused(f"option {name!r} of type {t} cannot take {value!r}")

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

    async def _handle_attachment(self, request: web.Request) -> web.Response:
        att = self.attachments.get(int(request.match_info["attachment_id"]))
        if att is None:
            return web.Response(status=404)
        return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")

    # ------------------------------------------------------------------------------------------ components
    async def click(
        self,
        user: User | Member | int,
        message: Message | int,
        custom_id: str | None = None,
        /,
        *,
        label: str | None = None,
        values: list[Any] | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Click a button (by custom_id or label) or choose ``values`` in a select on a message."""
        msg = self.message(message)
        u = self.user(user)
        comp = self._find_component(msg, custom_id, label)
        if msg.deleted:
            raise ClientRefused(f"message {msg.id} was deleted")
        if msg.ephemeral and msg.interaction_id is not None:
            owner = self.interactions[msg.interaction_id].user
            if owner is not u:
                raise ClientRefused(f"{u.username} cannot see the ephemeral message {msg.id}")
        if comp.get("disabled"):
            raise ClientRefused(f"component {comp.get('custom_id') or comp.get('label')!r} is disabled")
        if comp["type"] == 2 and comp.get("style") in (5, 6):
            raise ClientRefused("link and premium buttons do not send interactions")
        ch = self.channel(msg.channel_id)
        g = self.guilds.get(msg.guild_id) if msg.guild_id else None
        data: dict[str, Any] = {"custom_id": comp["custom_id"], "component_type": comp["type"]}
        if comp["type"] in SELECT_TYPES:
            data["values"] = self._select_values(comp, values or [], g, u, ch, data)
        elif values is not None:
            raise ClientRefused("values= is for select menus")
        result, payload = self._interaction_base(3, u, g, ch, data)
        payload["message"] = msg.payload(bot_id=self.bot_user.id)
        result.source_message_id = msg.id
        return await self._run_interaction(result, wait=wait, timeout=timeout)

    def _find_component(self, msg: Message, custom_id: str | None, label: str | None) -> dict[str, Any]:
        for comp in walk_components(msg.components):
            if comp.get("type") not in (2, *SELECT_TYPES):
                continue
            if (custom_id is not None and comp.get("custom_id") == custom_id) or (
                label is not None and comp.get("label") == label
            ):
                return comp
        found = [
            (c.get("label"), c.get("custom_id")) for c in walk_components(msg.components) if "custom_id" in c
        ]
        raise ClientRefused(f"message {msg.id} has no component {custom_id or label!r}; it has {found}")

    def _select_values(
        self,
        comp: dict[str, Any],
        values: list[Any],
        g: Guild | None,
        u: User,
        ch: Channel,
        data: dict[str, Any],
    ) -> list[str]:
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise ClientRefused(f"select {comp['custom_id']!r} takes {lo}..{hi} values, got {len(values)}")
        if comp["type"] == 3:
            allowed = [o["value"] for o in comp.get("options") or ()]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ClientRefused(
                    f"select {comp['custom_id']!r} has no option(s) {bad}; options: {allowed}"
                )
            return [str(v) for v in values]
        resolved: dict[str, dict[str, Any]] = {}
        kind = {5: 6, 6: 8, 7: 9, 8: 7}[comp["type"]]
        ids = [
            self._option_value({"type": kind, "name": comp["custom_id"]}, v, g, u, ch, resolved)
            for v in values
        ]
        data["resolved"] = resolved
        return ids

    async def submit_modal(
        self,
        user: User | Member | int,
        values: dict[str, Any] | None = None,
        /,
        *,
        modal: Modal | None = None,
        wait: bool = True,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        """Fill and submit the last modal the bot opened for this user; keys: input labels or custom_ids."""
        u = self.user(user)
        modal = modal or self.last_modal(u)
        if modal.submitted:
            raise ClientRefused(f"modal {modal.title!r} was already submitted")
        given = {**(values or {}), **kwargs}
        used: set[str] = set()

        def value_for(inp_custom_id: str, inp_label: str | None) -> Any:
            for key in (inp_custom_id, inp_label):
                if key is not None and key in given:
                    used.add(key)
                    return given[key]
            return None

        inputs = {i.custom_id: i for i in modal.inputs}

        def text_value(comp: dict[str, Any], label: str | None) -> dict[str, Any]:
            inp = inputs[comp["custom_id"]]
            value = value_for(inp.custom_id, label)
            if comp["type"] != 4:
                chosen = list(value or [])
                if inp.required and not chosen:
                    raise ClientRefused(f"modal {modal.title!r}: {label or inp.custom_id!r} is required")
                return {"type": comp["type"], "custom_id": inp.custom_id, "values": [str(v) for v in chosen]}
            text = inp.value or "" if value is None else str(value)
            if inp.required and not text:
                raise ClientRefused(f"modal {modal.title!r}: {label or inp.custom_id!r} is required")
            if text and (
                len(text) < (inp.min_length or 0) or len(text) > (inp.max_length if inp.max_length else 4000)
            ):
                raise ClientRefused(
                    f"modal {modal.title!r}: {label or inp.custom_id!r} must be {inp.min_length or 0}.."
                    f"{inp.max_length or 4000} characters, got {len(text)}"
                )
            out = {"type": 4, "custom_id": inp.custom_id, "value": text}
            if "id" in comp:
                out["id"] = comp["id"]
            return out

        components: list[dict[str, Any]] = []
        for comp in modal.components:
            if comp.get("type") == 1:
                row = [text_value(c, c.get("label")) for c in comp.get("components") or ()]
                components.append({"type": 1, "components": row})
            elif comp.get("type") == 18:
                components.append({"type": 18, "component": text_value(comp["component"], comp.get("label"))})
            elif "id" in comp:
                components.append({"type": comp["type"], "id": comp["id"]})
        unused = set(given) - used
        if unused:
            labels = [(i.label, i.custom_id) for i in modal.inputs]
            raise ClientRefused(f"modal {modal.title!r} has no input(s) {sorted(unused)}; inputs: {labels}")
        g = self.guilds.get(modal.guild_id) if modal.guild_id else None
        ch = self.channel(modal.channel_id)
        result, payload = self._interaction_base(
            5, u, g, ch, {"custom_id": modal.custom_id, "components": components}
        )
        if modal.source_message_id is not None:
            source = self.messages[modal.source_message_id]
            payload["message"] = source.payload(bot_id=self.bot_user.id)
            result.source_message_id = source.id
        modal.submitted = True
        return await self._run_interaction(result, wait=wait, timeout=timeout)

    # ================================================================================================= REST
    def _register_routes(self) -> None:
        r = self._route
        r("GET", "/users/@me", self._get_me)
        r("POST", "/users/@me/channels", self._create_dm)
        r("GET", "/users/{user_id}", self._get_user)
        r("GET", "/oauth2/applications/@me", self._get_application)
        r("GET", "/gateway", self._get_gateway, auth=False)
        r("GET", "/gateway/bot", self._get_gateway)
        r("GET", "/applications/{application_id}/commands", self._get_commands)
        r("PUT", "/applications/{application_id}/commands", self._put_commands)
        r("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self._get_commands)
        r("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self._put_commands)
        r("GET", "/guilds/{guild_id}", self._get_guild)
        r("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self._get_guild_roles)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member)
        r("GET", "/channels/{channel_id}", self._get_channel)
        r("GET", "/channels/{channel_id}/messages", self._get_messages)
        r("POST", "/channels/{channel_id}/messages", self._post_message)
        r("POST", "/channels/{channel_id}/typing", self._typing)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message)
        r("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._add_reaction)
        r(
            "DELETE",
            "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
            self._remove_reaction,
        )
        r("POST", "/interactions/{interaction_id}/{token}/callback", self._callback, auth=False)
        r("POST", "/webhooks/{application_id}/{token}", self._followup, auth=False)
        for m, h in (("GET", self._get_webhook_message), ("PATCH", self._edit_webhook_message)):
            r(m, "/webhooks/{application_id}/{token}/messages/@original", h, auth=False)
            r(m, "/webhooks/{application_id}/{token}/messages/{message_id}", h, auth=False)
        r(
            "DELETE",
            "/webhooks/{application_id}/{token}/messages/@original",
            self._delete_webhook_message,
            auth=False,
        )
        r(
            "DELETE",
            "/webhooks/{application_id}/{token}/messages/{message_id}",
            self._delete_webhook_message,
            auth=False,
        )

    def _route(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        pattern = re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
        self._routes.append((method, template, pattern, handler, auth))

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.rel_url.raw_path[len(API_PREFIX) :]
        path = urllib.parse.unquote(raw_path)
        body, files = await self._read_body(request)
        loop = asyncio.get_running_loop()
        call = Call(request.method, path, None, dict(request.query), body, files, loop.time())
        self.calls.append(call)
        status, response = await self._serve(request, call, raw_path)
        call.status, call.response = status, response
        self._notify(call.interaction_id)
        headers = {}
        if status == 429:
            headers = {"Via": "1.1 google", "X-RateLimit-Scope": "user", "Retry-After": "1"}
        if status == 204 or response is None:
            return web.Response(status=204 if status < 300 else status, headers=headers)
        headers["Content-Type"] = JSON
        return web.Response(status=status, body=json.dumps(response).encode(), headers=headers)

    async def _serve(self, request: web.Request, call: Call, raw_path: str) -> tuple[int, Any]:
        for method, template, pattern, handler, auth in self._routes:
            if method != request.method:
                continue
            match = pattern.match(raw_path)
            if match is None:
                continue
            call.route = template
            call.params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
            if auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return 401, {"message": "401: Unauthorized", "code": 0}
            fault = self._take_fault(call)
            if fault is not None:
                return fault
            req = _Request(request.method, call.params, call.query, call.json, call.files, call)
            try:
                result = await handler(req)
            except ApiError as e:
                return e.status, e.body()
            return (204, None) if result is None else (200, result)
        self.unknown_routes.append(call)
        return 404, {"message": "404: Not Found", "code": 0}

    def _take_fault(self, call: Call) -> tuple[int, Any] | None:
        for fault in self._faults:
            if (
                fault.times > 0
                and fault.method == call.method
                and (fault.pattern == call.route or fnmatch.fnmatchcase(call.path, fault.pattern))
            ):
                fault.times -= 1
                body: dict[str, Any] = {"message": fault.message, "code": fault.code}
                if fault.retry_after is not None:
                    body.update(retry_after=fault.retry_after, **{"global": False})
                return fault.status, body
        return None

    async def _read_body(self, request: web.Request) -> tuple[Any, list[FileUpload]]:
        ctype = request.headers.get("Content-Type", "")
        files: list[FileUpload] = []
        if ctype.startswith("multipart/"):
            body: Any = None
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    data = await part.read()  # type: ignore[union-attr]
                    files.append(
                        FileUpload(
                            part.name or "",  # type: ignore[union-attr]
                            part.filename or "",  # type: ignore[union-attr]
                            bytes(data),
                            part.headers.get("Content-Type"),  # type: ignore[union-attr]
                        )
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, files
        return json.loads(raw), files

    # --------------------------------------------------------------------------------------------- users
    async def _get_me(self, req: _Request) -> Any:
        return {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0, "email": None}

    async def _get_user(self, req: _Request) -> Any:
        user = self.users.get(int(req.params["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return user.payload()

    async def _create_dm(self, req: _Request) -> Any:
        uid = int((req.json or {}).get("recipient_id", 0))
        if uid not in self.users:
            raise invalid("recipient_id", "Value is not snowflake.")
        return self.dm_channel(uid).payload()

    async def _get_application(self, req: _Request) -> Any:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self.app_owner.payload(),
            "team": None,
            "flags": 0,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self.guilds),
            "bot": self.bot_user.payload(),
        }

    async def _get_gateway(self, req: _Request) -> Any:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }

    # ----------------------------------------------------------------------------------------- commands
    def _check_app(self, req: _Request) -> None:
        if int(req.params["application_id"]) != self.application_id:
            raise ApiError(403, 50001, "Missing Access")

    def _command_store(self, req: _Request) -> dict[str, dict[str, Any]]:
        self._check_app(req)
        if "guild_id" not in req.params:
            return self.global_commands
        gid = int(req.params["guild_id"])
        if gid not in self.guilds:
            raise ApiError(404, 10004, "Unknown Guild")
        return self.guild_commands.setdefault(gid, {})

    async def _get_commands(self, req: _Request) -> Any:
        return list(self._command_store(req).values())

    async def _put_commands(self, req: _Request) -> Any:
        store = self._command_store(req)
        body = req.json
        if not isinstance(body, list):
            raise invalid("_root", "Must be an array.")
        if len(body) > 100:
            raise invalid("_root", "Must be 100 or fewer in length.")
        seen: set[tuple[str, int]] = set()
        new: dict[str, dict[str, Any]] = {}
        for i, cmd in enumerate(body):
            ctype = cmd.get("type", 1)
            _validate_command(cmd, f"{i}")
            key = (cmd["name"], ctype)
            if key in seen:
                raise invalid(f"{i}.name", "Application command names must be unique")
            seen.add(key)
            old = store.get(cmd["name"])
            stored = {
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                "description": "",
                **cmd,
                "id": old["id"] if old and old.get("type", 1) == ctype else str(self.ids.next()),
                "application_id": str(self.application_id),
                "version": str(self.ids.next()),
            }
            if "guild_id" in req.params:
                stored["guild_id"] = req.params["guild_id"]
            new[cmd["name"]] = stored
        store.clear()
        store.update(new)
        return list(new.values())

    # -------------------------------------------------------------------------------------------- guilds
    def _known_guild(self, req: _Request) -> Guild:
        g = self.guilds.get(int(req.params["guild_id"]))
        if g is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return g

    async def _get_guild(self, req: _Request) -> Any:
        g = self._known_guild(req)
        data = g.payload(members=[], member_count=len(g.members))
        for key in ("channels", "members", "threads", "voice_states", "presences", "member_count", "large"):
            data.pop(key, None)
        data["approximate_member_count"] = len(g.members)
        return data

    async def _get_guild_channels(self, req: _Request) -> Any:
        return [c.payload() for c in self._known_guild(req).channels.values()]

    async def _get_guild_roles(self, req: _Request) -> Any:
        return [r.payload() for r in self._known_guild(req).roles.values()]

    async def _get_member(self, req: _Request) -> Any:
        g = self._known_guild(req)
        m = g.members.get(int(req.params["user_id"]))
        if m is None:
            raise ApiError(404, 10007, "Unknown Member")
        return m.payload()

    # ------------------------------------------------------------------------------------------ channels
    def _known_channel(self, req: _Request, *, need: int = VIEW_CHANNEL) -> Channel:
        ch = self.channels.get(int(req.params["channel_id"]))
        if ch is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if ch.guild_id is not None:
            perms = self.bot_permissions(ch)
            if not perms & VIEW_CHANNEL:
                raise ApiError(403, 50001, "Missing Access")
            if perms & need != need:
                raise ApiError(403, 50013, "Missing Permissions")
        return ch

    def _known_message(self, req: _Request, ch: Channel) -> Message:
        msg = self.messages.get(int(req.params["message_id"]))
        if msg is None or msg.deleted or msg.channel_id != ch.id or msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    async def _get_channel(self, req: _Request) -> Any:
        return self._known_channel(req).payload()

    async def _typing(self, req: _Request) -> Any:
        self._known_channel(req, need=VIEW_CHANNEL | SEND_MESSAGES)
        return None

    async def _get_messages(self, req: _Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        found = list(reversed(self.messages_in(ch)))  # newest first
        q = req.query
        if "before" in q:
            found = [m for m in found if m.id < int(q["before"])]
        if "after" in q:
            found = [m for m in found if m.id > int(q["after"])]
        limit = int(q.get("limit", 50))
        return [m.payload(bot_id=self.bot_user.id) for m in found[:limit]]

    async def _get_message(self, req: _Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        return self._known_message(req, ch).payload(bot_id=self.bot_user.id)

    async def _post_message(self, req: _Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL)
        body = req.json or {}
        if ch.is_dm:
            assert ch.recipient is not None
            if not ch.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            perms = self.bot_permissions(ch)
            need = SEND_MESSAGES
            if req.files:
                need |= ATTACH_FILES
            if body.get("message_reference"):
                need |= READ_MESSAGE_HISTORY
            if perms & need != need:
                raise ApiError(403, 50013, "Missing Permissions")
        _validate_message(body, req.files, creating=True)
        msg = self._new_bot_message(ch, body, req.files)
        msg.type = 19 if msg.message_reference else 0
        self.messages[msg.id] = msg
        await self._dispatch_message("MESSAGE_CREATE", msg)
        return msg.payload(bot_id=self.bot_user.id)

    def _new_bot_message(self, ch: Channel, body: dict[str, Any], files: list[FileUpload]) -> Message:
        referenced = None
        reference = body.get("message_reference")
        if reference:
            ref_id = int(reference["message_id"])
            referenced = self.messages.get(ref_id)
            if referenced is None or referenced.deleted or referenced.channel_id != ch.id:
                if reference.get("fail_if_not_exists", True):
                    raise invalid("message_reference", "Unknown message")
                referenced = None
                reference = None
            else:
                reference = {
                    "type": 0,
                    "message_id": str(referenced.id),
                    "channel_id": str(ch.id),
                    **({"guild_id": str(ch.guild_id)} if ch.guild_id else {}),
                }
        msg = Message(
            id=self.ids.next(),
            channel_id=ch.id,
            guild_id=ch.guild_id,
            author=self.bot_user,
            content=body.get("content") or "",
            embeds=[{"type": "rich", **e} for e in body.get("embeds") or ()],
            components=list(body.get("components") or ()),
            flags=int(body.get("flags") or 0),
            tts=bool(body.get("tts")),
            allowed_mentions=body.get("allowed_mentions"),
            message_reference=reference,
            referenced=referenced,
            nonce=body.get("nonce"),
            seq=next_seq(),
        )
        msg.attachments = self._attachments_from(ch, body, files)
        self._set_pings(msg, ch)
        if ch.guild_id is not None:
            msg.member = self.guilds[ch.guild_id].members[self.bot_user.id]
        return msg

    def _attachments_from(
        self, ch: Channel, body: dict[str, Any], files: list[FileUpload], keep: Iterable[Attachment] = ()
    ) -> list[Attachment]:
        meta = {str(a.get("id")): a for a in body.get("attachments") or ()}
        out = list(keep)
        for i, f in enumerate(files):
            m = meta.get(str(i), {})
            att = self._new_attachment(ch.id, m.get("filename") or f.filename, f.data, f.content_type)
            att.description = m.get("description")
            out.append(att)
        return out

    def _set_pings(self, msg: Message, ch: Channel) -> None:
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        perms = self.bot_permissions(ch) if g is not None else 0
        replied = msg.referenced.author.id if msg.referenced is not None else None
        msg.pings = compute_pings(
            msg.content, msg.allowed_mentions, guild=g, author_permissions=perms, replied_author=replied
        )
        msg.mentioned_users = [self.users[u] for u in sorted(msg.pings.users) if u in self.users]

    def _apply_edit(self, msg: Message, body: dict[str, Any], files: list[FileUpload]) -> None:
        """PATCH semantics: only the fields given change; the result must not be empty."""
        _validate_message(body, files, creating=False)
        ch = self.channels[msg.channel_id]
        content = (body["content"] or "") if "content" in body else msg.content
        embeds = [{"type": "rich", **e} for e in body["embeds"] or ()] if "embeds" in body else msg.embeds
        components = list(body["components"] or ()) if "components" in body else msg.components
        flags = msg.flags & ~LOADING
        if body.get("flags") is not None:
            flags = (flags & (EPHEMERAL | COMPONENTS_V2)) | (
                int(body["flags"]) & (SUPPRESS_EMBEDS | COMPONENTS_V2)
            )
        attachments = msg.attachments
        if "attachments" in body or files:
            keep_ids = {str(a.get("id")) for a in body.get("attachments") or ()}
            kept = (
                [a for a in msg.attachments if str(a.id) in keep_ids]
                if "attachments" in body
                else attachments
            )
            attachments = self._attachments_from(ch, body, files, keep=kept)
        if not (content.strip() or embeds or attachments or (flags & COMPONENTS_V2 and components)):
            raise ApiError(400, 50006, "Cannot send an empty message")
        msg.content, msg.embeds, msg.components, msg.flags, msg.attachments = (
            content,
            embeds,
            components,
            flags,
            attachments,
        )
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        msg.edited_timestamp = now_iso()
        msg.edits.append(dict(body))
        self._set_pings(msg, ch)

    async def _patch_message(self, req: _Request) -> Any:
        ch = self._known_channel(req)
        msg = self._known_message(req, ch)
        if msg.author is not self.bot_user:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._apply_edit(msg, req.json or {}, req.files)
        await self._dispatch_message("MESSAGE_UPDATE", msg)
        return msg.payload(bot_id=self.bot_user.id)

    async def _delete_message(self, req: _Request) -> Any:
        ch = self._known_channel(req)
        msg = self._known_message(req, ch)
        if msg.author is not self.bot_user:
            if ch.is_dm:
                raise ApiError(403, 50003, "Cannot execute action on a DM channel")
            if not self.bot_permissions(ch) & MANAGE_MESSAGES:
                raise ApiError(403, 50013, "Missing Permissions")
        await self._delete(msg)
        return None

    async def _delete(self, msg: Message) -> None:
        msg.deleted = True
        data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
        if self.connected and not msg.ephemeral:
            await self.dispatch(
                "MESSAGE_DELETE",
                data,
                intent=INTENT_GUILD_MESSAGES if msg.guild_id else INTENT_DIRECT_MESSAGES,
            )

    async def _add_reaction(self, req: _Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        msg = self._known_message(req, ch)
        emoji = req.params["emoji"]
        users = msg.reactions.get(emoji)
        if not users and ch.guild_id is not None and not self.bot_permissions(ch) & ADD_REACTIONS:
            raise ApiError(403, 50013, "Missing Permissions")
        if not re.fullmatch(r"[^\w\s]+|[\w~-]+:\d+", emoji):
            raise ApiError(400, 10014, "Unknown Emoji")
        msg.reactions.setdefault(emoji, set()).add(self.bot_user.id)
        return None

    async def _remove_reaction(self, req: _Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        msg = self._known_message(req, ch)
        msg.reactions.get(req.params["emoji"], set()).discard(self.bot_user.id)
        return None

    # -------------------------------------------------------------------------------------- interactions
    async def _callback(self, req: _Request) -> Any:
        inter = self.interactions.get(int(req.params["interaction_id"]))
        if inter is None or inter.token != req.params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        inter.calls.append(req.call)
        req.call.interaction_id = inter.id
        loop = asyncio.get_running_loop()
        try:
            if inter.ack_type is not None:
                raise ApiError(400, 40060, "Interaction has already been acknowledged.")
            if loop.time() - inter.created > self.ack_deadline:
                raise ApiError(404, 10062, "Unknown interaction")
            body = req.json or {}
            ctype = body.get("type")
            allowed = {2: (4, 5, 9), 3: (4, 5, 6, 7, 9), 4: (8,), 5: (4, 5, 6, 7)}[inter.type]
            if ctype not in allowed:
                raise invalid("type", f"callback type {ctype} is not valid for interaction type {inter.type}")
            if ctype in (6, 7) and inter.source_message_id is None:
                raise invalid("type", "no message to update for this interaction")
            data = body.get("data") or {}
            resource = self._acknowledge(inter, ctype, data, req.files)
        except ApiError:
            inter.rejected.append(req.call)
            raise
        inter.ack_type = ctype
        inter.ack_time = loop.time()
        if "with_response" not in req.query or req.query["with_response"] in ("0", "false"):
            return None
        original = inter.original
        info: dict[str, Any] = {
            "id": str(inter.id),
            "type": inter.type,
            "response_message_loading": ctype == 5,
            "response_message_ephemeral": bool(original and original.ephemeral and ctype in (4, 5)),
        }
        if original is not None and ctype in (4, 5, 7):
            info["response_message_id"] = str(original.id)
        out: dict[str, Any] = {"interaction": info}
        if resource is not None:
            out["resource"] = resource
        return out

    def _acknowledge(
        self, inter: InteractionResult, ctype: int, data: dict[str, Any], files: list[FileUpload]
    ) -> dict[str, Any] | None:
        ch = self.channels[inter.channel_id]
        if ctype in (4, 5):
            if ctype == 4:
                _validate_message(data, files, creating=True)
            msg = self._new_bot_message(
                ch, {k: v for k, v in data.items() if k != "message_reference"}, files
            )
            msg.flags = int(data.get("flags") or 0) & (
                EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
            )
            if ctype == 5:
                msg.flags = (msg.flags & EPHEMERAL) | LOADING
            msg.type = 20 if inter.type == 2 else 0
            msg.webhook_id = self.application_id
            msg.application_id = self.application_id
            msg.interaction_id = inter.id
            msg.interaction_metadata = {
                "id": str(inter.id),
                "type": inter.type,
                "user": inter.user.payload(),
                "authorizing_integration_owners": inter.payload.get("authorizing_integration_owners", {}),
            }
            self.messages[msg.id] = msg
            inter.original = msg
            return {"type": ctype, "message": msg.payload(bot_id=self.bot_user.id)}
        if ctype in (6, 7):
            msg = self.messages[inter.source_message_id]  # type: ignore[index]
            inter.original = msg
            if ctype == 7:
                self._apply_edit(msg, data, files)
                return {"type": 7, "message": msg.payload(bot_id=self.bot_user.id)}
            return None
        if ctype == 8:
            choices = data.get("choices") or []
            if len(choices) > 25:
                raise invalid("data.choices", "Must be 25 or fewer in length.")
            for i, c in enumerate(choices):
                if not 1 <= len(str(c.get("name", ""))) <= 100:
                    raise invalid(f"data.choices.{i}.name", "Must be between 1 and 100 in length.")
            inter.choices = list(choices)
            return None
        # ctype == 9: a modal
        _validate_modal(data)
        modal = Modal(
            custom_id=data["custom_id"],
            title=data["title"],
            components=list(data["components"]),
            user_id=inter.user.id,
            guild_id=inter.guild_id,
            channel_id=inter.channel_id,
            interaction_id=inter.id,
            source_message_id=inter.source_message_id,
            _fake=self,
        )
        inter.modal = modal
        self._last_modal[inter.user.id] = modal
        return None

    def _webhook_interaction(self, req: _Request) -> InteractionResult:
        inter = self._by_token.get(req.params["token"])
        if inter is None or int(req.params["application_id"]) != self.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        inter.calls.append(req.call)
        req.call.interaction_id = inter.id
        if inter.ack_type is None:
            inter.rejected.append(req.call)
            raise ApiError(404, 10015, "Unknown Webhook")
        if asyncio.get_running_loop().time() - inter.created > self.token_lifetime:
            inter.rejected.append(req.call)
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return inter

    async def _followup(self, req: _Request) -> Any:
        inter = self._webhook_interaction(req)
        body = req.json or {}
        try:
            _validate_message(body, req.files, creating=True)
        except ApiError:
            inter.rejected.append(req.call)
            raise
        ch = self.channels[inter.channel_id]
        msg = self._new_bot_message(ch, body, req.files)
        msg.flags = int(body.get("flags") or 0) & (
            EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
        )
        msg.webhook_id = msg.application_id = self.application_id
        msg.interaction_id = inter.id
        msg.type = 20 if inter.type == 2 else 0
        self.messages[msg.id] = msg
        inter.followups.append(msg)
        if req.query.get("wait") in ("true", "1", "True"):
            return msg.payload(bot_id=self.bot_user.id)
        return None

    def _webhook_message(self, req: _Request, inter: InteractionResult) -> Message:
        mid = req.params.get("message_id")
        if mid is None:  # @original
            if inter.original is None or inter.original.deleted:
                inter.rejected.append(req.call)
                raise ApiError(404, 10008, "Unknown Message")
            return inter.original
        for m in [inter.original, *inter.followups]:
            if m is not None and str(m.id) == mid and not m.deleted:
                return m
        inter.rejected.append(req.call)
        raise ApiError(404, 10008, "Unknown Message")

    async def _get_webhook_message(self, req: _Request) -> Any:
        inter = self._webhook_interaction(req)
        msg = self._webhook_message(req, inter)
        if req.call.method == "PATCH":
            try:
                self._apply_edit(msg, req.json or {}, req.files)
            except ApiError:
                inter.rejected.append(req.call)
                raise
        return msg.payload(bot_id=self.bot_user.id)

    _edit_webhook_message = _get_webhook_message

    async def _delete_webhook_message(self, req: _Request) -> Any:
        inter = self._webhook_interaction(req)
        await self._delete(self._webhook_message(req, inter))
        return None


# ======================================================================================== validation rules
def _validate_command(cmd: dict[str, Any], where: str) -> None:
    ctype = cmd.get("type", 1)
    name = cmd.get("name", "")
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        raise invalid(f"{where}.name", "Must be between 1 and 32 in length.")
    if ctype == 1:
        if not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower():
            raise invalid(f"{where}.name", "Command name is invalid")
        if not 1 <= len(cmd.get("description") or "") <= 100:
            raise invalid(f"{where}.description", "Must be between 1 and 100 in length.")
        _validate_options(cmd.get("options") or [], f"{where}.options", depth=0)


def _validate_options(options: list[dict[str, Any]], where: str, depth: int) -> None:
    if len(options) > 25:
        raise invalid(where, "Must be 25 or fewer in length.")
    seen_optional = False
    names: set[str] = set()
    for i, opt in enumerate(options):
        here = f"{where}.{i}"
        name = opt.get("name", "")
        if not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower():
            raise invalid(f"{here}.name", "Command name is invalid")
        if name in names:
            raise invalid(f"{here}.name", "Option names must be unique")
        names.add(name)
        if not 1 <= len(opt.get("description") or "") <= 100:
            raise invalid(f"{here}.description", "Must be between 1 and 100 in length.")
        if opt.get("type") in (1, 2):
            if depth >= (1 if opt["type"] == 2 else 2):
                raise invalid(here, "Sub-commands nested too deeply")
            _validate_options(opt.get("options") or [], f"{here}.options", depth + 1)
            continue
        if opt.get("required"):
            if seen_optional:
                raise invalid(
                    f"{here}.required", "Required options must be placed before non-required options"
                )
        else:
            seen_optional = True
        if len(opt.get("choices") or ()) > 25:
            raise invalid(f"{here}.choices", "Must be 25 or fewer in length.")
        if opt.get("choices") and opt.get("autocomplete"):
            raise invalid(f"{here}.autocomplete", "Autocomplete cannot be set with choices")


def _validate_message(body: dict[str, Any], files: list[FileUpload], *, creating: bool) -> None:
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    components = body.get("components") or []
    flags = int(body.get("flags") or 0)
    v2 = bool(flags & COMPONENTS_V2)
    if creating and not (
        content.strip()
        or embeds
        or files
        or body.get("sticker_ids")
        or body.get("poll")
        or (v2 and components)
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")
    if len(content) > 2000:
        raise invalid("content", "Must be 2000 or fewer in length.")
    if v2 and (content or embeds):
        raise invalid("content", "The 'content' and 'embeds' fields cannot be used with IS_COMPONENTS_V2")
    if len(embeds) > 10:
        raise invalid("embeds", "Must be 10 or fewer in length.")
    total = 0
    for i, e in enumerate(embeds):
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            text = e.get(key) or ""
            total += len(text)
            if len(text) > limit:
                raise invalid(f"embeds.{i}.{key}", f"Must be {limit} or fewer in length.")
        fields = e.get("fields") or []
        if len(fields) > 25:
            raise invalid(f"embeds.{i}.fields", "Must be 25 or fewer in length.")
        for j, f in enumerate(fields):
            name, value = str(f.get("name") or ""), str(f.get("value") or "")
            if not 1 <= len(name) <= 256:
                raise invalid(f"embeds.{i}.fields.{j}.name", "Must be between 1 and 256 in length.")
            if not 1 <= len(value) <= 1024:
                raise invalid(f"embeds.{i}.fields.{j}.value", "Must be between 1 and 1024 in length.")
            total += len(name) + len(value)
        for key, sub, limit in (("footer", "text", 2048), ("author", "name", 256)):
            text = (e.get(key) or {}).get(sub) or ""
            total += len(text)
            if len(text) > limit:
                raise invalid(f"embeds.{i}.{key}.{sub}", f"Must be {limit} or fewer in length.")
    if total > 6000:
        raise invalid("embeds", "Embed size exceeds maximum size of 6000")
    _validate_components(components, v2)


def _validate_components(components: list[dict[str, Any]], v2: bool) -> None:
    if not v2:
        if len(components) > 5:
            raise invalid("components", "Must be 5 or fewer in length.")
        for i, row in enumerate(components):
            if row.get("type") != 1:
                raise invalid(f"components.{i}.type", "Top-level components must be action rows")
            children = row.get("components") or []
            if not children or len(children) > 5:
                raise invalid(f"components.{i}.components", "Must be between 1 and 5 in length.")
            if any(c.get("type") in SELECT_TYPES for c in children) and len(children) > 1:
                raise invalid(f"components.{i}.components", "A select menu must be alone in its row")
    custom_ids: set[str] = set()
    for comp in walk_components(components):
        cid = comp.get("custom_id")
        if cid is not None:
            if not 1 <= len(cid) <= 100:
                raise invalid("components.custom_id", "Must be between 1 and 100 in length.")
            if cid in custom_ids:
                raise invalid("components.custom_id", f"Component custom id {cid!r} cannot be duplicated")
            custom_ids.add(cid)
        if comp.get("type") == 2:
            if len(comp.get("label") or "") > 80:
                raise invalid("components.label", "Must be 80 or fewer in length.")
            if comp.get("style") == 5 and not comp.get("url"):
                raise invalid("components.url", "Link buttons need a url")
            if comp.get("style") not in (5, 6) and cid is None:
                raise invalid("components.custom_id", "Non-link buttons need a custom_id")


def _validate_modal(data: dict[str, Any]) -> None:
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        raise invalid("data.custom_id", "Must be between 1 and 100 in length.")
    if not 1 <= len(data.get("title") or "") <= 45:
        raise invalid("data.title", "Must be between 1 and 45 in length.")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise invalid("data.components", "Must be between 1 and 5 in length.")
    for comp in walk_components(components):
        if comp.get("type") == 4:
            label = comp.get("label")
            if label is not None and not 1 <= len(label) <= 45:
                raise invalid("data.components.label", "Must be between 1 and 45 in length.")
            if not 1 <= len(comp.get("custom_id") or "") <= 100:
                raise invalid("data.components.custom_id", "Must be between 1 and 100 in length.")
            if comp.get("style") not in (1, 2):
                raise invalid("data.components.style", "Value must be one of {1, 2}.")
            lo, hi = comp.get("min_length"), comp.get("max_length")
            if (lo is not None and not 0 <= lo <= 4000) or (hi is not None and not 1 <= hi <= 4000):
                raise invalid("data.components.min_length", "Must be between 0 and 4000.")
        if comp.get("type") == 18 and not 1 <= len(comp.get("label") or "") <= 45:
            raise invalid("data.components.label", "Must be between 1 and 45 in length.")
