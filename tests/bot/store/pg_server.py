"""The PostgreSQL half of the store tests (imported by name, like store_support): the database it runs on,
and the line that says why it is skipped. The throwaway server is in tests/support/postgres.py."""

from __future__ import annotations

import os

# The PostgreSQL half of the store tests runs against this database (the tests wipe it).
PG_URL = os.environ.get("TUTOR_TEST_PG", "").strip()
SKIP_PG = (
    "PostgreSQL half of the store tests skipped: TUTOR_TEST_PG is not set. Run .ci/run (it starts a "
    "throwaway PostgreSQL 15), or set TUTOR_TEST_PG=postgresql://user:password@host:port/tutor_test to a "
    "database whose name contains 'test' (the tests wipe it)"
)
