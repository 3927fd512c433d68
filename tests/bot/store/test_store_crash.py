"""A writer killed with SIGKILL while recording answers leaves a consistent database that holds every answer
it had reported as recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_support import GUILD, MONDAY, MakePost

from bot.store import Store

REPO = Path(__file__).resolve().parents[3]

# About SQLite itself (its file, its pragmas, its connection): the PostgreSQL half is in test_store_postgres.
pytestmark = pytest.mark.sqlite_only

# Records answers as fast as it can, member after member, each to every post in turn, and prints each one
# only after record_answer returned: a printed line is an acknowledged answer.
_WRITER = """
import asyncio, sys
from datetime import datetime, timezone
from bot.store import Store

async def main() -> None:
    path, post_ids, at = sys.argv[1], [int(p) for p in sys.argv[2].split(",")], int(sys.argv[3])
    answered_at = datetime.fromtimestamp(at, timezone.utc)
    async with Store.open(path) as store:
        print("ready", flush=True)
        member = 0
        while True:
            member += 1
            for post_id in post_ids:
                score = (member % 4) / 4
                reply = "x" * 200
                result = await store.record_answer(post_id, member, reply, [member % 3], score, answered_at)
                print(result.answer_id, post_id, member, result.points, flush=True)

asyncio.run(main())
"""

Answer = tuple[int, int, int, int]  # answer id, post id, member id, points


def _write_until_killed(
    db_path: Path, post_ids: list[int], answered_at: datetime, kill_after: int
) -> list[Answer]:
    """Run the writer, SIGKILL it once it has reported ``kill_after`` answers; every answer it reported."""
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _WRITER,
            str(db_path),
            ",".join(str(post_id) for post_id in post_ids),
            str(int(answered_at.timestamp())),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready", writer.stderr.read() if writer.stderr else ""
    reported: list[Answer] = []
    for line in writer.stdout:
        reported.append(tuple(int(field) for field in line.split()))  # type: ignore[arg-type]
        if len(reported) >= kill_after:
            writer.send_signal(signal.SIGKILL)  # in the middle of whatever it was doing
            break
    # Read on through the same buffered stream: communicate() would read the pipe itself and lose the lines
    # already read ahead into the stream's buffer (the more of them, the busier the machine).
    rest = writer.stdout.read()
    writer.wait(30)
    # Lines still in the pipe were acknowledged too.
    reported.extend(tuple(int(field) for field in line.split()) for line in rest.splitlines())  # type: ignore[misc]
    assert writer.returncode == -signal.SIGKILL
    return reported


@pytest.mark.parametrize("kill_after", [40, 300, 1200])
async def test_answers_reported_before_a_sigkill_are_all_there(
    db_path: Path, store: Store, make_post: MakePost, kill_after: int
) -> None:
    posts = [await make_post(MONDAY + timedelta(days=day), hours=24 * 30) for day in range(5)]
    answered_at = MONDAY + timedelta(days=5)
    await store.close()  # the writer process owns the database now

    reported = _write_until_killed(db_path, [post.id for post in posts], answered_at, kill_after)

    async with Store.open(db_path) as reopened:
        assert await reopened.integrity_check() == "ok"
        stored = {
            (row["id"], row["post_id"], row["member_id"], row["points"])
            for row in await reopened._fetch("SELECT id, post_id, member_id, points FROM answers")
        }
        assert set(reported) <= stored
        # At most the one answer whose acknowledgement the kill interrupted is there without its line.
        assert len(stored) - len(reported) <= 1
        # The totals moved together with the answers: none counted twice, none missing.
        mismatched = await reopened._fetch(
            "SELECT t.member_id FROM member_totals t LEFT JOIN ("
            "  SELECT member_id, sum(points) AS points, count(*) AS answers FROM answers GROUP BY member_id"
            ") a ON a.member_id = t.member_id "
            "WHERE t.points != a.points OR t.answers != a.answers OR a.member_id IS NULL"
        )
        assert not mismatched
        members = await reopened._fetch("SELECT count(*) FROM member_totals WHERE guild_id = ?", (GUILD,))
        assert members[0][0] == len({member for _, _, member, _ in stored})
        deck_totals = await reopened._fetch("SELECT sum(points), sum(answers) FROM deck_totals")
        assert tuple(deck_totals[0]) == (sum(points for *_, points in stored), len(stored))
        # Whoever answered all five posts in a row with points has a streak of five; answers that earn
        # nothing (score 0 for every fourth member) extend no streak.
        full = await reopened._fetch(
            "SELECT streak, best_streak FROM member_totals WHERE answers = 5 AND points > 0"
        )
        assert full and {tuple(row) for row in full} == {(5, 5)}
        zero = await reopened._fetch(
            "SELECT streak, best_streak FROM member_totals WHERE answers = 5 AND points = 0"
        )
        assert {tuple(row) for row in zero} <= {(0, 0)}
