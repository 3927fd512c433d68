"""The PostgreSQL test database, for the tests beyond the store's that need one (several bot processes on
one store): TUTOR_TEST_PG, or a skip that says how to enable it (``.ci/run`` starts a throwaway server)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import asyncpg
import pytest

PG_URL = os.environ.get("TUTOR_TEST_PG", "").strip()
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
