"""A loopback fake of Discord: REST and gateway on 127.0.0.1 for the real, unmodified discord.py client.

Start it, point discord.py at it (``with fake.redirected():``), start a bot, then drive it like users would::

    guild = fake.add_guild("Classe")
    alice = fake.add_member(guild, "alice")
    res = await fake.slash(guild, alice, "demo hello", name="Bob")
    assert res.ephemeral and "Bob" in res.content

``FakeDiscord`` is assembled from its parts: ``world`` (the model and its builder), ``driver`` and ``options``
(what tests do as users), ``gateway`` (the websocket), ``rest`` (one module per resource) and ``validate``
(Discord's checks on what the bot sends). See ``README.md`` for the rules it enforces.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import discord
import yarl
from aiohttp import web

from .control import CONTROL_PREFIX, ControlApi
from .driver import Driver
from .forge import Forgery
from .gateway import Gateway, GatewaySession
from .options import CommandOptions
from .rest import API_PREFIX, Call, RestApi
from .validate import ApiError
from .world import World

__all__ = ["ApiError", "Call", "FakeDiscord", "GatewaySession"]


class FakeDiscord(ControlApi, Forgery, Driver, CommandOptions, Gateway, RestApi, World):
    """The fake Discord: a model (guilds, channels, members, messages), a REST API and a gateway."""

    def __init__(
        self, *, bot_name: str = "TutorBot", token: str = "fake-token", ack_deadline: float = 3.0
    ) -> None:
        #: The token the bot must present; anything else gets 401 (and discord.py raises LoginFailure).
        self.token = token
        #: Seconds the bot has to acknowledge an interaction (Discord: 3); lower it to test the rule fast.
        self.ack_deadline = ack_deadline
        #: Seconds an interaction token stays valid for follow-ups (Discord: 15 minutes).
        self.token_lifetime = 15 * 60.0
        self._init_world(bot_name)
        self._init_driver()
        self._init_gateway()
        self._init_router()
        self._init_messages()
        self._init_control()
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0

    # =============================================================================================== server
    async def start(self, *, port: int = 0, host: str = "127.0.0.1") -> FakeDiscord:
        """Listen on ``host:port`` (0: any free port; ``port`` says which)."""
        self._loop = asyncio.get_running_loop()
        self.host = host
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_api)
        app.router.add_get("/gateway", self._handle_gateway)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._handle_attachment)
        self._add_control_routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
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
        return f"http://{self.host}:{self.port}"

    @property
    def control_url(self) -> str:
        """The control API (``control.py``) a test or a bench in another process drives the fake with."""
        return self.http_url + CONTROL_PREFIX

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be (also ``DISCORD_API_BASE``)."""
        return self.http_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` must be (also ``DISCORD_GATEWAY_URL``)."""
        return f"ws://{self.host}:{self.port}/gateway"

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
