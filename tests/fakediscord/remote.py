"""Drive a fake Discord running in another process (``python -m tests.fakediscord serve``) from Python.

::

    async with FakeDiscordProcess() as fake:           # starts the process, stops it on exit
        guild = await fake.add_guild("Load test", channels=["questions"])
        members = await fake.add_members(guild.id, [f"student{i}" for i in range(1000)])
        with fake.redirected():                          # discord.py in this process talks to it
            await bot.start(fake.token) ...
        ids = await fake.slash_batch(guild.id, "answer", [(m.id, {"text": "..."}) for m in members], spread=1)
        results = await fake.wait_interactions(ids)

The bot (and the bench) then pay for their own event loop only: the fake's work is in its own process, as
Discord's is. Every call is one request to the control API (``control.py``); errors come back as
``RemoteError`` with the fake's message (409: what the Discord client would refuse).
"""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl

#: The repository root: ``python -m tests.fakediscord`` runs from there.
ROOT = Path(__file__).resolve().parents[2]


class RemoteError(Exception):
    """The fake's control API refused a request: ``status`` and its message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


@dataclass
class RemoteGuild:
    id: int
    name: str
    channels: dict[str, int]
    roles: dict[str, int]

    def channel(self, name: str) -> int:
        return self.channels[name]


@dataclass
class RemoteMember:
    id: int
    username: str


@dataclass
class RemoteInteraction:
    """An interaction's outcome as the fake saw it (times in the fake's clock, seconds)."""

    id: int
    user_id: int
    kind: str
    acknowledged: bool
    deferred: bool
    settled: bool
    elapsed: float | None
    created: float
    last_call: float | None
    ephemeral: bool | None
    text: str
    rejected: list[dict[str, Any]]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RemoteInteraction:
        return cls(
            id=int(d["id"]),
            user_id=int(d["user_id"]),
            kind=d["kind"],
            acknowledged=d["acknowledged"],
            deferred=d["deferred"],
            settled=d["settled"],
            elapsed=d["elapsed"],
            created=d["created"],
            last_call=d["last_call"],
            ephemeral=d["ephemeral"],
            text=d["text"],
            rejected=d["rejected"],
        )


class FakeDiscordProcess:
    """A fake Discord in a child process, and a client of its control API."""

    def __init__(self, *, ack_deadline: float = 3.0, shards: int = 1, token: str = "fake-token") -> None:
        self.args = ["--ack-deadline", str(ack_deadline), "--shards", str(shards), "--token", token]
        self.process: asyncio.subprocess.Process | None = None
        self.urls: dict[str, str] = {}
        self._http: aiohttp.ClientSession | None = None

    async def start(self, timeout: float = 20.0) -> FakeDiscordProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakediscord", "serve", "--port", "0", *self.args,
            cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except TimeoutError:
            await self.stop()
            raise RuntimeError(f"the fake Discord process printed no URLs within {timeout:g} s") from None
        if not line:
            code = await self.process.wait()
            raise RuntimeError(f"the fake Discord process exited with code {code} before listening")
        self.urls = json.loads(line)
        self._http = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self._http is not None:
            with contextlib.suppress(aiohttp.ClientError):
                await self._http.post(self.control + "/shutdown")
            await self._http.close()
            self._http = None
        if self.process is not None and self.process.returncode is None:
            try:
                await asyncio.wait_for(self.process.wait(), 5.0)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    async def __aenter__(self) -> FakeDiscordProcess:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------------------------------ addresses
    @property
    def api_base(self) -> str:
        return self.urls["api_base"]

    @property
    def gateway_url(self) -> str:
        return self.urls["gateway"]

    @property
    def control(self) -> str:
        return self.urls["control"]

    @property
    def token(self) -> str:
        return self.urls["token"]

    @contextlib.contextmanager
    def redirected(self) -> Iterator[FakeDiscordProcess]:
        """Point discord.py in this process at the fake (the two class attributes), restoring them on exit."""
        old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old

    def environment(self) -> dict[str, str]:
        """The variables that point a ``tutorbot run`` process at this fake."""
        return {
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "DISCORD_TOKEN": self.token,
        }

    # ----------------------------------------------------------------------------------------- requests
    async def request(self, method: str, path: str, body: Any = None, *, timeout: float = 60.0) -> Any:
        assert self._http is not None, "start() the fake first"
        async with self._http.request(
            method, self.control + path, json=body, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            data = await response.json()
            if response.status >= 400:
                raise RemoteError(response.status, data.get("message", ""))
            return data

    async def state(self) -> dict[str, Any]:
        return await self.request("GET", "/state")

    async def problems(self) -> list[str]:
        """Unknown routes the bot called and events the fake could not deliver (tests fail on these)."""
        state = await self.state()
        return [f"unknown endpoint: {r}" for r in state["unknown_routes"]] + state["background_errors"]

    async def add_guild(
        self, name: str, *, channels: Iterable[str] = ("general",), on_shard: tuple[int, int] | None = None
    ) -> RemoteGuild:
        d = await self.request(
            "POST", "/guilds", {"name": name, "channels": list(channels), "on_shard": on_shard}
        )
        return _guild(d)

    async def add_role(self, guild: int, name: str, *, permissions: int | discord.Permissions = 0) -> int:
        value = permissions.value if isinstance(permissions, discord.Permissions) else int(permissions)
        d = await self.request("POST", f"/guilds/{guild}/roles", {"name": name, "permissions": value})
        return int(d["id"])

    async def add_members(
        self, guild: int, names: Iterable[str], *, roles: Iterable[int] = ()
    ) -> list[RemoteMember]:
        d = await self.request(
            "POST", f"/guilds/{guild}/members", {"names": list(names), "roles": [str(r) for r in roles]}
        )
        return [RemoteMember(int(m["id"]), m["username"]) for m in d["members"]]

    async def slash(
        self,
        guild: int | None,
        user: int,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        in_channel: int | None = None,
        wait: bool = True,
    ) -> RemoteInteraction:
        """Run a slash command as a user (options by name; users, channels and roles by id)."""
        body = {"guild": guild, "user": user, "command": command, "options": options or {}, "wait": wait}
        body["in_channel"] = in_channel
        return RemoteInteraction.from_json(await self.request("POST", "/slash", body))

    async def slash_batch(
        self, guild: int, command: str, items: Iterable[tuple[int, dict[str, Any]]], *, spread: float = 0.0
    ) -> list[int]:
        """Dispatch one command per (user, options), all within ``spread`` seconds; the interaction ids."""
        body = {
            "guild": guild,
            "command": command,
            "items": [{"user": user, "options": options} for user, options in items],
            "spread": spread,
        }
        d = await self.request("POST", "/slash/batch", body)
        return [int(i) for i in d["ids"]]

    async def modal_batch(
        self,
        guild: int,
        channel: int,
        custom_id: str,
        items: Iterable[tuple[int, dict[str, str]]],
        *,
        spread: float = 0.0,
    ) -> list[int]:
        """Submit the form ``custom_id`` once per (user, {input custom id: value}), within ``spread`` s."""
        body = {
            "guild": str(guild),
            "channel": str(channel),
            "custom_id": custom_id,
            "items": [{"user": user, "values": values} for user, values in items],
            "spread": spread,
        }
        d = await self.request("POST", "/modal/batch", body)
        return [int(i) for i in d["ids"]]

    async def wait_interactions(
        self, ids: Iterable[int], *, timeout: float = 10.0
    ) -> list[RemoteInteraction]:
        """Once every interaction is settled (or after ``timeout``): what became of each."""
        d = await self.request(
            "POST", "/interactions/wait", {"ids": [str(i) for i in ids], "timeout": timeout}
        )
        return [RemoteInteraction.from_json(r) for r in d["results"]]

    async def click(
        self, user: int, message: int, custom_id: str | None = None, *, label: str | None = None
    ) -> RemoteInteraction:
        """Click a button on a message, by custom id or label."""
        body = {"user": user, "message": message, "custom_id": custom_id, "label": label}
        return RemoteInteraction.from_json(await self.request("POST", "/click", body))

    async def submit_modal(self, user: int, values: dict[str, Any]) -> RemoteInteraction:
        """Fill and submit the last modal the bot opened for this user (keys: labels or custom ids)."""
        return RemoteInteraction.from_json(
            await self.request("POST", "/modal", {"user": user, "values": values})
        )

    async def send_message(self, channel: int, author: int, content: str) -> dict[str, Any]:
        return await self.request(
            "POST", "/messages", {"channel": channel, "author": author, "content": content}
        )

    async def messages_in(self, channel: int) -> list[dict[str, Any]]:
        return await self.request("GET", f"/channels/{channel}/messages")

    async def wait_for_message(self, channel: int, *, since: int = 0, timeout: float = 2.0) -> dict[str, Any]:
        body = {"channel": channel, "since": since, "timeout": timeout}
        return await self.request("POST", "/wait_for_message", body, timeout=timeout + 5)

    async def fail_next(self, method: str, pattern: str, **options: Any) -> None:
        await self.request("POST", "/faults", {"method": method, "pattern": pattern, **options})

    async def hold_next(
        self, method: str, pattern: str, *, seconds: float | None = None, times: int = 1
    ) -> None:
        await self.request(
            "POST", "/holds", {"method": method, "pattern": pattern, "seconds": seconds, "times": times}
        )

    async def release_holds(self) -> int:
        return int((await self.request("POST", "/holds/release"))["released"])

    async def drop_gateway(self, *, shard: int | None = None, resumable: bool = True) -> None:
        await self.request("POST", "/gateway/drop", {"shard": shard, "resumable": resumable})

    async def refuse_next_resume(self, times: int = 1) -> None:
        await self.request("POST", "/gateway/refuse_resume", {"times": times})


def _guild(d: dict[str, Any]) -> RemoteGuild:
    return RemoteGuild(
        id=int(d["id"]),
        name=d["name"],
        channels={k: int(v) for k, v in d["channels"].items()},
        roles={k: int(v) for k, v in d["roles"].items()},
    )
