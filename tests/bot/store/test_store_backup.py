"""``tutorbot backup``: a consistent copy while answers are being written, and its refusals."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from store_support import GUILD, MONDAY, MakePost

from bot.cli import main
from bot.store import Store
from bot.store.backup import BackupError, backup_sqlite
from tests.support import until

pytestmark = pytest.mark.sqlite_only


async def test_a_backup_while_answers_are_written_has_every_answer_committed_before_it(
    store: Store, make_post: MakePost, db_path: Path, tmp_path: Path
) -> None:
    post = await make_post(MONDAY, hours=24 * 365)
    reply = "Transparence, rapidité, authenticité. " * 50  # rows of some size, so the copy takes a while
    for member in range(1, 1001):  # a database of a few megabytes before the backup
        await store.record_answer(post.id, member, reply, [0], 0.5, MONDAY + timedelta(seconds=member))
    committed: list[int] = []
    attempted: list[int] = []
    stop = asyncio.Event()

    async def class_answering() -> None:
        member = 10_000
        while not stop.is_set():
            member += 1
            attempted.append(member)
            await store.record_answer(post.id, member, reply, [0, 1], 1.0, MONDAY + timedelta(hours=1))
            committed.append(member)

    writer = asyncio.create_task(class_answering())
    await until(lambda: len(committed) >= 50, timeout=30, what="answers before the backup")
    before = set(committed) | set(range(1, 1001))
    copy = tmp_path / "copy.db"
    result = await asyncio.to_thread(backup_sqlite, db_path, copy)
    during = len(committed)
    await until(lambda: len(committed) >= during + 20, timeout=30, what="answers after the backup")
    stop.set()
    await writer

    db = sqlite3.connect(copy)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT member_id, points FROM answers WHERE post_id = ?", (post.id,)).fetchall()
        members = {member for member, _ in rows}
        totals = dict(db.execute("SELECT member_id, answers FROM member_totals WHERE guild_id = ?", (GUILD,)))
    finally:
        db.close()
    assert before <= members  # every answer committed before the backup started
    assert members <= set(attempted) | set(range(1, 1001))
    assert {member: 1 for member in members} == totals  # answers and totals from the same commits
    assert result.answers == len(members) and result.bytes == copy.stat().st_size
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file
    async with Store.open(copy) as restored:  # the bot opens the copy as it is
        kept = await restored.get_answer(post.id, max(before))
        assert kept is not None and kept.points == 10


async def test_backup_refuses_to_overwrite_without_force(
    store: Store, make_post: MakePost, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    post = await make_post(MONDAY)
    await store.record_answer(post.id, 7, "x", [0], 1.0, MONDAY + timedelta(minutes=1))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TUTOR_DB", str(db_path))
    existing = tmp_path / "backup.db"
    existing.write_bytes(b"yesterday's backup")
    assert main(["backup", str(existing)]) == 1
    err = capsys.readouterr().err
    assert err == f"tutorbot: {existing} exists; pass --force to overwrite it\n"
    assert existing.read_bytes() == b"yesterday's backup"  # untouched
    assert main(["backup", str(existing), "--force"]) == 0
    assert f"to {existing}" in capsys.readouterr().out
    with sqlite3.connect(existing) as db:
        assert db.execute("SELECT count(*) FROM answers").fetchone() == (1,)
    assert not (tmp_path / ".backup.db.partial").exists()  # no partial file left


def test_backup_of_a_missing_database_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="there is no database at"):
        backup_sqlite(tmp_path / "none.db", tmp_path / "copy.db")
    assert list(tmp_path.iterdir()) == []  # neither an empty database nor a copy


def test_backup_of_a_postgresql_database_says_to_use_pg_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TUTOR_DB", "postgresql://tutor:s3cret@db.example/tutor")
    assert main(["backup", str(tmp_path / "copy.dump")]) == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err and "s3cret" not in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
