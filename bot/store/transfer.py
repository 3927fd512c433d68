"""``tutorbot db migrate``: copy a SQLite database into an empty PostgreSQL one, for a class that grows.

The source is only read (opened read-only, one read transaction: a consistent snapshot even while a bot
writes to it); a source at an older schema version is migrated in memory first, never on disk. The target
must be empty: its schema is made by the store's own migrations, then every table is copied with COPY in one
transaction, the identity sequences are moved past the copied ids, and the row counts of every table are
compared with the source's before the commit. Anything wrong rolls the whole copy back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from .connection import SQLITE_HEADER, explain
from .errors import StoreError
from .postgres import GONE, open_postgres, redact
from .schema import MIGRATIONS, SCHEMA_VERSION

#: Every table of the schema, parents before children (foreign keys hold at each step).
TABLES = (
    "decks",
    "deck_vectors",
    "cards",
    "items",
    "guilds",
    "posts",
    "answers",
    "member_totals",
    "deck_totals",
    "reviews",
    "practice_answers",
    "practice_sessions",
    "quiz_results",
    "member_names",
    "taught_aliases",
    "regrade_notices",
    "send_intents",
    "quiz_rounds",
)
# The identity column of each table that has one (SQLite's INTEGER PRIMARY KEY).
_IDENTITY = {
    "decks": "id",
    "cards": "id",
    "guilds": "guild_id",
    "posts": "id",
    "answers": "id",
    "practice_answers": "id",
    "quiz_results": "id",
}
_CHUNK = 20_000  # rows per COPY: bounded memory for a million answers
# Table and column names in the SQL below come from TABLES, _IDENTITY and the target's own catalogue, never
# from input: identifiers cannot be bound parameters.


@contextmanager
def _snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """The source at the current schema version, read-only, inside one read transaction."""
    if not path.is_file():
        raise StoreError(f"{path} is not a file; give the SQLite file the bot uses (TUTOR_DB) with --from")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        raise StoreError(f"{path} is not a SQLite database (it starts with {head!r}); nothing was copied")
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise explain(error, str(path), None) from error
    try:
        try:
            source.execute("BEGIN")
            version = int(source.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0]
                for row in source.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            }
        except sqlite3.Error as error:
            raise explain(error, str(path), None) from error
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path} has schema version {version}, newer than this tutorbot ({SCHEMA_VERSION}); "
                "upgrade tutorbot first"
            )
        if version == 0 and tables:
            raise StoreError(f"{path} is a SQLite database of another program (no tutorbot schema version)")
        if version == SCHEMA_VERSION:
            yield source
            return
        # An older bot's file: brought up to date in memory, the file itself untouched.
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            source.backup(memory)
            for migration in MIGRATIONS[version:]:
                for statement in migration:
                    memory.execute(statement)
            yield memory
        finally:
            memory.close()
    finally:
        source.close()


async def copy_to_postgres(
    source_path: str | Path, url: str, *, say: Callable[[str], None] = lambda line: None
) -> dict[str, int]:
    """Copy every table of the SQLite file into the empty PostgreSQL database at ``url``; the rows copied
    per table. Raises StoreError, with nothing copied, when either side cannot be used."""
    where = redact(url)
    with _snapshot(Path(source_path)) as source:
        counts = {
            table: int(source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in TABLES
        }
        engine = await open_postgres(url, pool=2)
        try:
            async with engine.pool().acquire() as db:
                filled = [
                    table for table in TABLES if await db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})")
                ]
                if filled:
                    raise StoreError(
                        f"{where} is not empty ({', '.join(filled)} already hold rows); nothing was copied. "
                        "db migrate copies into an empty database only: create a new one (createdb)"
                    )
                async with db.transaction():
                    # The copied deck_totals are already the sums: the trigger must not add the answers again.
                    await db.execute("ALTER TABLE answers DISABLE TRIGGER answers_deck_totals")
                    for table in TABLES:
                        columns = [
                            row[0]
                            for row in await db.fetch(
                                "SELECT column_name FROM information_schema.columns "
                                "WHERE table_schema = current_schema() AND table_name = $1 "
                                "ORDER BY ordinal_position",
                                table,
                            )
                        ]
                        cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
                        while rows := cursor.fetchmany(_CHUNK):
                            try:
                                await db.copy_records_to_table(table, records=rows, columns=columns)
                            except (OverflowError, TypeError, ValueError) as error:
                                # SQLite keeps whatever it is given (an integer past 64 bits becomes a float).
                                raise StoreError(
                                    f"{table}: a value in {source_path} does not fit PostgreSQL's column "
                                    f"({error}); fix or remove that row first. Nothing was copied"
                                ) from error
                        copied = int(await db.fetchval(f"SELECT count(*) FROM {table}"))
                        if copied != counts[table]:
                            raise StoreError(
                                f"{table}: {copied} rows arrived in {where} but the source has "
                                f"{counts[table]}; nothing was copied"
                            )
                        say(f"{table}: {copied:,} rows")
                    await db.execute("ALTER TABLE answers ENABLE TRIGGER answers_deck_totals")
                    for table, column in _IDENTITY.items():
                        # The next id handed out follows the largest copied one.
                        await db.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                            f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                        )
        except sqlite3.Error as error:
            raise explain(error, str(source_path), None) from error
        except GONE as error:
            raise StoreError(
                f"lost PostgreSQL at {where} during the copy ({error}); nothing was copied"
            ) from error
        except asyncpg.PostgresError as error:
            raise StoreError(
                f"PostgreSQL at {where} refused the copy ({error}); nothing was copied"
            ) from error
        finally:
            await engine.close()
    return counts
