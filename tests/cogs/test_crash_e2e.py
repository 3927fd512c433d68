"""kill -9 of the real bot process between Discord accepting a post (or a reveal) and the bot storing its id:
after the restart the message is adopted, never sent twice, and it works (the question takes answers).

The bot runs as ``python -m bot run`` against the fake Discord of the test process; the fake holds the
response to the send, so Discord has the message while the bot never hears back, and the test kills it then.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from tests.fakediscord import FakeDiscord
from tests.support.botprocess import BotProcess
from tests.support.classroom import TEST_DECK

MESSAGES = "/channels/{channel_id}/messages"
# The test deck's cards (tests.support.classroom.TEST_DECK): a question's words, and its four items.
CARDS = (
    ("seasons", ("Spring", "Summer", "Autumn", "Winter")),
    ("planets", ("Mercury", "Venus", "Earth", "Mars")),
    ("directions", ("North", "East", "South", "West")),
)
ANSWERS = {"Spring", "Summer", "Autumn", "Winter", "Mercury", "Venus", "Earth", "Mars"}


@pytest.fixture
def world(fake_discord: FakeDiscord, tmp_path: Path) -> Iterator[tuple[FakeDiscord, BotProcess]]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "general.yaml").write_text(TEST_DECK, encoding="utf-8")
    # Fetched messages without their nonce: the bot must recognise its post by its button, its reveal by
    # its link to the post.
    fake_discord.history_includes_nonce = False
    bot = BotProcess(fake_discord, tmp_path, decks=decks)
    yield fake_discord, bot
    bot.close()


async def set_up(fake: FakeDiscord, bot: BotProcess) -> tuple[object, object, object, object]:
    guild = fake.add_guild("Classe", channels=("general", "questions"))
    prof = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
    teacher = fake.add_member(guild, "teacher", roles=[prof])
    alice = fake.add_member(guild, "alice")
    await bot.start()
    # Far from now, so that nothing is scheduled during the test: only the teacher's commands post.
    far = (datetime.now(UTC) + timedelta(hours=6)).strftime("%H:%M")
    res = await fake.slash(
        guild,
        teacher,
        "tutor setup",
        channel=guild.channel("questions"),
        time=far,
        timezone="UTC",
        deck="general",
    )
    assert res.ephemeral and "set up" in res.text.lower(), res.text
    return guild, guild.channel("questions"), teacher, alice


def questions_in(fake: FakeDiscord, channel: object) -> list[object]:
    return [m for m in fake.messages_in(channel, by_bot=True) if m.embed and "Question" in m.embed["title"]]


def reveals_in(fake: FakeDiscord, channel: object) -> list[object]:
    return [m for m in fake.messages_in(channel, by_bot=True) if m.embed and m.embed.get("url")]


async def killed_while_held(fake: FakeDiscord, bot: BotProcess, send: object) -> None:
    """Hold the next send's response, run ``send`` (a coroutine: a command), kill -9 the bot once Discord has
    the message, then release the response to nobody."""
    hold = fake.hold_next("POST", MESSAGES)
    command = asyncio.ensure_future(send)  # type: ignore[arg-type]
    await fake.wait_until(lambda: hold.held, what="the held send", timeout=10)
    bot.kill()
    fake.release_holds()
    await fake.wait_until(lambda: not hold.held, what="the release")
    command.cancel()  # deferred, and its content never comes: the teacher's "thinking…" stays
    await asyncio.gather(command, return_exceptions=True)


async def test_post_now_killed_after_discord_accepted_it_is_adopted_not_resent(
    world: tuple[FakeDiscord, BotProcess],
) -> None:
    fake, bot = world
    guild, questions, teacher, alice = await set_up(fake, bot)

    await killed_while_held(fake, bot, fake.slash(guild, teacher, "tutor post-now", wait=True, timeout=30))
    (accepted,) = questions_in(fake, questions)  # Discord has it; the bot never stored its id
    assert bot.query("SELECT message_id FROM posts") == [(None,)]
    assert bot.query("SELECT kind FROM send_intents") == [("post",)]

    await bot.start()
    # The start-up pass finds the post in the channel by its button and records it: not sent again.
    await bot.until_db("SELECT 1 FROM posts WHERE message_id = ?", (accepted.id,), what="the post adopted")
    assert bot.query("SELECT count(*) FROM send_intents") == [(0,)]
    assert questions_in(fake, questions) == [accepted]

    # The question is alive: /answer and its button both grade.
    graded = await fake.slash(guild, alice, "answer", text="Spring, Mercury, North")
    assert graded.ephemeral and "Your score: 1/4" in graded.text, graded.text
    click = await fake.click(teacher, accepted, label="Answer")
    assert click.modal is not None
    # A second post-now at once is "already posted", and reveals nothing.
    again = await fake.slash(guild, teacher, "tutor post-now")
    assert "posted moments ago" in again.text, again.text
    assert reveals_in(fake, questions) == [] and len(questions_in(fake, questions)) == 1
    assert "Traceback" not in bot.log()


async def test_reveal_killed_after_discord_accepted_it_is_adopted_not_resent(
    world: tuple[FakeDiscord, BotProcess],
) -> None:
    fake, bot = world
    guild, questions, teacher, alice = await set_up(fake, bot)
    posted = await fake.slash(guild, teacher, "tutor post-now")
    assert "posted" in posted.text.lower(), posted.text
    (question,) = questions_in(fake, questions)
    graded = await fake.slash(guild, alice, "answer", text="Spring, Mercury, North")
    assert "Your score: 1/4" in graded.text

    await killed_while_held(fake, bot, fake.slash(guild, teacher, "tutor reveal-now", wait=True, timeout=30))
    (accepted,) = reveals_in(fake, questions)
    assert bot.query("SELECT revealed_at FROM posts") == [(None,)]

    await bot.start()
    # Found by its link to the question: marked revealed, the question closed, no second reveal.
    await bot.until_db("SELECT 1 FROM posts WHERE revealed_at IS NOT NULL", what="the reveal adopted")
    await fake.wait_until(lambda: not fake.message(question).buttons, what="the question closed", timeout=10)
    assert reveals_in(fake, questions) == [accepted]
    nothing = await fake.slash(guild, teacher, "tutor reveal-now")
    assert nothing.ephemeral and reveals_in(fake, questions) == [accepted]
    assert "Traceback" not in bot.log()


def offset_to_second(second: float) -> timedelta:
    """A clock offset (at most a minute back) that puts the bot's clock at ``second`` past a minute now."""
    now = datetime.now(UTC)
    return timedelta(seconds=(second - now.second - now.microsecond / 1e6) % 60 - 60)


async def test_scheduled_post_killed_after_discord_accepted_it_is_adopted_not_resent(
    world: tuple[FakeDiscord, BotProcess],
) -> None:
    fake, bot = world
    # The scheduler's own tick posts: its loop every half second, the bot's clock just before a minute
    # (51 s past) when it starts, and the daily time set to the next minute once it runs.
    bot.scheduler_interval = 0.5
    bot.clock_offset = offset_to_second(51)
    guild = fake.add_guild("Classe", channels=("general", "questions"))
    prof = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
    teacher = fake.add_member(guild, "teacher", roles=[prof])
    alice = fake.add_member(guild, "alice")
    questions = guild.channel("questions")
    await bot.start()
    soon = bot.now() + timedelta(seconds=2)
    due = soon.replace(second=0, microsecond=0) + timedelta(minutes=1)
    res = await fake.slash(
        guild,
        teacher,
        "tutor setup",
        channel=questions,
        time=due.strftime("%H:%M"),
        timezone="UTC",
        deck="general",
    )
    assert res.ephemeral and "set up" in res.text.lower(), res.text
    assert questions_in(fake, questions) == []

    hold = fake.hold_next("POST", MESSAGES)
    wait = (due - bot.now()).total_seconds() + 10
    await fake.wait_until(lambda: hold.held, what="the scheduled post, held", timeout=wait)
    bot.kill()
    fake.release_holds()
    (accepted,) = questions_in(fake, questions)  # Discord has it; the bot never stored its id
    assert bot.query("SELECT message_id FROM posts") == [(None,)]

    await bot.start()
    await bot.until_db("SELECT 1 FROM posts WHERE message_id = ?", (accepted.id,), what="the post adopted")
    graded = await fake.slash(guild, alice, "answer", text="Spring, Mercury, North")
    assert graded.ephemeral and "Your score: 1/4" in graded.text, graded.text
    click = await fake.click(teacher, accepted, label="Answer")
    assert click.modal is not None
    await asyncio.sleep(1.5)  # three more scheduler ticks: none posts again
    assert questions_in(fake, questions) == [accepted]
    assert bot.query("SELECT count(*) FROM posts") == [(1,)]
    assert "Traceback" not in bot.log()


def big_deck(cards: int, items: int) -> bytes:
    """A CSV deck at the caps: ``cards`` cards of ``items`` items (about a second for the store to write)."""
    rows = (f"Question {n} ?," + "|".join(f"answer{n}x{i}" for i in range(items)) for n in range(cards))
    return "\n".join(rows).encode()


def held_write(db: Path, *, longer_than: float, timeout: float) -> bool:
    """Whether, within ``timeout`` seconds, a write transaction held the database longer than
    ``longer_than`` seconds: probed with BEGIN IMMEDIATE that never waits (the bot's own short writes, a
    member's name or a view, are not that long)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        end = time.monotonic() + timeout
        locked_since: float | None = None
        while time.monotonic() < end:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                locked_since = None
            except sqlite3.OperationalError:
                locked_since = locked_since or time.monotonic()
                if time.monotonic() - locked_since > longer_than:
                    return True
            time.sleep(0.002)
    finally:
        probe.close()
    return False


def deck_rows(bot: BotProcess, name: str) -> tuple[int, int]:
    """(cards, items) the database holds for the guild's deck ``name``."""
    ((cards, items),) = bot.query(
        "SELECT count(DISTINCT c.id), count(i.card_id) FROM decks d JOIN cards c ON c.deck_id = d.id "
        "LEFT JOIN items i ON i.card_id = c.id WHERE d.name = ? AND d.guild_id IS NOT NULL "
        "AND c.position IS NOT NULL",
        (name,),
    )
    return int(cards), int(items)


async def test_deck_import_killed_while_the_store_writes_it_is_whole_or_not_at_all(
    world: tuple[FakeDiscord, BotProcess],
) -> None:
    fake, bot = world
    guild, _questions, teacher, _alice = await set_up(fake, bot)
    first = await fake.slash(
        guild, teacher, "deck import", file=("biology.csv", b"Cells ?,nucleus|membrane\n")
    )
    saved = await fake.click(teacher, first.message, label="Save the deck")
    await fake.wait_until(lambda: "saved" in first.message.content, what="the first version saved")
    assert saved.kind == "deferred update" and deck_rows(bot, "biology") == (1, 2)

    # The new version of the same deck: 500 cards of 30 items. Killed while its transaction is open.
    second = await fake.slash(guild, teacher, "deck import", file=("biology.csv", big_deck(500, 30)))
    assert "500 cards" in second.message.embed["description"], second.message.embed
    writing = asyncio.create_task(asyncio.to_thread(held_write, bot.db, longer_than=0.05, timeout=30))
    await fake.click(teacher, second.message, label="Save the deck")
    assert await writing, "the store never held the database for the import"
    bot.kill()
    assert "saved" not in second.message.content  # the bot never said it was done

    await bot.start()
    cards, items = deck_rows(bot, "biology")
    assert (cards, items) in {(1, 2), (500, 15_000)}, (cards, items)  # never part of it
    listed = await fake.slash(guild, teacher, "deck list")
    assert "biology" in listed.text, listed.text
    shown = await fake.slash(guild, teacher, "deck show", name="biology")
    assert f"{cards} card" in shown.text, shown.text
    assert ("Cells" in shown.text) == (cards == 1), shown.text
    assert "Traceback" not in bot.log()


def quiz_round(fake: FakeDiscord, channel: object, number: int) -> object | None:
    for message in fake.messages_in(channel, by_bot=True):
        if (
            message.embed
            and message.embed.get("title", "").startswith(f"Round {number}/")
            and message.buttons
        ):
            return message
    return None


async def test_quiz_killed_during_a_round_ends_visibly_after_the_restart_with_the_rounds_played(
    world: tuple[FakeDiscord, BotProcess],
) -> None:
    fake, bot = world
    bot.quiz_time_scale = 0.3  # rounds of 10 s last 3 s, the pause between them 2.4 s
    guild, _questions, _teacher, alice = await set_up(fake, bot)
    quiz = guild.channel("general")
    started = await fake.slash(
        guild, alice, "quiz start", deck="general", rounds=2, seconds=10, in_channel=quiz
    )
    assert "2 rounds of 10 seconds" in started.embed["description"], started.embed
    first = await fake.wait_until(lambda: quiz_round(fake, quiz, 1), what="round 1", timeout=10)
    opened = await fake.click(alice, first, label=first.buttons[0]["label"])
    assert opened.modal is not None
    card = next(card for card in CARDS if card[0] in first.embed["description"])
    scored = await opened.modal.submit({opened.modal.inputs[0].custom_id: ", ".join(card[1])})
    assert "4/4" in scored.text or "40" in scored.text, scored.text
    # Round 1 closes (its points recorded), round 2 starts: kill -9 while it is open.
    second = await fake.wait_until(lambda: quiz_round(fake, quiz, 2), what="round 2", timeout=15)
    bot.kill()
    (played,) = bot.query("SELECT member_id, points FROM quiz_rounds WHERE member_id <> 0")  # 0: the round
    assert played[0] == alice.id and played[1] > 0
    assert bot.query("SELECT count(*) FROM quiz_results") == [(0,)]

    since = fake.checkpoint()
    await bot.start()
    ended = await fake.wait_for_message(quiz, lambda m: "cut short" in m.text, since=since, timeout=15)
    assert "1 round played" in ended.text and "alice" in ended.text.lower() and not ended.pings.any, (
        ended.text
    )
    assert bot.query("SELECT member_id, points, rounds FROM quiz_results") == [(alice.id, played[1], 1)]
    late = await fake.click(alice, second, label=second.buttons[0]["label"])
    assert late.ephemeral and "quiz is over" in late.text, late.text
    # Ended once: nothing is left unfinished for a second restart to announce again.
    assert bot.query("SELECT count(*) FROM quiz_rounds") == [(0,)]
    assert "Traceback" not in bot.log()
