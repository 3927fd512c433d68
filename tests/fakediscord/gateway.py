"""The fake's gateway: the websocket (HELLO, IDENTIFY, RESUME, heartbeats), shards, and event dispatch.

Frames are plain text JSON (discord.py only decompresses binary frames, so ``compress=`` is ignored).
IDENTIFY with a wrong token is closed with 4004, with a privileged intent not enabled with 4014, with an
invalid ``shard`` with 4010, and without sharding when the session would hold too many guilds with 4011.
Events are only sent when the session asked for their intent, and message content only with
MESSAGE_CONTENT (or when the bot is mentioned, or in DMs).

Shards, as Discord routes them: a session identified with ``shard: [id, count]`` receives the guilds with
``(guild_id >> 22) % count == id`` (READY, GUILD_CREATE and every later event of those guilds); DMs go to
shard 0. Several sessions may hold the same shard (Discord documents it: ``num_shards`` only routes traffic,
it does not limit sessions; that is how zero-downtime hand-overs work): each receives the shard's events.

Disconnects: a session the bot did not close itself (1000/1001) stays resumable; events for it are kept
and replayed, in order, on RESUME, then RESUMED, as Discord does. ``drop_gateway``, ``refuse_next_resume``
and ``invalidate_session`` inject the faults.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import collections
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .model import Guild, Message
from .rules import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    PRIVILEGED_INTENTS,
)

#: Discord closes an unsharded session that would hold more guilds than this with 4011.
MAX_GUILDS_PER_SESSION = 2500
#: Events kept per session for replay on RESUME.
REPLAY_LIMIT = 10_000


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's sharding formula."""
    return (guild_id >> 22) % shard_count


@dataclass(eq=False)
class GatewaySession:
    """One identified session; ``ws`` is its current connection (None while disconnected)."""

    session_id: str
    intents: int
    shard_id: int = 0
    shard_count: int = 1
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: False once the bot closed it (1000/1001) or it was invalidated: it cannot be resumed.
    resumable: bool = True
    #: Set while the fake itself closes or invalidates the connection (the bot's reply is not its own close).
    fake_closing: bool = False
    #: (event, guild id) of the dispatches sent on this session, in order (the last REPLAY_LIMIT).
    dispatched: collections.deque[tuple[str, int | None]] = field(
        default_factory=lambda: collections.deque(maxlen=REPLAY_LIMIT)
    )
    _replay: collections.deque[tuple[int, str]] = field(
        default_factory=lambda: collections.deque(maxlen=REPLAY_LIMIT)
    )

    @property
    def open(self) -> bool:
        return self.ws is not None and not self.ws.closed

    @property
    def live(self) -> bool:
        """Connected, or disconnected but resumable: its events are delivered (now or on RESUME)."""
        return self.open or self.resumable

    @property
    def shard(self) -> tuple[int, int]:
        return self.shard_id, self.shard_count

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session receives the events of a guild (``None``: DMs, shard 0)."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)


class Gateway:
    """Serves ``/gateway``; ``dispatch`` sends an event to the sessions of its guild's shard."""

    def _init_gateway(self) -> None:
        #: Privileged intents switched on in the "developer portal"; IDENTIFY asking for others gets 4014.
        self.enabled_privileged_intents = PRIVILEGED_INTENTS
        #: What ``GET /gateway/bot`` recommends (an ``AutoShardedClient`` without ``shard_count`` uses it).
        self.recommended_shards = 1
        self.sessions: dict[str, GatewaySession] = {}
        #: The session identified or resumed last.
        self.session: GatewaySession | None = None
        self.identify_count = 0
        self.resume_count = 0
        self.gateway_payloads: list[dict[str, Any]] = []  # everything the bot sent on the gateway
        self._websockets: set[web.WebSocketResponse] = set()
        self._background: set[asyncio.Task[None]] = set()
        #: Errors sending model-change events to the bot (the bot disconnected meanwhile, ...).
        self.background_errors: list[BaseException] = []
        self._refuse_resumes = 0

    # ------------------------------------------------------------------------------------------- sessions
    @property
    def connected(self) -> bool:
        """Whether a bot (any shard) is on the gateway now."""
        return any(s.open for s in self.sessions.values())

    def live_sessions(self, guild_id: int | None = None, *, any_guild: bool = False) -> list[GatewaySession]:
        """Sessions that receive a guild's events (``any_guild``: every live session)."""
        return [s for s in self.sessions.values() if s.live and (any_guild or s.owns(guild_id))]

    def shard_session(self, shard_id: int) -> GatewaySession:
        """The latest open session holding shard ``shard_id``."""
        found = [s for s in self.sessions.values() if s.open and s.shard_id == shard_id]
        if not found:
            held = sorted({s.shard for s in self.sessions.values() if s.open})
            raise RuntimeError(f"no open session holds shard {shard_id} (open: {held})")
        return found[-1]

    def shard_session_open(self, shard_id: int) -> bool:
        """Whether some session holding shard ``shard_id`` is connected now."""
        return any(s.open and s.shard_id == shard_id for s in self.sessions.values())

    async def wait_connected(self, timeout: float = 5.0, *, shards: int = 1) -> GatewaySession:
        """Wait until ``shards`` distinct shards have an open session; returns the latest session."""

        def enough() -> bool:
            return len({s.shard_id for s in self.sessions.values() if s.open}) >= shards

        await self.wait_until(enough, timeout=timeout, what=f"{shards} shard(s) on the gateway")
        assert self.session is not None
        return self.session

    # ------------------------------------------------------------------------------------------ websocket
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
                # The bot ended the session itself (a close the fake asked for is answered 1000 too).
                if ws.close_code in (1000, 1001) and not session.fake_closing:
                    session.resumable = False
                session.fake_closing = False
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
        shard = d.get("shard") or [0, 1]
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        session = GatewaySession(
            secrets.token_hex(16), intents, shard_id=shard[0], shard_count=shard[1], ws=ws
        )
        guilds = [g for g in self.guilds.values() if session.owns(g.id)]
        if len(guilds) > MAX_GUILDS_PER_SESSION:
            await ws.close(code=4011, message=b"Sharding required.")
            return None
        self.identify_count += 1
        self.sessions[session.session_id] = session
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        await self._send_dispatch(session, "READY", ready)
        for g in guilds:
            await self._send_dispatch(session, "GUILD_CREATE", self._guild_create(g, session), guild_id=g.id)
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
        refused = self._refuse_resumes > 0
        if session is None or not session.resumable or refused or d.get("token") != self.token:
            if refused:
                self._refuse_resumes -= 1
            if session is not None:
                session.resumable = False
            await ws.send_str(json.dumps({"op": 9, "d": False}))  # invalid session, not resumable
            return None
        async with session.lock:
            old = session.ws
            session.ws = ws
            if old is not None and not old.closed and old is not ws:  # the old connection is replaced
                await old.close(code=4000)
            after = int(d.get("seq") or 0)
            for seq, frame in list(session._replay):
                if seq > after:
                    await ws.send_str(frame)
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

    async def _send_dispatch(
        self, session: GatewaySession, event: str, data: Any, *, guild_id: int | None = None
    ) -> None:
        """Send (or, while a resumable session is disconnected, keep for its RESUME) one event."""
        async with session.lock:
            if not session.live:
                raise RuntimeError("the bot's gateway session is closed")
            session.seq += 1
            frame = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
            session._replay.append((session.seq, frame))
            session.dispatched.append((event, guild_id))
            if session.open:
                assert session.ws is not None
                await session.ws.send_str(frame)

    def _targets(self, event: str, guild_id: int | None, intent: int | None) -> list[GatewaySession] | None:
        sessions = self.live_sessions(guild_id)
        if not sessions and not self.live_sessions(any_guild=True):
            return None
        return [s for s in sessions if intent is None or s.has(intent)]

    async def dispatch(
        self, event: str, data: Any, *, intent: int | None = None, guild_id: int | None = None
    ) -> bool:
        """Send a gateway event to the sessions of its guild's shard (``guild_id`` or ``data["guild_id"]``).

        False (not sent) when none of them asked for ``intent``. Raises when no bot is on the gateway at all.
        """
        if guild_id is None and isinstance(data, dict) and data.get("guild_id"):
            guild_id = int(data["guild_id"])
        targets = self._targets(event, guild_id, intent)
        if targets is None:
            raise RuntimeError(f"cannot dispatch {event}: no bot is connected to the fake gateway")
        for session in targets:
            await self._send_dispatch(session, event, data, guild_id=guild_id)
        return bool(targets)

    def _gateway_soon(self, intent: int, event: str, make: Callable[[], Any]) -> None:
        """Tell connected bots about a model change made by the test (no-op when none is connected)."""
        if not self.live_sessions(any_guild=True):
            return
        data = make()
        guild_id = int(data["guild_id"]) if isinstance(data, dict) and data.get("guild_id") else None
        for session in self._targets(event, guild_id, intent) or ():
            task = asyncio.get_running_loop().create_task(
                self._send_dispatch(session, event, data, guild_id=guild_id)
            )
            self._background.add(task)
            task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.background_errors.append(task.exception())  # type: ignore[arg-type]

    async def _dispatch_message(self, event: str, msg: Message) -> bool:
        """MESSAGE_CREATE/UPDATE for the guild's sessions, by intent (content needs MESSAGE_CONTENT)."""
        delivered = False
        intent = INTENT_DIRECT_MESSAGES if msg.guild_id is None else INTENT_GUILD_MESSAGES
        for session in self.live_sessions(msg.guild_id):
            if not session.has(intent):
                continue
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
            await self._send_dispatch(session, event, data, guild_id=msg.guild_id)
            delivered = True
        return delivered

    # ------------------------------------------------------------------------------ reconnects and faults
    def _open_session(self, shard: int | None) -> GatewaySession:
        if shard is not None:
            return self.shard_session(shard)
        session = self.session
        if session is None or not session.open:
            raise RuntimeError("no bot is connected")
        return session

    async def reconnect(self, timeout: float = 5.0, *, shard: int | None = None) -> None:
        """Ask the bot to reconnect (op 7); it resumes on ``resume_gateway_url``; waits for the RESUMED."""
        session = self._open_session(shard)
        before = self.resume_count
        assert session.ws is not None
        await session.ws.send_str(json.dumps({"op": 7, "d": None}))
        await self.wait_until(
            lambda: self.resume_count > before and session.open, timeout=timeout, what="RESUME"
        )

    async def drop_gateway(
        self, *, shard: int | None = None, code: int = 4000, resumable: bool = True
    ) -> GatewaySession:
        """Close the bot's connection as a network failure or a Discord restart would.

        The session stays resumable (events meanwhile are replayed on RESUME) unless ``resumable=False``:
        then the RESUME is answered op 9 ``d: false`` and the bot identifies anew (a new session, READY and
        GUILD_CREATE again). ``code`` 4000 ("unknown error") is one discord.py reconnects after.
        """
        session = self._open_session(shard)
        session.resumable = resumable
        session.fake_closing = True
        assert session.ws is not None
        await session.ws.close(code=code, message=b"fake Discord dropped the connection")
        return session

    def refuse_next_resume(self, times: int = 1) -> None:
        """Answer the next ``times`` RESUMEs with op 9 ``d: false`` (the session expired): identify anew."""
        self._refuse_resumes += times

    async def invalidate_session(self, *, shard: int | None = None, resumable: bool = False) -> None:
        """Send op 9 (invalid session) on a live connection; ``d: false``: the bot must identify anew."""
        session = self._open_session(shard)
        session.resumable = resumable
        session.fake_closing = True
        assert session.ws is not None
        await session.ws.send_str(json.dumps({"op": 9, "d": resumable}))
