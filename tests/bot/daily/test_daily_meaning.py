"""Grading by meaning as the class and the teacher see it: how an item was earned, TUTOR_SEMANTIC, and what
/tutor status says about it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.daily import render
from bot.daily.results import AnswerOutcome, SetupRequest
from bot.daily.service import DailyService
from bot.decks.model import Card, Deck, Item
from bot.grading import Credit, Grade, set_semantic
from bot.practice.terminal import feedback_lines
from bot.settings import Settings, SettingsError
from bot.store import AnswerResult, Post, Store
from tests.support import MARK, Clock

GUILD, CHANNEL = 4242, 77
START = datetime(2025, 3, 10, 11, 0, tzinfo=UTC)
CARD = Card("What speeds up a reaction?", (Item("Catalyst", "Speeds up a reaction without being used up."),))
DECK = Deck(title="Chemistry", language="en", cards=(CARD, Card("Name a gas.", (Item("Oxygen"),))))
BY_MEANING = Grade([0], 1.0, 1, (Credit(0, "what makes it go faster but stays the same", "meaning", 0.81),))


@pytest.fixture
def semantic_switch() -> Iterator[None]:
    yield
    set_semantic(True)


def outcome(grade: Grade) -> AnswerOutcome:
    post = Post(1, GUILD, 1, 1, CHANNEL, 99, START, START, START, START, None)
    result = AnswerResult(1, 1, 5, 1.0, 10, (0,), START, False, 10, 1, 1, 1)
    return AnswerOutcome(post, CARD, grade, result)


def test_an_item_earned_by_meaning_says_so_in_every_feedback() -> None:
    english = render.feedback(outcome(BY_MEANING), "en", MARK).text
    assert "✅ **[Catalyst]** ← “[what makes it go faster but stays the same]” (by meaning)" in english
    assert "(par le sens)" in render.feedback(outcome(BY_MEANING), "fr", MARK).text
    by_words = Grade([0], 1.0, 1, (Credit(0, "catalyst", "answer", 1.0),))
    assert "by meaning" not in render.feedback(outcome(by_words), "en", MARK).text
    terminal = "\n".join(feedback_lines(CARD, BY_MEANING, "en"))
    assert "Catalyst  ← « what makes it go faster but stays the same » (by meaning)" in terminal


def test_tutor_semantic_turns_the_stage_off_and_nothing_else_means_off() -> None:
    assert Settings.from_env({}, dotenv_path=None).semantic is True
    assert Settings.from_env({"TUTOR_SEMANTIC": "0"}, dotenv_path=None).semantic is False
    assert Settings.from_env({"TUTOR_SEMANTIC": "on"}, dotenv_path=None).semantic is True
    with pytest.raises(SettingsError, match="TUTOR_SEMANTIC must be 1 or 0"):
        Settings.from_env({"TUTOR_SEMANTIC": "maybe"}, dotenv_path=None)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[DailyService]:
    clock = Clock(START)
    async with Store.open(tmp_path / "tutor.db", clock=clock) as store:
        await store.save_deck(GUILD, "chem", DECK)
        daily = DailyService(store, clock)
        await daily.setup(
            SetupRequest(guild_id=GUILD, channel_id=CHANNEL, time="08:00", timezone="UTC", deck="chem")
        )
        yield daily


async def test_tutor_status_says_whether_grading_by_meaning_runs(
    service: DailyService, semantic_switch: None
) -> None:
    set_semantic(False)
    status = await service.status(GUILD)
    assert status.semantic == "off"
    assert "Grading by meaning\noff (TUTOR_SEMANTIC=0): words only" in render.status(status, "en", MARK).text
    set_semantic(True)
    assert (await service.status(GUILD)).semantic in ("on", "missing")
