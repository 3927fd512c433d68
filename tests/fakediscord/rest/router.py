"""The fake's HTTP side: every REST call is recorded, routed to its resource's handler, or failed on purpose.

A call to a route the fake does not know is answered 404 and kept in ``unknown_routes`` (the fixtures fail
the test on it). Responses carry ``Content-Type: application/json`` exactly: discord.py compares by equality.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..validate import (
    ApiError,
)

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
class Fault:
    """An error to answer instead of serving the next ``times`` calls matching ``method`` and ``pattern``."""

    method: str
    pattern: str
    status: int
    code: int
    message: str
    times: int
    retry_after: float | None


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
        message: str = "Internal Server Error",
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with an error (429 with ``retry_after``: a rate limit)."""
        self._faults.append(Fault(method.upper(), pattern, status, code, message, times, retry_after))

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
            req = Request(request.method, call.params, call.query, call.json, call.files, call)
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
