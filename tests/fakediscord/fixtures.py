"""pytest fixtures: a running fake Discord, a bot starter, and a watchdog that fails tests on hidden errors.

- ``discord_problems``: collects discord WARNING/ERROR log records (and ERRORs of ``asyncio``, ``bot``,
  ``cogs``), every exception that reaches the event loop's exception handler ("Task exception was never
  retrieved", errors in callbacks) and every REST call to an unknown route. Any left at teardown fails the
  test. A test that provokes one on purpose calls ``discord_problems.allow(regex)`` or ``take(regex)``.
- ``fake_discord``: a started ``FakeDiscord`` with discord.py pointed at it (``Route.BASE`` and
  ``DiscordWebSocket.DEFAULT_GATEWAY``, restored afterwards).
- ``start_bot``: ``await start_bot(bot)`` runs ``bot.start(token)`` as a task in the test's loop and returns
  once the bot is ready; every bot started is closed at teardown (``await start_bot.stop(bot)`` earlier).
"""

# ``timeout=`` parameters like asyncio.wait_for's are the clearest API for test helpers.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import gc
import logging
import re
import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
import pytest

from .server import FakeDiscord

#: Harmless warnings discord.py logs once per process.
IGNORED_LOG_MESSAGES = (
    re.compile(r"PyNaCl is not installed, voice will NOT be supported"),
    re.compile(r"davey is not installed, voice will NOT be supported"),
)
#: Loggers whose ERROR records fail a test (discord's WARNINGs fail it too).
ERROR_LOGGERS = ("asyncio", "bot", "cogs")


class DiscordProblems:
    """Everything that went wrong out of the test's sight; checked at teardown."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._allowed: list[re.Pattern[str]] = []
        #: Called on every new problem (the fake uses it to end a wait at once).
        self.on_add: Callable[[], None] | None = None

    def add(self, text: str) -> None:
        self.problems.append(text)
        if self.on_add is not None:
            self.on_add()

    def allow(self, pattern: str) -> None:
        """Expected in this test: problems matching ``pattern`` (a regex, searched) do not fail it."""
        self._allowed.append(re.compile(pattern))

    def take(self, pattern: str) -> list[str]:
        """Remove and return the problems matching ``pattern`` (to assert they happened)."""
        rx = re.compile(pattern)
        taken = [p for p in self.problems if rx.search(p)]
        self.problems = [p for p in self.problems if not rx.search(p)]
        return taken

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(a.search(p) for a in self._allowed)]


class _LogWatch(logging.Handler):
    def __init__(self, problems: DiscordProblems) -> None:
        super().__init__(level=logging.WARNING)
        self.problems = problems

    def emit(self, record: logging.LogRecord) -> None:
        top = record.name.split(".")[0]
        if not (top == "discord" or (top in ERROR_LOGGERS and record.levelno >= logging.ERROR)):
            return
        message = record.getMessage()
        if any(rx.search(message) for rx in IGNORED_LOG_MESSAGES):
            return
        text = f"log {record.levelname} {record.name}: {message}"
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.problems.add(text)


@pytest.fixture
async def discord_problems() -> AsyncIterator[DiscordProblems]:
    problems = DiscordProblems()
    watch = _LogWatch(problems)
    root = logging.getLogger()
    root.addHandler(watch)
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()

    def on_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        text = f"event loop: {context.get('message')}"
        exc = context.get("exception")
        if exc is not None:
            text += "\n" + "".join(traceback.format_exception(exc))
        problems.add(text)

    loop.set_exception_handler(on_loop_exception)
    try:
        yield problems
        gc.collect()  # "Task exception was never retrieved" is reported when the task is collected
    finally:
        loop.set_exception_handler(previous)
        root.removeHandler(watch)
    unexpected = problems.unexpected()
    if unexpected:
        pytest.fail(
            f"{len(unexpected)} hidden problem(s) during the test:\n\n" + "\n\n".join(unexpected),
            pytrace=False,
        )


@pytest.fixture
async def fake_discord(discord_problems: DiscordProblems) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    fake.problem_check = discord_problems.unexpected
    discord_problems.on_add = fake.poke
    await fake.start()
    try:
        with fake.redirected():
            yield fake
    finally:
        await fake.stop()
        discord_problems.on_add = None
    for call in fake.unknown_routes:
        discord_problems.add(f"unknown endpoint: {call.method} {call.path} (json: {call.json!r})")
    for exc in fake.background_errors:
        discord_problems.add(f"fake could not send an event to the bot: {exc!r}")


class BotStarter:
    """``await start_bot(bot)``: start a bot against the fake and wait until it is ready."""

    def __init__(self, fake: FakeDiscord, problems: DiscordProblems) -> None:
        self.fake = fake
        self.problems = problems
        self.running: dict[discord.Client, asyncio.Task[None]] = {}

    async def __call__(self, bot: discord.Client, token: str | None = None, *, timeout: float = 5.0) -> Any:
        state = bot._connection
        # The default waits 2 s for guilds before on_ready.
        state.guild_ready_timeout = min(state.guild_ready_timeout, 0.05)
        task = asyncio.create_task(bot.start(token or self.fake.token), name=f"start {bot!r}")
        self.running[bot] = task
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not bot.is_ready():
            if task.done():
                self.running.pop(bot, None)
                task.result()  # raises what bot.start() raised
                raise RuntimeError("bot.start() returned before the bot was ready")
            if loop.time() > deadline:
                raise TimeoutError(f"the bot was not ready after {timeout:g} s")
            await asyncio.wait({task}, timeout=0.005)
        return bot

    async def stop(self, bot: discord.Client) -> None:
        task = self.running.pop(bot, None)
        await bot.close()
        if task is None:
            return
        try:
            await asyncio.wait_for(task, 5.0)
        except Exception as exc:
            self.problems.add(f"bot.start() ended with {exc!r}")

    async def stop_all(self) -> None:
        for bot in list(self.running):
            await self.stop(bot)


@pytest.fixture
async def start_bot(
    fake_discord: FakeDiscord, discord_problems: DiscordProblems
) -> AsyncIterator[BotStarter]:
    starter = BotStarter(fake_discord, discord_problems)
    try:
        yield starter
    finally:
        await starter.stop_all()
