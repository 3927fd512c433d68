"""Injected HTTP faults: errors and rate limits on the next N matching calls, and held (delayed) responses.

What Discord really sends is mimicked so that discord.py takes each fault for what it is:

- 429: JSON ``{"message", "retry_after", "global", "code": 0}``, a ``Via`` header (without one discord.py
  takes the 429 for a Cloudflare ban), ``Retry-After``, ``X-RateLimit-Scope`` (``user``, ``global`` or
  ``shared``), ``X-RateLimit-Global`` for a global limit, and the bucket headers for a per-route one.
  discord.py sleeps ``retry_after`` and retries (logging a WARNING, which the watchdog reports).
- 500 and 504: Discord's JSON error; 502: the HTML page of the proxy in front of Discord. discord.py
  retries these itself (1 s, 3 s, ... up to 5 tries) before raising ``DiscordServerError``.
- Holds: the response to a matching call waits ``seconds``, or until released; by default the call is
  served first (Discord accepted the message, the bot has not heard back: the window a crash falls into).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .router import Call

BAD_GATEWAY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"


def matches(method: str, pattern: str, call: Call) -> bool:
    """A method (``*``: any) and a route template or a glob on the path."""
    return (method == "*" or method == call.method) and (
        pattern == call.route or fnmatch.fnmatchcase(call.path, pattern)
    )


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
    scope: str = "user"
    #: The calls it answered.
    hits: list[Call] = field(default_factory=list)

    def response(self) -> tuple[int, Any, dict[str, str], str]:
        """Status, body, headers and content type Discord would answer with."""
        headers: dict[str, str] = {}
        if self.status == 429:
            retry = self.retry_after if self.retry_after is not None else 1.0
            body: Any = {
                "message": self.message,
                "retry_after": retry,
                "global": self.scope == "global",
                "code": self.code,
            }
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, math.ceil(retry))),
                "X-RateLimit-Scope": self.scope,
            }
            if self.scope == "global":
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(
                    {
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": f"{retry:.3f}",
                        "X-RateLimit-Bucket": f"fake-{abs(hash(self.pattern)):x}",
                    }
                )
            return 429, json.dumps(body), headers, "application/json"
        if self.status == 502:
            return 502, BAD_GATEWAY_PAGE, headers, "text/html"
        body = {"message": self.message, "code": self.code}
        return self.status, json.dumps(body), headers, "application/json"


@dataclass(eq=False)
class Hold:
    """Responses to the next ``times`` matching calls wait ``seconds`` (None: until ``release()``)."""

    name: str
    method: str
    pattern: str
    seconds: float | None
    times: int
    before: bool
    #: Calls caught by this hold (``held`` while still waiting).
    caught: list[Call] = field(default_factory=list)
    held: list[Call] = field(default_factory=list)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    async def wait(self) -> None:
        if self.seconds is None:
            await self._released.wait()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), self.seconds)
