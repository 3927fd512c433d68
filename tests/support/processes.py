"""Real bot processes for the multi-process tests and the shard bench: ``tutorbot run`` (``python -m bot
run``) started with an operator's environment, its log in a file, stopped with SIGTERM or killed with
SIGKILL; and a guild set-up written to the database before they start, its daily slot ten minutes ago, so
each process's start-up scheduler pass is what posts (nothing waits for a clock)."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.decks import load_deck
from bot.runner import CURATED_DECKS
from bot.store import GuildSettings, Store
from tests.fakediscord.remote import ROOT, FakeDiscordProcess


class BotProcess:
    """One ``python -m bot run`` with its environment; its log (stdout and stderr) in a file."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.env = env
        self.folder = folder / name
        self.folder.mkdir(exist_ok=True)  # its working directory (the command hash file is kept there)
        self.log_path = self.folder / "bot.log"
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> BotProcess:
        self.starts += 1
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=self.folder, stdout=log, stderr=log
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def wait_log(self, text: str, *, count: int = 1, timeout: float = 30.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.log().count(text) < count:
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(f"{self.name} exited ({self.process.returncode}):\n{self.log()[-3000:]}")
            if loop.time() > deadline:
                raise AssertionError(f"{self.name} never logged {text!r}:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)

    async def ready(self, timeout: float = 30.0) -> BotProcess:
        """Once this start's scheduler pass is done (the log keeps every start's lines)."""
        await self.wait_log("start-up scheduler pass", count=self.starts, timeout=timeout)
        return self

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            return None


def bot_environment(fake: FakeDiscordProcess, pg: str, count: int, ids: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "DISCORD_"))}
    env.update(fake.environment())
    env.update(
        TUTOR_DB=pg,
        TUTOR_DB_POOL="4",
        TUTOR_SHARD_COUNT=str(count),
        TUTOR_SHARD_IDS=ids,
        PYTHONPATH=str(ROOT),
    )
    return env


async def seed(pg: str, guilds: Iterable[tuple[int, int]]) -> None:
    """Each (guild, channel) set up two hours ago, its daily slot ten minutes ago (UTC), in English."""
    now = datetime.now(UTC)
    slot = now - timedelta(minutes=10)
    async with Store.open(pg, clock=lambda: now - timedelta(hours=2)) as store:
        deck = await store.save_deck(None, "cours-2", load_deck(CURATED_DECKS / "cours-2.yaml"))
        for guild_id, channel_id in guilds:
            await store.save_guild(
                GuildSettings(
                    guild_id,
                    channel_id=channel_id,
                    post_time=slot.strftime("%H:%M"),
                    timezone="UTC",
                    active_deck_id=deck,
                    language="en",
                )
            )
