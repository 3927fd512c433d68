"""The real bot as its own process (``python -m bot run``) against a fake Discord, to kill it with SIGKILL.

::

    bot = BotProcess(fake, tmp_path, decks=decks)
    await bot.start()          # returns once it identified and its commands are registered
    bot.kill()                 # kill -9: no clean-up of any kind
    await bot.start()          # the same database, a new process
    db = bot.query("SELECT ...")

The process uses the real clock; its log (stderr) is kept in ``bot.log_path`` and ``bot.log()`` reads it.
"""

# ``timeout=`` like asyncio.wait_for's is the clearest API for a test helper.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.fakediscord import FakeDiscord

from .waiting import until


class BotProcess:
    """One bot process at a time on one database; ``start`` again after ``kill`` or ``stop``."""

    def __init__(self, fake: FakeDiscord, folder: Path, *, decks: Path | None = None) -> None:
        self.fake = fake
        self.folder = folder
        self.db = folder / "tutor.db"
        self.decks = decks
        self.log_path = folder / "bot.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "DISCORD_"))}
        env.update(
            DISCORD_TOKEN=self.fake.token,
            DISCORD_API_BASE=self.fake.api_base,
            DISCORD_GATEWAY_URL=self.fake.gateway_url,
            TUTOR_DB=str(self.db),
            TUTOR_LOG_LEVEL="INFO",
        )
        if self.decks is not None:
            env["TUTOR_DECKS"] = str(self.decks)
        return env

    async def start(self, *, timeout: float = 30.0) -> None:
        assert self.process is None or self.process.poll() is not None, "the bot is still running"
        identified = self.fake.identify_count
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 -- started once, waited on through the fake
                [sys.executable, "-m", "bot", "run"],
                cwd=self.folder,
                env=self.environment(),
                stdout=log,
                stderr=log,
            )
        self.starts += 1
        await self.fake.wait_until(
            lambda: (
                self.fake.identify_count > identified and self.fake.connected and self.fake.global_commands
            ),
            timeout=timeout,
            what="the bot process connecting",
        )
        # The start-up scheduler pass runs once the guilds are there and logs nothing when it has nothing to
        # do, so tests wait for what they expect it to do.

    def kill(self) -> None:
        """kill -9."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        for _ in range(200):
            code = self.process.poll()
            if code is not None:
                return code
            await asyncio.sleep(0.05)
        self.process.kill()
        raise AssertionError("the bot did not stop within 10 s of SIGTERM")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the bot's database (WAL: reading beside the running bot is safe)."""
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as db:
            return list(db.execute(sql, params))

    async def until_db(
        self, sql: str, params: tuple[Any, ...] = (), *, what: str, timeout: float = 20
    ) -> Any:
        """Wait until ``sql`` returns a row; that row."""

        def found() -> Any:
            try:
                rows = self.query(sql, params)
            except sqlite3.OperationalError:
                return None
            return rows[0] if rows else None

        return await until(found, what=what, timeout=timeout)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
