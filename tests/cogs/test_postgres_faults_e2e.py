"""The shared PostgreSQL store failing under the running bot, end to end, as test_database_faults_e2e does
for the SQLite file: a member's answer is refused with the clear private "not recorded, try again in a
minute" (never acknowledged as recorded), the log says so once per kind, ``/tutor status`` tells the
teacher what is wrong, and the bot records again by itself once the server does.

Each fault is the real server condition, on a throwaway server of this module's own (it is stopped):

- the server stopped (``pg_ctl stop -m fast``: every connection closed, new ones refused);
- the server accepting only reads: ``default_transaction_read_only`` switched on for the database, and the
  bot's sessions dropped (what a fail-over to a read-only node looks like: new sessions are read-only);
  it is switched off again with no session dropped, so the bot must leave its read-only sessions itself;
- a connection dropped in the middle of an answer's transaction (``pg_terminate_backend`` of the session
  waiting for the guild's lock, which the test holds meanwhile).

Only with the PostgreSQL half enabled (TUTOR_TEST_PG); otherwise skipped with the suite's one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import asyncpg
import pytest

from bot.store import Post
from tests.fakediscord import Message
from tests.fakediscord.fixtures import DiscordProblems
from tests.support import postgres as test_postgres
from tests.support.classroom import Class
from tests.support.postgres import PG_URL, SKIP_PG, wipe_postgres

NOT_RECORDED = "Your answer was not recorded"
ONCE = "the database cannot record anything"
AGAIN = "the database records again"
DATABASE = "faults_test"


@pytest.fixture(scope="module")
def server() -> Iterator[test_postgres.ThrowawayPostgres]:
    yield from test_postgres.running_throwaway(
        "faults-password", enabled=bool(PG_URL), skip=SKIP_PG, who="these tests"
    )


@pytest.fixture
async def pg_class(klass: Class, server: test_postgres.ThrowawayPostgres) -> AsyncIterator[Class]:
    """The class server, its bot on the throwaway PostgreSQL (an empty database)."""
    admin = await asyncpg.connect(server.url)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            await admin.execute(f"CREATE DATABASE {DATABASE}")
        await admin.execute(f"ALTER DATABASE {DATABASE} RESET default_transaction_read_only")
    finally:
        await admin.close()
    url = server.url.rsplit("/", 1)[0] + f"/{DATABASE}"
    await wipe_postgres(url)
    klass.db = url  # type: ignore[assignment]  # Store.open takes the URL as TUTOR_DB does
    yield klass


async def admin(klass: Class) -> asyncpg.Connection:
    return await asyncpg.connect(str(klass.db))


async def drop_sessions(klass: Class) -> int:
    """Terminate the bot's sessions (every one but the caller's); how many."""
    db = await admin(klass)
    try:
        rows = await db.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await db.close()
    return len(rows)


async def stopped(klass: Class, server: test_postgres.ThrowawayPostgres) -> Callable[[], Awaitable[None]]:
    await asyncio.to_thread(server.stop)

    async def undo() -> None:
        await asyncio.to_thread(server.start)

    return undo


async def read_only(klass: Class, server: test_postgres.ThrowawayPostgres) -> Callable[[], Awaitable[None]]:
    db = await asyncpg.connect(server.url)  # the server's own database: not read-only
    try:
        await db.execute(f"ALTER DATABASE {DATABASE} SET default_transaction_read_only = on")
    finally:
        await db.close()
    assert await drop_sessions(klass) >= 1

    async def undo() -> None:
        # Switched off for new sessions only: the bot's sessions stay read-only unless it replaces them.
        db = await asyncpg.connect(server.url)
        try:
            await db.execute(f"ALTER DATABASE {DATABASE} RESET default_transaction_read_only")
        finally:
            await db.close()

    return undo


FAULTS = {"server_stopped": stopped, "read_only": read_only}
STATUS = {
    "server_stopped": "The database cannot be reached",
    "read_only": "The PostgreSQL server accepts only reads",
}


async def question_of_the_day(klass: Class) -> tuple[Message, Post, str]:
    """The bot started and set up, the day's question posted: its message, its post, a reply worth 2 items."""
    post_message, post, card = await klass.open_question()
    return post_message, post, f"{card.items[0].answer}, {card.items[1].answer}"


def logged(caplog: pytest.LogCaptureFixture, pattern: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("bot") and pattern in r.getMessage()]


async def stored_answers(klass: Class, post_id: int) -> set[int]:
    db = await admin(klass)
    try:
        rows = await db.fetch("SELECT member_id FROM answers WHERE post_id = $1", post_id)
    finally:
        await db.close()
    return {int(row[0]) for row in rows}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_answers_are_refused_clearly_while_postgresql_cannot_record(
    pg_class: Class,
    server: test_postgres.ThrowawayPostgres,
    discord_problems: DiscordProblems,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    discord_problems.allow(ONCE)
    klass = pg_class
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    post_message, post, reply = await question_of_the_day(klass)
    undo = await FAULTS[fault](klass, server)

    refused = [await fake.slash(klass.guild, member, "answer", text=reply) for member in (alice, bob)]
    for res in refused:
        assert res.ephemeral and NOT_RECORDED in res.text and "Try again in a minute" in res.text, res.text
        assert "Your score" not in res.text and "went wrong" not in res.text
    # The button: its form, refused the same way; or, when the server cannot even be read to check the
    # post, no form but the same clear message at once.
    click = await fake.click(bob, post_message, label="Answer")
    if click.modal is not None:
        graded = await click.modal.submit({"Your answer": reply})
        assert NOT_RECORDED in graded.text, graded.text
    else:
        assert fault == "server_stopped"
        assert click.ephemeral and "Not recorded" in click.text and "Try again in a minute" in click.text, (
            click.text
        )
    # Logged once for the three refusals, and the teacher is told what is wrong in /tutor status.
    assert len(logged(caplog, ONCE)) == 1, logged(caplog, ONCE)
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert status.ephemeral and STATUS[fault] in status.text, status.text
    assert "08:00" in status.text  # the set-up too, as last read when the server cannot be read
    # Nothing else logged about it either (asyncpg's pool used to log a traceback at every reconnection).
    assert [r.getMessage() for r in caplog.records if r.name.startswith("asyncpg")] == []

    await undo()
    again = await fake.slash(klass.guild, alice, "answer", text=reply)
    assert "Your score: 2/4" in again.text, again.text
    assert await stored_answers(klass, post.id) == {alice.id}  # Bob's were refused, so not there
    assert len(logged(caplog, AGAIN)) == 1, logged(caplog, AGAIN)
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert STATUS[fault] not in status.text and "Database" not in status.text, status.text


async def test_a_connection_dropped_during_an_answer_is_refused_then_the_bot_records_again(
    pg_class: Class, discord_problems: DiscordProblems, caplog: pytest.LogCaptureFixture
) -> None:
    discord_problems.allow(ONCE)
    klass = pg_class
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    _message, post, reply = await question_of_the_day(klass)

    # Idle connections dropped (a server restart, a proxy's timeout): replaced unseen, nothing refused.
    assert await drop_sessions(klass) >= 1
    carol = await fake.slash(klass.guild, klass.students["carol"], "answer", text=reply)
    assert "Your score: 2/4" in carol.text, carol.text
    assert logged(caplog, ONCE) == []

    # The test holds the guild's lock: Alice's answer transaction waits for it, begun, on the server.
    holder = await admin(klass)
    await holder.execute("SELECT pg_advisory_lock($1)", klass.guild.id)
    answering = asyncio.ensure_future(fake.slash(klass.guild, alice, "answer", text=reply))
    waiting = None
    for _ in range(200):
        waiting = await holder.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        if waiting is not None:
            break
        await asyncio.sleep(0.05)
    assert waiting is not None, "the answer never waited for the guild's lock"
    assert await holder.fetchval("SELECT pg_terminate_backend($1)", waiting)
    await holder.execute("SELECT pg_advisory_unlock($1)", klass.guild.id)
    await holder.close()

    res = await answering
    assert res.ephemeral and NOT_RECORDED in res.text and "Your score" not in res.text, res.text
    assert len(logged(caplog, ONCE)) == 1
    assert await stored_answers(klass, post.id) == {klass.students["carol"].id}

    # The pool replaced the connection: the next answers are recorded, Alice's first one included.
    for member in (alice, bob):
        again = await fake.slash(klass.guild, member, "answer", text=reply)
        assert "Your score: 2/4" in again.text, again.text
    assert await stored_answers(klass, post.id) == {alice.id, bob.id, klass.students["carol"].id}
    assert len(logged(caplog, AGAIN)) == 1
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "Database" not in status.text, status.text
