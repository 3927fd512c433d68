"""Bad input at start-up: a clear StoreError that says what to do, and the file left exactly as it was."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import SCHEMA_VERSION, DatabaseLocked, Store, StoreError

REPO = Path(__file__).resolve().parents[3]

# About SQLite itself (its file, its pragmas, its connection): the PostgreSQL half is in test_store_postgres.
pytestmark = pytest.mark.sqlite_only

# Opens the store in a child process and prints the outcome, so that file permissions can be tested as a
# user that lacks root's power to write anything.
_OPEN_SCRIPT = """
import asyncio, sys
from bot.store import Store, StoreError

async def main() -> None:
    try:
        async with Store.open(sys.argv[1], busy_timeout=0.2):
            print("OPENED")
    except StoreError as error:
        print(f"StoreError: {error}")

asyncio.run(main())
"""

# Holds a lock on a database until its standard input closes.
_LOCK_SCRIPT = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute(sys.argv[2])
print("locked", flush=True)
sys.stdin.read()
db.execute("ROLLBACK")
"""


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes: what "nothing was overwritten" means."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _unprivileged() -> list[str]:
    """A command prefix that runs a child without the power to ignore file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file read-only for the test")
    # Root keeps its uid but loses the capabilities that bypass permission bits, like an ordinary user.
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def _open_in_child(path: Path) -> str:
    command = [*_unprivileged(), sys.executable, "-c", _OPEN_SCRIPT, str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=_env(), check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def locker(db_path: Path) -> Iterator[object]:
    """Start a process holding a lock on ``db_path``; stops it at the end of the test."""
    children: list[subprocess.Popen[str]] = []

    def start(begin: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-c", _LOCK_SCRIPT, str(db_path), begin],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        children.append(child)
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        return child

    yield start
    for child in children:
        child.communicate(timeout=30)


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _sqlite_file(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as db:
        for statement in statements:
            db.execute(statement)
    db.close()


async def test_a_file_that_is_not_sqlite_is_refused_untouched(db_path: Path) -> None:
    _write(db_path, b"member_id,points\n1,10\n")
    before = _fingerprint(db_path.parent)
    with pytest.raises(StoreError, match=r"is not a SQLite database.*nothing was changed.*TUTOR_DB"):
        await Store.connect(db_path)
    assert _fingerprint(db_path.parent) == before  # not even a -wal or -shm file appeared


async def test_a_damaged_sqlite_file_is_refused_untouched(db_path: Path) -> None:
    _write(db_path, b"SQLite format 3\x00" + bytes(range(256)) * 16)
    before = _fingerprint(db_path.parent)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        await Store.connect(db_path)
    assert _fingerprint(db_path.parent) == before


async def test_a_database_from_a_newer_bot_is_refused_untouched(db_path: Path) -> None:
    _sqlite_file(db_path, "CREATE TABLE future (x)", f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    before = _fingerprint(db_path.parent)
    with pytest.raises(StoreError, match=rf"schema version {SCHEMA_VERSION + 3}, newer.*Upgrade the bot"):
        await Store.connect(db_path)
    assert _fingerprint(db_path.parent) == before


async def test_another_programs_database_is_refused_untouched(db_path: Path) -> None:
    _sqlite_file(db_path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = _fingerprint(db_path.parent)
    with pytest.raises(StoreError, match=r"database of another program.*nothing was changed"):
        await Store.connect(db_path)
    assert _fingerprint(db_path.parent) == before


async def test_a_folder_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        await Store.connect(tmp_path)
    with pytest.raises(StoreError, match="does not exist; create it"):
        await Store.connect(tmp_path / "missing" / "tutor.db")


def _create_store(path: Path) -> None:
    async def create() -> None:
        async with Store.open(path):
            pass

    asyncio.run(create())


def test_a_read_only_file_is_refused_untouched(db_path: Path) -> None:
    _create_store(db_path)
    db_path.chmod(0o444)
    try:
        before = _fingerprint(db_path.parent)
        outcome = _open_in_child(db_path)
        assert outcome.startswith("StoreError:"), outcome
        assert "read-only" in outcome and "chmod" in outcome
        assert _fingerprint(db_path.parent) == before
    finally:
        db_path.chmod(0o644)


def test_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db_path = folder / "tutor.db"
    _create_store(db_path)
    folder.chmod(0o555)
    try:
        before = _fingerprint(folder)
        outcome = _open_in_child(db_path)
        assert outcome.startswith("StoreError:"), outcome
        assert "folder" in outcome and "read-only" in outcome
        assert _fingerprint(folder) == before
    finally:
        folder.chmod(0o755)


async def test_a_database_locked_by_another_process_waits_then_says_so(db_path: Path, locker) -> None:  # type: ignore[no-untyped-def]
    # An old-style (rollback journal) file held exclusively: even reading its version has to wait.
    _sqlite_file(db_path, "CREATE TABLE t (x)")
    before = _fingerprint(db_path.parent)
    locker("BEGIN EXCLUSIVE")
    started = time.monotonic()
    with pytest.raises(
        DatabaseLocked, match=r"locked by another process after waiting 0\.3 s.*stop the other"
    ):
        await Store.connect(db_path, busy_timeout=0.3)
    assert time.monotonic() - started >= 0.25  # it waited for the busy timeout first
    assert _fingerprint(db_path.parent) == before


async def test_a_wal_database_held_by_another_writer_is_reported_at_start_up(db_path: Path, locker) -> None:  # type: ignore[no-untyped-def]
    async with Store.open(db_path):
        pass
    child = locker("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseLocked, match="locked by another process"):
        await Store.connect(db_path, busy_timeout=0.3)
    child.communicate(timeout=30)  # the other process lets go: now it opens
    async with Store.open(db_path) as store:
        assert await store.integrity_check() == "ok"


async def test_a_closed_store_says_so(db_path: Path) -> None:
    store = await Store.connect(db_path)
    await store.close()
    await store.close()  # closing twice is harmless
    with pytest.raises(StoreError, match="the store is closed"):
        await store.get_guild(1)
