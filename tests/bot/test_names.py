"""Members' display names: remembered per guild, written to the store together a moment later, read back by a
restarted bot, and forgotten at once with the member's data."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.names import MemberNames, NameBook
from bot.store import Store

GUILD, OTHER = 1, 2


def test_the_book_keeps_names_per_guild_and_forgets_the_oldest() -> None:
    book = NameBook(size=2)
    assert book.remember(GUILD, 7, "Alice") and not book.remember(GUILD, 7, "Alice")  # unchanged
    assert book.remember(OTHER, 7, "Alice B.")
    assert book.known(GUILD, [7, 8]) == {7: "Alice"} and book.get(OTHER, 7) == "Alice B."
    book.remember(GUILD, 8, "Bob")  # the third name: the least recently seen goes
    assert book.known(GUILD, [7, 8]) == {8: "Bob"} and book.known(OTHER, [7]) == {7: "Alice B."}
    book.forget_guild(GUILD)
    assert book.known(GUILD, [7, 8]) == {}


async def test_names_are_written_together_and_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "names.db"
    async with Store.open(db) as store:
        names = MemberNames(store, flush_after=0.05)
        for member in range(50):
            names.remember(GUILD, member, f"Member {member}")
        names.remember(GUILD, 7, "Seven")  # changed before the write: the newest is kept
        assert await store.member_names(GUILD, [7]) == {}  # not written yet
        await asyncio.sleep(0.2)
        assert (await store.member_names(GUILD, range(50)))[7] == "Seven"
        assert len(await store.member_names(GUILD, range(50))) == 50
        names.remember(GUILD, 99, "Late")
        await names.close()  # what waits is written with the stop
    async with Store.open(db) as store:
        restarted = MemberNames(store)
        assert await restarted.names(GUILD, [7, 99, 1000]) == {7: "Seven", 99: "Late"}
        assert restarted.book.get(GUILD, 7) == "Seven"  # remembered once read


async def test_a_forgotten_member_is_not_written_afterwards(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "names.db") as store:
        names = MemberNames(store, flush_after=0.05)
        names.remember(GUILD, 7, "Alice")
        names.remember(GUILD, 8, "Bob")
        names.forget(GUILD, 7)  # /forget-me before the write
        names.remember(OTHER, 9, "Eve")
        names.forget_guild(OTHER)  # the bot was removed from that server
        await names.close()
        assert await store.member_names(GUILD, [7, 8]) == {8: "Bob"}
        assert await store.member_names(OTHER, [9]) == {}
        assert await names.names(GUILD, [7]) == {}
