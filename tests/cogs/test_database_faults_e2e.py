"""The database failing under the running bot, end to end: answers are refused with a clear private message
(never acknowledged as recorded), the log says so once per kind, /tutor status tells the teacher, and the bot
records again by itself once the database can be written. A database file deleted or replaced under the bot
is noticed and refused, never written to as if it were the database.

Each fault is the real SQLite condition: ``query_only`` makes SQLite refuse writes as on a read-only file
(SQLITE_READONLY); ``max_page_count`` at the current size makes a growing write fail as on a full disk
(SQLITE_FULL); the file is unlinked (a hard link keeps it, to put it back afterwards).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.fakediscord.fixtures import DiscordProblems
from tests.support.classroom import POST_AT, Class

NOT_RECORDED = "Your answer was not recorded"
ONCE = r"the database cannot record anything"
AGAIN = r"the database records again"


async def read_only(klass: Class) -> Callable[[], Awaitable[None]]:
    db = klass.store._conn()
    await db.execute("PRAGMA query_only = ON")

    async def undo() -> None:
        await db.execute("PRAGMA query_only = OFF")

    return undo


async def disk_full(klass: Class) -> Callable[[], Awaitable[None]]:
    db = klass.store._conn()
    (pages,) = await (await db.execute("PRAGMA page_count")).fetchone()  # type: ignore[misc]
    await db.execute(f"PRAGMA max_page_count = {int(pages)}")

    async def undo() -> None:
        await db.execute("PRAGMA max_page_count = 1073741823")

    return undo


async def deleted(klass: Class) -> Callable[[], Awaitable[None]]:
    kept = Path(f"{klass.db}.kept")
    os.link(klass.db, kept)
    klass.db.unlink()

    async def undo() -> None:
        os.rename(kept, klass.db)  # noqa: PTH104 -- the same file (inode) back in place

    return undo


def logged(caplog: pytest.LogCaptureFixture, pattern: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("bot") and pattern in r.getMessage()]


FAULTS = {"read_only": read_only, "disk_full": disk_full, "file_gone": deleted}
STATUS = {
    "read_only": "cannot be written (read-only file, folder or disk)",
    "disk_full": "The disk of the database is full",
    "file_gone": "was deleted or replaced while the bot runs",
}


def long_answer(items: list[str]) -> str:
    """Two right items, and long enough to need new pages (what a full disk refuses): multi-byte characters
    near the modal's limit."""
    return f"{items[0]}, {items[1]}, " + "é" * 3900


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_answers_are_refused_clearly_while_the_database_cannot_record(
    klass: Class, discord_problems: DiscordProblems, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    discord_problems.allow(ONCE)
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    await klass.start()
    await klass.setup(language="en")
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    undo = await FAULTS[fault](klass)
    reply = long_answer([item.answer for item in card.items])

    refused = [await fake.slash(klass.guild, member, "answer", text=reply) for member in (alice, bob)]
    for res in refused:
        assert res.ephemeral and NOT_RECORDED in res.text and "Try again in a minute" in res.text, res.text
        assert "Your score" not in res.text and "went wrong" not in res.text
    # The button's form says the same.
    click = await fake.click(bob, post_message, label="Answer")
    assert click.modal is not None
    graded = await click.modal.submit({"Your answer": reply})
    assert NOT_RECORDED in graded.text
    # Logged once for the three refusals, and the teacher is told in /tutor status.
    assert len(logged(caplog, ONCE)) == 1
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert STATUS[fault] in status.text, status.text

    await undo()  # writable again (for a deleted file: the same file back in place)
    again = await fake.slash(klass.guild, alice, "answer", text=reply)
    assert "Your score: 2/4" in again.text, again.text
    assert (await klass.store.get_answer(post.id, alice.id)) is not None
    assert (await klass.store.get_answer(post.id, bob.id)) is None  # refused, so not there
    assert len(logged(caplog, AGAIN)) == 1
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert STATUS[fault] not in status.text and card.question in post_message.text


async def test_a_database_replaced_under_the_bot_is_refused_not_written(
    klass: Class, discord_problems: DiscordProblems, caplog: pytest.LogCaptureFixture
) -> None:
    discord_problems.allow(ONCE)
    fake, alice = klass.fake, klass.students["alice"]
    await klass.start()
    await klass.setup(language="en")
    await klass.tick_at(POST_AT)
    # Someone deletes the file and an empty one appears in its place (a careless script, a restore gone
    # wrong): the bot must not start writing scores into it.
    klass.db.unlink()
    klass.db.write_bytes(b"")
    res = await fake.slash(klass.guild, alice, "answer", text="North, Mars, Spring")
    assert NOT_RECORDED in res.text
    assert len(logged(caplog, ONCE)) == 1
    assert klass.db.stat().st_size == 0  # nothing written into the stranger
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "restart the bot" in status.text
