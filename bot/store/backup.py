"""``tutorbot backup PATH``: a copy of the SQLite database, safe while the bot runs.

SQLite's online backup API (``sqlite3.Connection.backup``) copies every page in one step, inside one read
transaction: the copy is the database as it was committed when the backup started, whatever the bot writes
meanwhile (in WAL mode the bot's writers are not blocked; they go on writing to the write-ahead log). The copy
is written to a temporary file next to ``PATH``, checked (``PRAGMA quick_check``), then renamed into place,
so ``PATH`` is never a half-written database. A PostgreSQL database is backed up with ``pg_dump``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """Why the backup was not made; one line for the terminal. Nothing was written to the target."""


@dataclass(frozen=True)
class BackupResult:
    target: Path
    bytes: int
    answers: int | None  # rows of the answers table in the copy (None: not a tutorbot database)


def backup_sqlite(source: Path, target: Path, *, force: bool = False) -> BackupResult:
    """Copy the SQLite database ``source`` to ``target`` (refused if it exists, unless ``force``)."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (set TUTOR_DB, or pass --db FILE)")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; pass --force to overwrite it")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the file to write, e.g. {target / 'tutorbot.db'}")
    if target.resolve() == source.resolve():
        raise BackupError(f"{target} is the database itself: choose another file")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    try:
        # mode=rw: never create an empty database where the real one was expected.
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from None
    try:
        partial.unlink(missing_ok=True)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: every page in one step, one consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            check = dst.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise BackupError(f"the copy of {source} failed its integrity check: {check}")
            answers = _count_answers(dst)
        finally:
            dst.close()
        partial.replace(target)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"cannot back up {source}: {exc}") from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc}") from None
    finally:
        src.close()
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return BackupResult(target=target, bytes=target.stat().st_size, answers=answers)


def _count_answers(db: sqlite3.Connection) -> int | None:
    try:
        row = db.execute("SELECT count(*) FROM answers").fetchone()
    except sqlite3.OperationalError:  # no such table: a SQLite file, but not the bot's
        return None
    return int(row[0])
