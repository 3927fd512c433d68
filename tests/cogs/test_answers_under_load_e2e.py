"""Answers when the bot's interaction responses are all in flight, end to end: an acknowledgement never
waits for an edit past its turn, and an answer ready before its acknowledgement's turn goes out as one
response (no "thinking…" then an edit)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cogs.kit import answering, lanes
from tests.support.classroom import Class

ORIGINAL = "/webhooks/{application_id}/{token}/messages/@original"


async def recorded(klass: Class, post: Any, count: int) -> None:
    for _ in range(200):
        if (await klass.store.post_stats(post.id, top=0)).participants >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{count} answers were never recorded")


def one_slot(klass: Class, monkeypatch: pytest.MonkeyPatch) -> lanes.Lanes:
    """The bot's interaction responses get one slot; every answer is acknowledged first."""
    assert klass.bot is not None
    bot_lanes = lanes.Lanes(slots=1)
    monkeypatch.setitem(lanes._lanes._kept, klass.bot, bot_lanes)
    monkeypatch.setattr(answering, "ACK_FIRST_AFTER", 0.0)
    return bot_lanes


async def test_an_acknowledgement_goes_ahead_when_an_edit_holds_the_only_slot(
    klass: Class, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    _message, _post, card = await klass.open_question()
    one_slot(klass, monkeypatch)
    monkeypatch.setattr(lanes, "ACK_BY", 0.5)
    hold = fake.hold_next("PATCH", ORIGINAL)  # Alice's grade, edited into her "thinking…", hangs
    first = asyncio.ensure_future(fake.slash(klass.guild, alice, "answer", text=card.items[0].answer))
    await fake.wait_until(lambda: hold.held, timeout=10, what="Alice's held edit")
    second = await fake.slash(klass.guild, bob, "answer", text=card.items[1].answer)
    assert second.acknowledged and second.elapsed is not None and second.elapsed < 3.0
    await second.wait_final(timeout=5)
    assert "Your score: 1/4" in second.text
    fake.release_holds()
    alice_result = await first
    await alice_result.wait_final(timeout=5)
    assert "Your score: 1/4" in alice_result.text


async def test_an_answer_ready_before_its_acknowledgements_turn_is_one_response(
    klass: Class, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    _message, post, card = await klass.open_question()
    bot_lanes = one_slot(klass, monkeypatch)
    async with bot_lanes.later():  # the only slot is taken: Alice's acknowledgement must wait for it
        graded = asyncio.ensure_future(fake.slash(klass.guild, alice, "answer", text=card.items[0].answer))
        await recorded(klass, post, 1)  # meanwhile her answer is graded and recorded
        await asyncio.sleep(0.05)
    result = await graded
    assert result.kind == "message" and not result.deferred  # the grade itself, no "thinking…"
    assert "Your score: 1/4" in result.text
    assert [call.method for call in result.calls] == ["POST"]


async def test_an_answer_that_reaches_the_bot_behind_the_others_is_acknowledged_first(klass: Class) -> None:
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    _message, _post, card = await klass.open_question()
    on_time = await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    assert on_time.kind == "message" and not on_time.deferred  # the grade itself, in one response
    # Bob's reaches the bot 0.3 s after it was created, later than Alice's did: the bot is behind (a burst),
    # so "thinking…" goes out first, and the grade after it.
    late = await fake.slash(klass.guild, bob, "answer", text=card.items[1].answer, delivered_after=0.3)
    assert late.deferred and late.elapsed is not None and late.elapsed < 3.0
    assert "Your score: 1/4" in late.text
