"""The fake's gateway: the websocket (HELLO, IDENTIFY, RESUME, heartbeats) and event dispatch to the bot.

Frames are plain text JSON (discord.py only decompresses binary frames, so ``compress=`` is ignored).
IDENTIFY with a wrong token is closed with 4004, with a privileged intent not enabled with 4014; events
are only sent when the bot asked for their intent, and message content only with MESSAGE_CONTENT (or when
the bot is mentioned, or in DMs).
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .model import (
    Guild,
    Message,
)
from .rules import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    PRIVILEGED_INTENTS,
)


@dataclass(eq=False)
class GatewaySession:
    """One identified session; ``ws`` is its current connection (None while disconnected)."""

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


class Gateway:
    """Serves ``/gateway``; ``dispatch`` sends an event to the connected bot."""

    def _init_gateway(self) -> None:
        #: Privileged intents switched on in the "developer portal"; IDENTIFY asking for others gets 4014.
        self.enabled_privileged_intents = PRIVILEGED_INTENTS
        self.sessions: dict[str, GatewaySession] = {}
        self.session: GatewaySession | None = None
        self.identify_count = 0
        self.resume_count = 0
        self.gateway_payloads: list[dict[str, Any]] = []  # everything the bot sent on the gateway
        self._websockets: set[web.WebSocketResponse] = set()
        self._background: set[asyncio.Task[None]] = set()
        #: Errors sending model-change events to the bot (the bot disconnected meanwhile, ...).
        self.background_errors: list[BaseException] = []

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
