"""The daily post reaching the class, in the core: when the one reminder is due, how long a thread stays
open, what a thread is called and what the reminder says (a count, never names)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.daily import render
from bot.daily.results import Reminder
from bot.daily.rules import reminder_due, thread_archive_minutes
from bot.decks import Card, Item
from bot.store import GuildSettings, Post
from tests.support.markup import MARK

POSTED = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
POST = Post(
    id=1, guild_id=7, deck_id=1, card_id=1, channel_id=5, message_id=99, slot=POSTED, claimed_at=POSTED,
    posted_at=POSTED, closes_at=POSTED + timedelta(hours=12), revealed_at=None,
)  # fmt: skip
SETTINGS = GuildSettings(7, channel_id=5, active_deck_id=1, answer_window_hours=12, reminder_hours=2)


def test_the_reminder_is_due_once_within_its_hours_before_the_deadline() -> None:
    at = POST.closes_at - timedelta(hours=2)
    assert not reminder_due(SETTINGS, POST, at - timedelta(seconds=1))
    assert reminder_due(SETTINGS, POST, at)
    assert reminder_due(SETTINGS, POST, POST.closes_at - timedelta(seconds=1))  # late, after a restart
    assert not reminder_due(SETTINGS, POST, POST.closes_at)  # closed: the reveal, not a reminder
    assert not reminder_due(SETTINGS, replace(POST, reminded_at=at), at)  # once
    assert not reminder_due(SETTINGS, replace(POST, revealed_at=at), at)
    assert not reminder_due(replace(SETTINGS, reminder_hours=None), POST, at)
    # A post-now with a window shorter than the reminder: it would come before the post itself.
    short = replace(POST, closes_at=POSTED + timedelta(hours=1))
    assert not reminder_due(SETTINGS, short, POSTED + timedelta(minutes=30))


def test_a_thread_stays_open_for_the_whole_answer_window() -> None:
    assert [thread_archive_minutes(h) for h in (1, 24, 25, 72, 73, 168)] == [
        60,
        1440,
        4320,
        4320,
        10080,
        10080,
    ]


def test_a_thread_is_named_after_its_question_within_discords_limit() -> None:
    card = Card("Name   the four\nseasons?", (Item("Spring"),))
    assert render.thread_name(card, "en") == "Discussion: Name the four seasons?"
    assert render.thread_name(card, "fr") == "Discussion\u00a0: Name the four seasons?"
    long = render.thread_name(Card("Why " * 60, (Item("x"),)), "en")
    assert len(long) == render.THREAD_NAME_LIMIT and long.endswith("…")


def test_the_reminder_says_how_many_answered_and_when_it_closes() -> None:
    shown = render.reminder(Reminder(POST, 1, "en"), MARK)
    assert shown.title == "⏰ Still time to answer"
    assert f"<t:{int(POST.closes_at.timestamp())}:R>" in shown.description
    assert "1 member has answered so far." in shown.description
    assert shown.url == "https://discord.com/channels/7/5/99"
    assert "Nobody has answered yet" in render.reminder(Reminder(POST, 0, "en"), MARK).description
    assert "3 membres ont répondu jusqu'ici." in render.reminder(Reminder(POST, 3, "fr"), MARK).description
