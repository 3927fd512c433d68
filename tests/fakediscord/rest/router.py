"""The fake's HTTP side: every REST call is recorded, routed to its resource's handler, or failed on purpose.

A call to a route the fake does not know is answered 404 and kept in ``unknown_routes`` (the fixtures fail
the test on it). Responses carry ``Content-Type: application/json`` exactly: discord.py compares by equality.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..validate import ApiError
from .faults import Fault, Hold, matches

API_PREFIX = "/api/v10"
JSON = "application/json"
#: (method, path template, handler method name, whether the bot token is required)
RouteSpec = tuple[str, str, str, bool]


@dataclass
class FileUpload:
    """One file of a multipart body (``files[n]``)."""

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
class Request:
    """What a route handler receives: the matched path parameters, the query and the decoded body."""

    method: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[FileUpload]
    call: Call


Handler = Callable[[Request], Awaitable[Any]]


def compile_template(template: str) -> re.Pattern[str]:
    """``/channels/{channel_id}/messages`` -> a regex with one named group per parameter."""
    return re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")


class Router:
    """Records, authenticates and routes REST calls to the handlers named in ``ROUTES`` (see ``rest/``)."""

    #: Every route the fake serves, in match order; the resource modules each contribute theirs.
    ROUTES: tuple[RouteSpec, ...] = ()

    def _init_router(self) -> None:
        self.calls: list[Call] = []
        self.unknown_routes: list[Call] = []
        self._faults: list[Fault] = []
        #: Response holds set by ``hold_next``, oldest first.
        self.holds: list[Hold] = []
        self._routes: list[tuple[str, str, re.Pattern[str], Handler, bool]] = [
            (method, template, compile_template(template), getattr(self, name), auth)
            for method, template, name, auth in self.ROUTES
        ]

    def fail_next(
        self,
        method: str,
        pattern: str,
        *,
        status: int = 500,
        code: int = 0,
        message: str | None = None,
        times: int = 1,
        retry_after: float | None = None,
        scope: str = "user",
    ) -> Fault:
        """Answer the next ``times`` calls matching ``method`` (``*``: any) and ``pattern`` with an error.

        ``pattern``: a route template (``"/channels/{channel_id}/messages"``) or a glob on the path (``"*"``:
        every route). 429 is a rate limit (``retry_after`` seconds; ``scope="global"`` for a global one);
        500, 502 and 504 are Discord's server errors, which discord.py retries by itself.
        """
        if message is None:
            message = "You are being rate limited." if status == 429 else f"{status}: Internal Server Error"
        fault = Fault(method.upper(), pattern, status, code, message, times, retry_after, scope)
        self._faults.append(fault)
        return fault

    def hold_next(
        self,
        method: str,
        pattern: str,
        *,
        seconds: float | None = None,
        times: int = 1,
        before: bool = False,
    ) -> Hold:
        """Delay the response to the next ``times`` matching calls by ``seconds``, or until released.

        By default the call is served first and only its response waits (``before=True``: it waits before
        being served): kill the bot meanwhile, and Discord has the message while the bot never got its id.
        ``await fake.wait_until(lambda: hold.held)`` waits for the call to arrive.
        """
        hold = Hold(f"hold-{len(self.holds) + 1}", method.upper(), pattern, seconds, times, before)
        self.holds.append(hold)
        return hold

    def release_holds(self) -> int:
        """Release every response still held; how many were."""
        count = 0
        for hold in self.holds:
            count += len(hold.held)
            hold.release()
        return count

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.rel_url.raw_path[len(API_PREFIX) :]
        path = urllib.parse.unquote(raw_path)
        body, files = await self._read_body(request)
        loop = asyncio.get_running_loop()
        call = Call(request.method, path, None, dict(request.query), body, files, loop.time())
        self.calls.append(call)
        status, response, headers, raw = await self._serve(request, call, raw_path)
        call.status, call.response = status, response
        self._notify(call.interaction_id)
        if raw is not None:  # an injected fault, already encoded as Discord would send it
            text, content_type = raw
            headers = {**headers, "Content-Type": content_type}  # exactly: discord.py compares by equality
            return web.Response(status=status, body=text.encode(), headers=headers)
        if status == 204 or response is None:
            return web.Response(status=204 if status < 300 else status, headers=headers)
        headers["Content-Type"] = JSON
        return web.Response(status=status, body=json.dumps(response).encode(), headers=headers)

    async def _serve(
        self, request: web.Request, call: Call, raw_path: str
    ) -> tuple[int, Any, dict[str, str], tuple[str, str] | None]:
        for method, template, pattern, handler, auth in self._routes:
            if method != request.method:
                continue
            match = pattern.match(raw_path)
            if match is None:
                continue
            call.route = template
            call.params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
            if auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return 401, {"message": "401: Unauthorized", "code": 0}, {}, None
            fault = self._take_fault(call)
            if fault is not None:
                status, text, headers, content_type = fault.response()
                response = json.loads(text) if content_type == JSON else text
                return status, response, headers, (text, content_type)
            hold = self._take_hold(call)
            if hold is not None and hold.before:
                await self._wait_hold(hold, call)
            req = Request(request.method, call.params, call.query, call.json, call.files, call)
            try:
                result = await handler(req)
            except ApiError as e:
                outcome: tuple[int, Any] = (e.status, e.body())
            else:
                outcome = (204, None) if result is None else (200, result)
            if hold is not None and not hold.before:
                await self._wait_hold(hold, call)
            return outcome[0], outcome[1], {}, None
        self.unknown_routes.append(call)
        return 404, {"message": "404: Not Found", "code": 0}, {}, None

    def _take_fault(self, call: Call) -> Fault | None:
        for fault in self._faults:
            if fault.times > 0 and matches(fault.method, fault.pattern, call):
                fault.times -= 1
                fault.hits.append(call)
                return fault
        return None

    def _take_hold(self, call: Call) -> Hold | None:
        for hold in self.holds:
            if hold.times > 0 and matches(hold.method, hold.pattern, call):
                hold.times -= 1
                hold.caught.append(call)
                return hold
        return None

    async def _wait_hold(self, hold: Hold, call: Call) -> None:
        hold.held.append(call)
        self._notify(everything=True)
        try:
            await hold.wait()
        finally:
            hold.held.remove(call)

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
