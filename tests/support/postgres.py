"""The PostgreSQL test database, for the tests beyond the store's that need one (several bot processes on
one store): TUTOR_TEST_PG, or a skip that says how to enable it (``.ci/run`` starts a throwaway server).

Also a throwaway server of a test's own (``ThrowawayPostgres``), for the tests that stop and start one:
initdb in a temporary folder, a loopback port, password authentication, removed at the end. The server
refuses to run as root; as root its tools run as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

PG_URL = os.environ.get("TUTOR_TEST_PG", "").strip()
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SKIP_PG = (
    "PostgreSQL half skipped: TUTOR_TEST_PG is not set. Run .ci/run (it starts a throwaway PostgreSQL 15), "
    "or set TUTOR_TEST_PG=postgresql://user:password@host:port/tutor_test to a database whose name "
    "contains 'test' (the tests wipe it)"
)


async def wipe_postgres(url: str) -> None:
    """An empty database for the next test: its schema dropped and made again."""
    name = urlsplit(url).path.lstrip("/")
    if "test" not in name:
        raise RuntimeError(
            f"TUTOR_TEST_PG must name a test database (its name contains 'test'), not {name!r}"
        )
    db = await asyncpg.connect(url)
    try:
        await db.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await db.close()


async def empty_postgres() -> str:
    """The emptied PostgreSQL test database, or the test is skipped (saying why)."""
    if not PG_URL:
        pytest.skip(SKIP_PG)
    await wipe_postgres(PG_URL)
    return PG_URL


def available() -> bool:
    return (PG_BIN / "initdb").is_file() and (os.geteuid() != 0 or shutil.which("su") is not None)


class ThrowawayPostgres:
    """``start()``, ``stop()`` (fast shutdown: clients see the server go away), ``url``, ``remove()``."""

    def __init__(self, password: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tutorbot-test-pg-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql://tutor:{password}@127.0.0.1:{self.port}/postgres"
        secret = self.folder / "password"
        secret.write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(secret, "postgres", "postgres")
        self._run(
            f"'{PG_BIN}/initdb' -D '{self.folder}/data' -U tutor --pwfile='{secret}' -E UTF8 --no-sync "
            "--auth-local=trust --auth-host=scram-sha-256"
        )

    def _run(self, command: str) -> None:
        full = (
            ["su", "postgres", "-s", "/bin/sh", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]
        )
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k '{self.folder}' -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = self.folder / "data", self.folder / "log"
        self._run(f"'{PG_BIN}/pg_ctl' -D '{data}' -l '{log}' -w -t 60 -o \"{options}\" start")

    def stop(self) -> None:
        self._run(f"'{PG_BIN}/pg_ctl' -D '{self.folder}/data' -w -t 60 -m fast stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self._run(f"'{PG_BIN}/pg_ctl' -D '{self.folder}/data' -w -m immediate stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def running_throwaway(password: str, *, enabled: bool, skip: str, who: str) -> Iterator[ThrowawayPostgres]:
    """A throwaway server for a module's tests to stop and start, removed after them (``yield from`` it in
    a fixture). Skipped with ``skip`` when the PostgreSQL half is not ``enabled``, and when the machine
    lacks the server (``who`` needs it)."""
    if not enabled:
        pytest.skip(skip)
    if not available():
        pytest.skip(f"{skip}; {who} also need PostgreSQL's server in {PG_BIN}")
    server = ThrowawayPostgres(password=password)
    try:
        server.start()
        yield server
    finally:
        server.remove()
