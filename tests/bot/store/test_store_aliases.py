"""Taught aliases: kept per guild, merged into the cards the store returns, surviving a re-import; teaching or
removing one re-grades every stored answer to the card in one transaction (answers, totals, deck totals,
leaderboards) and leaves a notice, told once, for each member whose grade went up."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from store_support import GUILD, MONDAY, OTHER_GUILD, SAMPLE_DECK, MakePost

from bot.decks.model import Card, Deck, Item
from bot.grading import grade_reply
from bot.store import GuildSettings, InvalidValue, NewGrade, Post, Store, StoredReply, UnknownRecord
from bot.store.base import Conn

REPO = Path(__file__).resolve().parents[3]
AT = MONDAY + timedelta(minutes=5)
PARIS = ZoneInfo("Europe/Paris")


async def regrade(card: Card, replies: Sequence[StoredReply]) -> list[NewGrade]:
    """The daily question's grading, as the bot re-grades."""
    graded = []
    for reply in replies:
        grade = grade_reply(card.items, reply.reply, question=card.question)
        graded.append(NewGrade(reply.answer_id, tuple(grade.matched), grade.score))
    return graded


async def answer(store: Store, post: Post, member: int, reply: str) -> None:
    """Record ``reply`` graded against the card as the guild sees it now."""
    assert post.card_id is not None
    stored = await store.get_card(post.card_id, guild_id=post.guild_id)
    assert stored is not None
    grade = grade_reply(stored.card.items, reply, question=stored.card.question)
    at = post.slot + timedelta(minutes=5)
    await store.record_answer(post.id, member, reply, grade.matched, grade.score, at)


async def teach(store: Store, post: Post, answer: str, alias: str, *, guild_id: int = GUILD):
    assert post.card_id is not None
    return await store.teach_alias(
        guild_id, post.card_id, answer, alias, key=alias.casefold(), regrade=regrade, added_by=42
    )


async def points(store: Store, member: int, guild_id: int = GUILD) -> int:
    board = await store.leaderboard(guild_id, "all", now=AT, tz=PARIS, member_id=member)
    assert board.me is not None
    return board.me.points


async def test_a_taught_alias_belongs_to_its_guild_and_joins_the_item(
    store: Store, guild: GuildSettings, card_ids: tuple[int, ...], make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    result = await teach(store, post, "Transparence", "pas cher")
    assert result.changed and result.regraded == 0

    mine = await store.get_card(card_ids[0], guild_id=GUILD)
    assert mine is not None and mine.card.items[0].aliases == ("transparency", "pas cher")
    assert mine.card.items[1].aliases == ()
    deck = await store.load_deck(guild.active_deck_id or 0, guild_id=GUILD)
    assert deck.deck.cards[0].items[0].aliases == ("transparency", "pas cher")
    # The bundled deck as stored, and as another guild sees it, are unchanged.
    for seen in (await store.get_card(card_ids[0]), await store.get_card(card_ids[0], guild_id=OTHER_GUILD)):
        assert seen is not None and seen.card.items[0].aliases == ("transparency",)
    assert (await store.load_deck(guild.active_deck_id or 0)).deck.cards[0].items[0].aliases == (
        "transparency",
    )

    listed = await store.taught_aliases(GUILD, deck_id=guild.active_deck_id)
    assert [(a.card_id, a.answer, a.alias, a.added_by) for a in listed] == [
        (card_ids[0], "Transparence", "pas cher", 42)
    ]
    assert await store.taught_aliases(OTHER_GUILD) == []


async def test_teaching_regrades_every_answer_to_the_card_and_the_totals_follow(
    store: Store, guild: GuildSettings, make_post: MakePost
) -> None:
    first = await make_post(MONDAY)
    again = await make_post(MONDAY + timedelta(days=7))  # the same card, a week later
    other_card = await make_post(MONDAY + timedelta(days=1), card=1)
    elsewhere = await make_post(MONDAY, guild_id=OTHER_GUILD)  # the same bundled card in another guild
    await answer(store, first, 1, "pas cher, rapidité")  # 1/4
    await answer(store, first, 2, "transparence, rapidité")  # 2/4, unchanged by the alias
    await answer(store, again, 1, "Pas  Chèr")  # 0/4
    await answer(store, other_card, 1, "qui")
    await answer(store, elsewhere, 1, "pas cher")
    before = await store.member_stats(GUILD, 1, AT)
    assert before is not None and before.points == 2 + 0 + 5

    result = await teach(store, first, "Transparence", "pas cher")

    assert result.changed and result.regraded == 3
    assert sorted((c.post_id, c.member_id, c.old_score, c.new_score) for c in result.changes) == [
        (first.id, 1, 0.25, 0.5),
        (again.id, 1, 0.0, 0.25),
    ]
    got = await store.get_answer(first.id, 1)
    assert got is not None and got.matched == (0, 1) and got.score == 0.5 and got.points == 5
    got = await store.get_answer(again.id, 1)
    assert got is not None and got.matched == (0,) and got.points == 2
    unchanged = await store.get_answer(first.id, 2)
    assert unchanged is not None and unchanged.points == 5
    after = await store.member_stats(GUILD, 1, AT)
    assert after is not None
    assert after.points == before.points + 3 + 2
    assert after.average_score == pytest.approx((0.5 + 0.25 + 0.5) / 3)
    assert (after.streak, after.best_streak, after.answers) == (before.streak, before.best_streak, 3)
    assert await points(store, 1) == after.points
    deck_board = await store.leaderboard(
        GUILD, "all", now=AT, tz=PARIS, deck_id=guild.active_deck_id, member_id=1
    )
    assert deck_board.me is not None and deck_board.me.points == after.points
    week = await store.leaderboard(GUILD, "week", now=AT, tz=PARIS, member_id=1)
    assert week.me is not None and week.me.points == 5 + 5  # the first week's two answers
    # The other guild's answer to the same bundled card is not this teacher's to change.
    theirs = await store.get_answer(elsewhere.id, 1)
    assert theirs is not None and theirs.points == 0


async def test_teaching_twice_changes_nothing_and_removing_restores_the_grades(
    store: Store, guild: GuildSettings, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    await answer(store, post, 1, "pas cher, rapidité")
    await teach(store, post, "Transparence", "pas cher")
    raised = await store.get_answer(post.id, 1)

    again = await teach(store, post, "Transparence", "Pas cher")  # the same alias, as the store keys it
    assert not again.changed and again.regraded == 0 and again.changes == ()
    assert await store.get_answer(post.id, 1) == raised
    assert len(await store.taught_aliases(GUILD)) == 1

    assert post.card_id is not None
    removed = await store.remove_taught_alias(
        GUILD, post.card_id, "Transparence", key="pas cher", regrade=regrade
    )
    assert removed.changed and [(c.old_score, c.new_score) for c in removed.changes] == [(0.5, 0.25)]
    back = await store.get_answer(post.id, 1)
    assert back is not None and back.matched == (1,) and back.points == 2 and back.total_points == 2
    assert await store.taught_aliases(GUILD) == []
    # Down again before the member heard: nothing to tell.
    assert await store.take_regrade_notices(GUILD, 1) == []
    nothing = await store.remove_taught_alias(
        GUILD, post.card_id, "Transparence", key="pas cher", regrade=regrade
    )
    assert not nothing.changed


async def test_a_member_whose_grade_went_up_is_told_once(
    store: Store, guild: GuildSettings, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    await answer(store, post, 1, "pas cher, rapidité")
    await answer(store, post, 2, "clarté, rapidité")
    await teach(store, post, "Transparence", "pas cher")
    await teach(store, post, "Transparence", "clarté")
    await teach(store, post, "Interactivité", "rapidité")  # credits nothing more: one part, one item
    assert await store.notified_members(GUILD) == {1, 2}

    notices = await store.take_regrade_notices(GUILD, 1)
    assert [(n.post_id, n.question, n.old_score, n.new_score) for n in notices] == [
        (post.id, "Les 4 forces ?", 0.25, 0.5)
    ]
    assert await store.take_regrade_notices(GUILD, 1) == []
    assert await store.notified_members(GUILD) == {2}
    await store.forget_member(GUILD, 2)
    assert await store.notified_members(GUILD) == set()


async def test_taught_aliases_survive_a_reimport_that_keeps_the_card_and_the_item(
    store: Store, guild: GuildSettings, make_post: MakePost, card_ids: tuple[int, ...]
) -> None:
    post = await make_post(MONDAY)
    await teach(store, post, "Transparence", "pas cher")
    await teach(store, post, "Rapidité", "vite")
    first = SAMPLE_DECK.cards[0]
    renamed = Card(first.question, (first.items[0], Item("Vitesse"), *first.items[2:]), line=first.line)
    await store.save_deck(None, "cours-2", Deck(SAMPLE_DECK.title, (renamed, *SAMPLE_DECK.cards[1:])))

    card = await store.get_card(card_ids[0], guild_id=GUILD)
    assert card is not None
    assert [item.aliases for item in card.card.items[:2]] == [("transparency", "pas cher"), ()]
    assert [a.alias for a in await store.taught_aliases(GUILD, deck_id=guild.active_deck_id)] == ["pas cher"]


async def test_bad_aliases_are_refused(store: Store, guild: GuildSettings, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    with pytest.raises(UnknownRecord):
        await teach(store, post, "Not an item", "pas cher")
    with pytest.raises(InvalidValue):
        await teach(store, post, "Transparence", "   ")
    with pytest.raises(InvalidValue):
        await teach(store, post, "Transparence", "x" * 201)
    assert await store.taught_aliases(GUILD) == []


class Halfway(Exception):
    """A failure in the middle of the re-grading transaction."""


class _FailsOnTotals:
    """A connection that fails when the re-grading, its answers already updated, moves the totals."""

    def __init__(self, db: Conn) -> None:
        self.db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    async def executemany(self, sql: str, rows: Any) -> None:
        if sql.startswith("UPDATE member_totals"):
            raise Halfway("the disk is full")
        await self.db.executemany(sql, rows)


async def test_a_failure_halfway_leaves_every_answer_at_its_old_grade(
    store: Store, guild: GuildSettings, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = await make_post(MONDAY)
    for member in range(1, 6):
        await answer(store, post, member, "pas cher, rapidité")
    before = [await store.get_answer(post.id, member) for member in range(1, 6)]
    write = store._writes.write

    async def failing(work: Callable[[Conn], Awaitable[Any]]) -> Any:
        return await write(lambda db: work(_FailsOnTotals(db)))  # type: ignore[arg-type]

    monkeypatch.setattr(store._writes, "write", failing)
    with pytest.raises(Halfway):
        await teach(store, post, "Transparence", "pas cher")
    monkeypatch.undo()

    assert [await store.get_answer(post.id, member) for member in range(1, 6)] == before
    assert await store.taught_aliases(GUILD) == []
    assert await store.notified_members(GUILD) == set()
    # The store still works, and the same change then goes through whole.
    done = await teach(store, post, "Transparence", "pas cher")
    assert len(done.changes) == 5 and await points(store, 5) == 5


# Teaches "pas cher" for the first item of the card and re-grades; killed (SIGKILL, no cleanup of any kind)
# once the re-grading transaction has updated the answers and starts on the totals.
_TEACHER = """
import asyncio, os, signal, sys
from bot.grading import grade_reply
from bot.store import NewGrade, Store
from bot.store.connection import SqliteConn

executemany = SqliteConn.executemany

async def killed(self, sql, rows):
    if sql.startswith("UPDATE member_totals"):
        print("answers updated", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    await executemany(self, sql, rows)

SqliteConn.executemany = killed

async def regrade(card, replies):
    return [
        NewGrade(r.answer_id, tuple(g.matched), g.score)
        for r in replies
        for g in [grade_reply(card.items, r.reply, question=card.question)]
    ]

async def main():
    async with Store.open(sys.argv[1]) as store:
        card = int(sys.argv[2])
        await store.teach_alias(111, card, "Transparence", "pas cher", key="pas cher", regrade=regrade)

asyncio.run(main())
"""


@pytest.mark.sqlite_only
async def test_a_crash_during_the_regrading_leaves_every_answer_at_its_old_grade(
    db_path: Path, store: Store, guild: GuildSettings, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    for member in range(1, 41):
        await answer(store, post, member, "pas cher, rapidité")
    await store.close()  # the teacher's process owns the database now

    teacher = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _TEACHER,
        str(db_path),
        str(post.card_id),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    out, err = await asyncio.wait_for(teacher.communicate(), timeout=60)
    assert teacher.returncode == -signal.SIGKILL and b"answers updated" in out, err.decode()

    async with Store.open(db_path) as reopened:
        assert await reopened.integrity_check() == "ok"
        rows = await reopened._fetch("SELECT DISTINCT matched, score, points FROM answers")
        assert [tuple(row) for row in rows] == [("[1]", 0.25, 2)]
        totals = await reopened._fetch("SELECT DISTINCT points, score_sum FROM member_totals")
        assert [tuple(row) for row in totals] == [(2, 0.25)]
        assert await reopened.taught_aliases(GUILD) == []
        assert await reopened.notified_members(GUILD) == set()


async def test_a_catch_up_regrades_only_the_answers_graded_against_the_card_read_before(
    store: Store, guild: GuildSettings, make_post: MakePost
) -> None:
    post = await make_post(MONDAY)
    await answer(store, post, 1, "pas cher, rapidité")
    assert post.card_id is not None
    before = await store.get_card(post.card_id, guild_id=GUILD)
    await teach(store, post, "Transparence", "pas cher")
    assert before is not None
    # Graded against the card as it was before the alias, recorded after the re-grading.
    stale = grade_reply(before.card.items, "pas cher, rapidité", question=before.card.question)
    await store.record_answer(post.id, 2, "pas cher, rapidité", stale.matched, stale.score, AT)

    caught = await store.regrade_card(GUILD, post.card_id, regrade=regrade)
    assert caught.regraded == 2 and [(c.member_id, c.old_score, c.new_score) for c in caught.changes] == [
        (2, 0.25, 0.5)
    ]
    assert await points(store, 2) == 5 and await points(store, 1) == 5
    again = await store.regrade_card(GUILD, post.card_id, regrade=regrade)
    assert again.changes == ()  # nothing is re-graded twice
