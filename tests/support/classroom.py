"""The one test-server builder: a class server on the fake Discord (a teacher with Manage Server, three
students, a questions channel), the bot's clock and database, and the real bot with the daily and tutor cogs.

Fixtures (registered by ``tests/conftest.py``): ``clock``, ``decks`` (a folder with a small general-knowledge
deck) and ``klass``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.daily.scheduler import DailyRunner
from bot.decks.model import Card
from bot.runner import TutorBot
from bot.store import Post, Store
from tests.fakediscord import Channel, FakeDiscord, Guild, Member, Message
from tests.fakediscord.fixtures import BotStarter

from .clock import Clock
from .waiting import until

MONTREAL = "America/Montreal"
# A small deck whose cards all have four plainly named items, so every figure of a test is known whichever
# card the guild's shuffle posts first.
TEST_DECK = """\
schema: 1
title: General knowledge
language: en
cards:
  - question: Name the four seasons.
    items:
      - {answer: Spring, detail: When flowers bloom.}
      - {answer: Summer, detail: The warmest season.}
      - {answer: Autumn, detail: When leaves fall., aliases: [fall]}
      - {answer: Winter, detail: The coldest season.}
  - question: Name the four planets closest to the Sun.
    items:
      - {answer: Mercury, detail: The smallest planet.}
      - {answer: Venus, detail: The hottest planet.}
      - {answer: Earth, detail: Our home.}
      - {answer: Mars, detail: The red planet.}
  - question: Name the four cardinal directions.
    items:
      - {answer: North, detail: Where the compass points.}
      - {answer: East, detail: Where the sun rises.}
      - {answer: South, detail: Opposite north.}
      - {answer: West, detail: Where the sun sets.}
"""
# Monday 10 March 2025, 07:00 in Montreal (EDT since the day before: UTC-4).
START = datetime(2025, 3, 10, 11, 0, tzinfo=UTC)
POST_AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # 08:00 EDT


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass
class Class:
    """A class server: a teacher (Manage Server), students, the questions channel, the bot's clock and DB."""

    fake: FakeDiscord
    start_bot: BotStarter
    guild: Guild
    questions: Channel
    teacher: Member
    students: dict[str, Member]
    clock: Clock
    db: Path
    decks: Path | None
    bot: TutorBot | None = None
    #: The cogs the bot loads (a test of another feature's cog adds it here before ``start``).
    extensions: tuple[str, ...] = ("cogs.daily", "cogs.tutor")

    #: The cogs the bot loads (a test may add others, e.g. ``cogs.practice``).
    extensions: tuple[str, ...] = ("cogs.daily", "cogs.tutor")

    def make_bot(self, *, message_content: bool = False) -> TutorBot:
        return TutorBot(
            extensions=list(self.extensions),
            open_store=lambda: Store.open(self.db, clock=self.clock),
            clock=self.clock,
            curated_decks=self.decks,
            message_content=message_content,
            scheduler_interval=3600,  # only the start-up pass runs by itself
        )

    async def start(self, *, message_content: bool = False) -> TutorBot:
        self.bot = await self.start_bot(self.make_bot(message_content=message_content))
        await until(lambda: self.posting.ticks >= 1, what="the start-up scheduler pass")
        return self.bot

    async def restart(self, *, message_content: bool = False) -> TutorBot:
        assert self.bot is not None
        await self.start_bot.stop(self.bot)
        return await self.start(message_content=message_content)

    @property
    def posting(self) -> DailyRunner:
        assert self.bot is not None and self.bot.services is not None
        return self.bot.services.posting

    @property
    def store(self) -> Store:
        assert self.bot is not None and self.bot.store is not None
        return self.bot.store  # type: ignore[no-any-return]

    async def tick_at(self, moment: datetime) -> Any:
        self.clock.set(moment)
        return await self.posting.tick()

    async def setup(self, **options: Any) -> Any:
        values = {"channel": self.questions, "time": "08:00", "timezone": MONTREAL, "deck": "general"}
        values.update(options)
        return await self.fake.slash(self.guild, self.teacher, "tutor setup", values)

    def posts(self) -> list[Message]:
        return self.fake.messages_in(self.questions, by_bot=True)

    async def open_question(self) -> tuple[Message, Post, Card]:
        """The bot started and set up in English, the day's question posted: its message, post and card."""
        await self.start()
        await self.setup(language="en")
        await self.tick_at(POST_AT)
        (message,) = self.posts()
        post, card = await self.card_of(message)
        return message, post, card

    async def card_of(self, message: Message) -> tuple[Post, Card]:
        post = await self.store.post_for_message(message.id)
        assert post is not None and post.card_id is not None
        stored = await self.store.get_card(post.card_id)
        assert stored is not None
        return post, stored.card


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "general.yaml").write_text(TEST_DECK, encoding="utf-8")
    return folder


@pytest.fixture
def klass(
    fake_discord: FakeDiscord, start_bot: BotStarter, clock: Clock, tmp_path: Path, decks: Path
) -> Class:
    fake = fake_discord
    guild = fake.add_guild("Classe", channels=("general", "questions"))
    prof = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
    students = {name: fake.add_member(guild, name) for name in ("alice", "bob_smith", "carol")}
    return Class(
        fake=fake,
        start_bot=start_bot,
        guild=guild,
        questions=guild.channel("questions"),
        teacher=fake.add_member(guild, "teacher", roles=[prof]),
        students=students,
        clock=clock,
        db=tmp_path / "tutor.db",
        decks=decks,
    )
