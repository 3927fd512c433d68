"""``tutorbot db migrate``: a SQLite database copied into an empty PostgreSQL one answers every question the
same, the source stays byte for byte as it was, and a non-empty target is refused with nothing changed."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from store_support import GUILD, MONDAY, OTHER_GUILD, SAMPLE_DECK

from bot.cli import main
from bot.store import MIGRATIONS, GuildSettings, Store
from bot.store.transfer import TABLES

DAY = timedelta(days=1)
AT = MONDAY + 2 * DAY + timedelta(hours=1)


async def _fill(path: Path) -> None:
    """Two guilds, their own and a bundled deck (with its grading vectors), three days of answers, practice,
    a session, a quiz."""
    async with Store.open(path) as store:
        bundled = await store.save_deck(None, "cours-2", SAMPLE_DECK)
        own = await store.save_deck(GUILD, "mine", SAMPLE_DECK)
        await store.save_deck_vectors(bundled, "model/v1", "digest", bytes(range(256)))  # a binary blob
        for guild_id, deck_id in ((GUILD, own), (OTHER_GUILD, bundled)):
            await store.save_guild(GuildSettings(guild_id, channel_id=5, active_deck_id=deck_id))
            cards = (await store.load_deck(deck_id)).card_ids
            for day in range(3):
                slot = MONDAY + day * DAY
                claim = await store.claim_post(guild_id, slot, cards[day], closes_at=slot + 3 * DAY)
                post = await store.set_post_message(claim.post.id, 5, 100 + claim.post.id, slot)
                for member in range(day, 12):
                    await store.record_answer(
                        post.id, member, f"r{member}", [member % 4], (member % 5) / 4, AT
                    )
            await store.record_practice(guild_id, 3, cards[0], state="{}", due=AT, score=0.5, answered_at=AT)
            await store.record_quiz_result(guild_id, "q1", 4, points=12, rounds=3, finished_at=AT)
        await store.save_practice_session(GUILD, 3, '{"left": [1]}', expires_at=AT + DAY)
        await store.mark_revealed(1, AT)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        counts = {table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for table in TABLES}
    db.close()
    return counts


async def _answers_to(store: Store) -> list[object]:
    """What the bot shows from a database: leaderboards, a member's stats, the export, a post's stats."""
    tz = ZoneInfo("Europe/Paris")
    shown: list[object] = []
    for guild_id in (GUILD, OTHER_GUILD):
        for period in ("week", "all"):
            for category in ("daily", "practice", "quiz"):
                shown.append(
                    await store.leaderboard(guild_id, period, now=AT, tz=tz, member_id=7, category=category)
                )
        shown.append(await store.member_stats(guild_id, 7, AT))
        shown.append(await store.member_history(guild_id, 7))
        shown.append(await store.export_scores_csv(guild_id))
    shown.append(await store.post_stats(2))
    shown.append(await store.list_decks(GUILD))
    shown.append(await store.load_practice_session(GUILD, 3))
    return shown


async def test_the_copy_answers_as_the_source_did_and_leaves_it_untouched(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tutorbot.db"
    await _fill(source)
    with sqlite3.connect(source) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert {name for name in tables if not name.startswith("sqlite_")} == set(TABLES)  # all are copied
    before, counts = _digest(source), _counts(source)

    assert await asyncio.to_thread(main, ["db", "migrate", "--from", str(source), "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert f"answers: {counts['answers']:,} rows" in out and "row counts match" in out
    assert _digest(source) == before

    async with Store.open(source) as original, Store.open(pg_url) as copy:
        for table, count in counts.items():
            assert (await copy._fetch(f"SELECT count(*) FROM {table}"))[0][0] == count, table
        assert await _answers_to(copy) == await _answers_to(original)
        # New rows get ids past the copied ones, and the totals trigger works again.
        deck_id = await copy.save_deck(GUILD, "new", SAMPLE_DECK)
        assert deck_id > max(deck.id for deck in await original.list_decks(GUILD))
        post = await copy.open_post(GUILD, AT)
        assert post is not None
        result = await copy.record_answer(post.id, 99, "x", [0], 1.0, AT)
        assert not result.already_answered and result.answer_id == counts["answers"] + 1
        deck = await copy._fetch(
            "SELECT answers FROM deck_totals WHERE guild_id = ? AND member_id = 99", (GUILD,)
        )
        assert [row[0] for row in deck] == [1]


async def test_a_target_that_is_not_empty_is_refused_with_nothing_copied(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tutorbot.db"
    await _fill(source)
    async with Store.open(pg_url) as store:
        await store.save_deck(None, "already-there", SAMPLE_DECK)
    assert await asyncio.to_thread(main, ["db", "migrate", "--from", str(source), "--to", pg_url]) == 1
    error = capsys.readouterr().err
    assert "is not empty (decks, cards, items already hold rows); nothing was copied" in error
    async with Store.open(pg_url) as store:
        assert [deck.name for deck in await store.list_decks(None)] == ["already-there"]
        assert (await store._fetch("SELECT count(*) FROM answers"))[0][0] == 0


async def test_an_older_bots_file_is_brought_up_to_date_in_memory_only(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "old.db"
    with sqlite3.connect(source) as db:
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO decks (id, guild_id, name, title, language, created_at, updated_at) "
            "VALUES (1, NULL, 'old', 'Old deck', 'fr', 0, 0)"
        )
        db.execute("INSERT INTO cards (id, deck_id, position, question) VALUES (1, 1, 0, 'Q?')")
    db.close()
    before = _digest(source)
    assert await asyncio.to_thread(main, ["db", "migrate", "--from", str(source), "--to", pg_url]) == 0
    assert _digest(source) == before
    async with Store.open(pg_url) as store:
        deck = await store.load_deck(1)
        assert deck.deck.cards[0].question == "Q?"


def test_a_source_that_is_not_sqlite_or_a_target_that_is_not_a_url_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("member_id,points\n")
    assert main(["db", "migrate", "--from", str(notes), "--to", "postgresql://tutor@127.0.0.1:1/x"]) == 1
    assert "is not a SQLite database" in capsys.readouterr().err
    assert main(["db", "migrate", "--from", str(notes), "--to", str(tmp_path / "other.db")]) == 2
    assert "--to must be a postgresql://" in capsys.readouterr().err
