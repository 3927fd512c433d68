"""The real bot as its own process (``python -m bot run``) against a fake Discord, to kill it with SIGKILL.

::

    bot = BotProcess(fake, tmp_path, decks=decks)
    await bot.start()          # returns once it identified and its commands are registered
    bot.kill()                 # kill -9: no clean-up of any kind
    await bot.start()          # the same database, a new process
    db = bot.query("SELECT ...")

The process uses the real clock; its log (stderr) is kept in ``bot.log_path`` and ``bot.log()`` reads it.

A test that needs time to pass sooner gives the seams the in-process tests use (``TutorBot(clock=...,
scheduler_interval=...)``, the quiz service's ``sleep``): ``BotProcess(..., scheduler_interval=0.5,
clock_offset=timedelta(seconds=-20), quiz_time_scale=0.3)``. The process is then this module run as a
program (``python -m tests.support.botprocess``): the same ``run_bot`` as ``python -m bot run``, with the
bot's clock ``clock_offset`` from the real one (restarts keep the same offset, so time goes on), the
scheduler's loop every ``scheduler_interval`` seconds, and a quiz's rounds and pauses ``quiz_time_scale``
times as long.
"""

# ``timeout=`` like asyncio.wait_for's is the clearest API for a test helper.
# ruff: noqa: ASYNC109

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.fakediscord import FakeDiscord

from .waiting import until

ROOT = Path(__file__).resolve().parents[2]  # the checkout: where ``tests`` is importable from


class BotProcess:
    """One bot process at a time on one database; ``start`` again after ``kill`` or ``stop``."""

    def __init__(
        self,
        fake: FakeDiscord,
        folder: Path,
        *,
        decks: Path | None = None,
        scheduler_interval: float | None = None,
        clock_offset: timedelta | None = None,
        quiz_time_scale: float | None = None,
    ) -> None:
        self.fake = fake
        self.scheduler_interval = scheduler_interval
        self.clock_offset = clock_offset
        self.quiz_time_scale = quiz_time_scale
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
        if self.command()[1:3] != ["-m", "bot"]:  # this module as the program: ``tests`` must import
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    def now(self) -> datetime:
        """The bot's clock."""
        return datetime.now(UTC) + (self.clock_offset or timedelta())

    def command(self) -> list[str]:
        seams = {
            "--scheduler-interval": self.scheduler_interval,
            "--clock-offset": self.clock_offset.total_seconds() if self.clock_offset is not None else None,
            "--quiz-time-scale": self.quiz_time_scale,
        }
        given = [part for flag, value in seams.items() if value is not None for part in (flag, str(value))]
        if not given:
            return [sys.executable, "-m", "bot", "run"]
        return [sys.executable, "-m", "tests.support.botprocess", *given]

    async def start(self, *, timeout: float = 30.0) -> None:
        assert self.process is None or self.process.poll() is not None, "the bot is still running"
        identified = self.fake.identify_count
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 -- started once, waited on through the fake
                self.command(),
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


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot run`` with the test seams (see the module's docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.botprocess")
    parser.add_argument("--scheduler-interval", type=float, default=None)
    parser.add_argument("--clock-offset", type=float, default=0.0)
    parser.add_argument("--quiz-time-scale", type=float, default=None)
    args = parser.parse_args(argv)

    from bot.runner import SCHEDULER_INTERVAL, run_bot
    from bot.services import Services
    from bot.settings import Settings
    from bot.store import Store

    offset = timedelta(seconds=args.clock_offset)

    def clock() -> datetime:
        return datetime.now(UTC) + offset

    scale = args.quiz_time_scale
    if scale is not None:
        build = Services.build

        def scaled(*given: Any, **options: Any) -> Services:
            services = build(*given, **options)

            async def sleep(seconds: float) -> None:
                await asyncio.sleep(seconds * scale)

            services.quiz.sleep = sleep
            return services

        Services.build = staticmethod(scaled)  # type: ignore[method-assign,assignment]

    settings = Settings.from_env()
    return asyncio.run(
        run_bot(
            settings,
            open_store=lambda: Store.open(settings.db_target, pool=settings.db_pool, clock=clock),
            clock=clock,
            scheduler_interval=args.scheduler_interval or SCHEDULER_INTERVAL,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
