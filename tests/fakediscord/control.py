"""The fake's control API: what a test or a bench in another process does to the fake, over HTTP.

Served under ``/_fake/`` beside Discord's routes (``python -m tests.fakediscord serve`` prints where).
JSON in, JSON out; objects are named by id. It mirrors the in-process API: build the world, act as users,
read what the bot did, inject faults. ``remote.py`` is the client.

- ``GET /_fake/state``: sessions (shard, open), counters (identify, resume, command_puts), unknown routes
  and background errors;
- ``POST /_fake/guilds`` ``{name, channels, on_shard}``; ``/_fake/guilds/{id}/roles`` ``{name, permissions}``;
  ``/_fake/guilds/{id}/members`` ``{names, roles}``;
- ``POST /_fake/slash`` ``{guild, user, command, options, wait}``; ``/_fake/slash/batch`` ``{guild, command,
  items: [{user, options}], spread}`` (dispatched within ``spread`` seconds, in the fake's own loop);
  ``/_fake/interactions/wait`` ``{ids, timeout}``; ``/_fake/click``; ``/_fake/modal``; ``/_fake/messages``;
- ``GET /_fake/channels/{id}/messages``; ``POST /_fake/wait_for_message`` ``{channel, since, timeout}``;
- ``POST /_fake/faults``, ``/_fake/holds``, ``/_fake/holds/release``, ``/_fake/gateway/drop``,
  ``/_fake/gateway/refuse_resume``; ``POST /_fake/shutdown``.

A refusal the Discord client would make (``ClientRefused``) is answered 409 with its message; an unknown
object 404.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from aiohttp import web

from .interactions import ClientRefused, InteractionResult
from .model import Guild, Message
from .rest.router import JSON

CONTROL_PREFIX = "/_fake"
ControlHandler = Callable[[web.Request, dict[str, Any]], Awaitable[Any]]


def interaction_summary(result: InteractionResult) -> dict[str, Any]:
    """What a remote test needs of an interaction (times are the fake's loop clock, in seconds)."""
    return {
        "id": str(result.id),
        "user_id": str(result.user.id),
        "kind": result.kind,
        "acknowledged": result.acknowledged,
        "ack_type": result.ack_type,
        "deferred": result.deferred,
        "settled": result.settled,
        "elapsed": result.elapsed,
        "created": result.created,
        "last_call": max((c.time for c in result.calls), default=None),
        "ephemeral": result.ephemeral if result.original is not None else None,
        "text": result.text if result.original is not None or result.followups else "",
        "rejected": [{"path": c.path, "status": c.status, "response": c.response} for c in result.rejected],
    }


def message_summary(message: Message, bot_id: int) -> dict[str, Any]:
    return {**message.payload(bot_id=bot_id), "seq": message.seq, "deleted": message.deleted}


def guild_summary(guild: Guild) -> dict[str, Any]:
    return {
        "id": str(guild.id),
        "name": guild.name,
        "channels": {c.name: str(c.id) for c in guild.channels.values()},
        "roles": {r.name: str(r.id) for r in guild.roles.values()},
        "owner_id": str(guild.owner_id),
    }


class ControlApi:
    """The ``/_fake/`` routes; ``shutdown`` is set when a client asks the serving process to end."""

    def _init_control(self) -> None:
        self.shutdown = asyncio.Event()

    def _add_control_routes(self, app: web.Application) -> None:
        routes: dict[tuple[str, str], ControlHandler] = {
            ("GET", "/state"): self._c_state,
            ("POST", "/guilds"): self._c_add_guild,
            ("POST", "/guilds/{guild_id}/roles"): self._c_add_role,
            ("POST", "/guilds/{guild_id}/members"): self._c_add_members,
            ("POST", "/slash"): self._c_slash,
            ("POST", "/slash/batch"): self._c_slash_batch,
            ("POST", "/interactions/wait"): self._c_wait_interactions,
            ("POST", "/click"): self._c_click,
            ("POST", "/modal"): self._c_modal,
            ("POST", "/modal/batch"): self._c_modal_batch,
            ("POST", "/messages"): self._c_send_message,
            ("GET", "/channels/{channel_id}/messages"): self._c_messages,
            ("POST", "/wait_for_message"): self._c_wait_for_message,
            ("POST", "/faults"): self._c_fault,
            ("POST", "/holds"): self._c_hold,
            ("POST", "/holds/release"): self._c_release,
            ("POST", "/gateway/drop"): self._c_drop,
            ("POST", "/gateway/refuse_resume"): self._c_refuse_resume,
            ("POST", "/shutdown"): self._c_shutdown,
        }
        for (method, path), handler in routes.items():
            app.router.add_route(method, CONTROL_PREFIX + path, self._control(handler))

    def _control(self, handler: ControlHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            body = await request.json() if request.can_read_body else {}
            try:
                result = await handler(request, body or {})
            except ClientRefused as exc:
                return _json({"error": "refused", "message": str(exc)}, status=409)
            except KeyError as exc:
                return _json({"error": "unknown", "message": str(exc)}, status=404)
            except (TimeoutError, AssertionError) as exc:
                return _json({"error": type(exc).__name__, "message": str(exc)}, status=408)
            return _json(result)

        return serve

    # ---------------------------------------------------------------------------------------------- world
    async def _c_state(self, request: web.Request, body: dict[str, Any]) -> Any:
        return {
            "sessions": [
                {
                    "shard": list(s.shard),
                    "open": s.open,
                    "resumable": s.resumable,
                    "events": len(s.dispatched),
                }
                for s in self.sessions.values()
            ],
            "identify_count": self.identify_count,
            "resume_count": self.resume_count,
            "calls": len(self.calls),
            "unknown_routes": [f"{c.method} {c.path}" for c in self.unknown_routes],
            "background_errors": [repr(e) for e in self.background_errors],
            "guilds": [guild_summary(g) for g in self.guilds.values()],
            "global_commands": sorted(self.global_commands),
            "command_puts": self.command_puts,
        }

    async def _c_add_guild(self, request: web.Request, body: dict[str, Any]) -> Any:
        shard = body.get("on_shard")
        guild = self.add_guild(
            body.get("name", "Test Guild"),
            channels=body.get("channels", ("general",)),
            on_shard=tuple(shard) if shard else None,
            bot_permissions=body.get("bot_permissions"),
        )
        return guild_summary(guild)

    async def _c_add_role(self, request: web.Request, body: dict[str, Any]) -> Any:
        role = self.add_role(
            int(request.match_info["guild_id"]),
            body["name"],
            permissions=discord.Permissions(int(body.get("permissions", 0))),
            mentionable=bool(body.get("mentionable", False)),
        )
        return {"id": str(role.id), "name": role.name}

    async def _c_add_members(self, request: web.Request, body: dict[str, Any]) -> Any:
        gid = int(request.match_info["guild_id"])
        roles = [int(r) for r in body.get("roles") or ()]
        members = [self.add_member(gid, name, roles=roles) for name in body["names"]]
        return {"members": [{"id": str(m.id), "username": m.user.username} for m in members]}

    # ---------------------------------------------------------------------------------------------- users
    async def _c_slash(self, request: web.Request, body: dict[str, Any]) -> Any:
        result = await self.slash(
            _id(body.get("guild")),
            int(body["user"]),
            body["command"],
            body.get("options") or {},
            in_channel=_id(body.get("in_channel")),
            wait=bool(body.get("wait", True)),
        )
        return interaction_summary(result)

    async def _c_slash_batch(self, request: web.Request, body: dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()
        items = body["items"]
        step = float(body.get("spread", 0.0)) / max(1, len(items))
        started = loop.time()
        ids = []
        for index, item in enumerate(items):
            if step:
                delay = started + index * step - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            result = self._slash_interaction(
                _id(body.get("guild")), int(item["user"]), body["command"], item.get("options") or {}
            )
            # Created at its time whatever the bot's backlog: the connection's queue absorbs it, as Discord's.
            ids.append(str(self._queue_interaction(result).id))
        return {"ids": ids, "started": started}

    async def _c_wait_interactions(self, request: web.Request, body: dict[str, Any]) -> Any:
        """Wait (polling the fake's own state, cheaply) until every interaction is settled, or the timeout."""
        results = [self.interactions[int(i)] for i in body["ids"]]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(body.get("timeout", 10.0))
        pending = [r for r in results if not r.settled]
        while pending and loop.time() < deadline:
            await asyncio.sleep(0.05)
            pending = [r for r in pending if not r.settled]
        return {"results": [interaction_summary(r) for r in results]}

    async def _c_click(self, request: web.Request, body: dict[str, Any]) -> Any:
        result = await self.click(
            int(body["user"]), int(body["message"]), body.get("custom_id"), label=body.get("label")
        )
        return interaction_summary(result)

    async def _c_modal(self, request: web.Request, body: dict[str, Any]) -> Any:
        result = await self.submit_modal(int(body["user"]), body.get("values") or {})
        return interaction_summary(result)

    async def _c_modal_batch(self, request: web.Request, body: dict[str, Any]) -> Any:
        """Form submissions ``custom_id`` (one per user, with its input values), all within ``spread``
        seconds, as members answering a live quiz's round at once; queued like ``_c_slash_batch``."""
        loop = asyncio.get_running_loop()
        items = body["items"]
        step = float(body.get("spread", 0.0)) / max(1, len(items))
        started = loop.time()
        ids = []
        for index, item in enumerate(items):
            if step:
                delay = started + index * step - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            g, u, ch = self._forge_where(int(item["user"]), int(body["guild"]), _id(body.get("channel")))
            rows = [
                {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
                for key, value in (item.get("values") or {}).items()
            ]
            result, _ = self._interaction_base(
                5, u, g, ch, {"custom_id": body["custom_id"], "components": rows}
            )
            ids.append(str(self._queue_interaction(result).id))
        return {"ids": ids, "started": started}

    async def _c_send_message(self, request: web.Request, body: dict[str, Any]) -> Any:
        msg = await self.send_message(int(body["channel"]), int(body["author"]), body.get("content", ""))
        return {**message_summary(msg, self.bot_user.id), "delivered": msg.delivered}

    async def _c_messages(self, request: web.Request, body: dict[str, Any]) -> Any:
        messages = self.messages_in(int(request.match_info["channel_id"]), include_deleted=True)
        return [message_summary(m, self.bot_user.id) for m in messages]

    async def _c_wait_for_message(self, request: web.Request, body: dict[str, Any]) -> Any:
        msg = await self.wait_for_message(
            _id(body.get("channel")), since=int(body.get("since", 0)), timeout=float(body.get("timeout", 2.0))
        )
        return message_summary(msg, self.bot_user.id)

    # --------------------------------------------------------------------------------------------- faults
    async def _c_fault(self, request: web.Request, body: dict[str, Any]) -> Any:
        self.fail_next(
            body["method"],
            body["pattern"],
            status=int(body.get("status", 500)),
            code=int(body.get("code", 0)),
            message=body.get("message", "Internal Server Error"),
            times=int(body.get("times", 1)),
            retry_after=body.get("retry_after"),
            scope=body.get("scope", "user"),
        )
        return {"ok": True}

    async def _c_hold(self, request: web.Request, body: dict[str, Any]) -> Any:
        hold = self.hold_next(
            body["method"], body["pattern"], seconds=body.get("seconds"), times=int(body.get("times", 1))
        )
        return {"hold": hold.name}

    async def _c_release(self, request: web.Request, body: dict[str, Any]) -> Any:
        return {"released": self.release_holds()}

    async def _c_drop(self, request: web.Request, body: dict[str, Any]) -> Any:
        await self.drop_gateway(
            shard=body.get("shard"),
            code=int(body.get("code", 4000)),
            resumable=bool(body.get("resumable", True)),
        )
        return {"ok": True}

    async def _c_refuse_resume(self, request: web.Request, body: dict[str, Any]) -> Any:
        self.refuse_next_resume(int(body.get("times", 1)))
        return {"ok": True}

    async def _c_shutdown(self, request: web.Request, body: dict[str, Any]) -> Any:
        self.shutdown.set()
        return {"ok": True}


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def _json(data: Any, *, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": JSON})
