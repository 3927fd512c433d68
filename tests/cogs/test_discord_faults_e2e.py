"""Discord failing under the bot, end to end: 429s, 5xx and refusals on a send, an edit or an interaction
callback, a dropped gateway in the middle of a burst of answers, a refused RESUME. Each answer is recorded
once, each member gets their grade or is told, each post is sent once, and the scheduler carries on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from cogs.kit import answering
from tests.fakediscord.fixtures import DiscordProblems
from tests.support.classroom import POST_AT, Class

MESSAGES = "/channels/{channel_id}/messages"
ORIGINAL = "/webhooks/{application_id}/{token}/messages/@original"


def answer_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every answer take the acknowledge-first path ("thinking…", then the grade edited in)."""
    monkeypatch.setattr(answering, "ACK_FIRST_AFTER", 0.0)


async def test_rate_limits_and_server_errors_are_retried_and_counted_once(
    klass: Class, discord_problems: DiscordProblems, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    discord_problems.allow(r"rate limited")
    # A 500 on the scheduled post: discord.py retries it, the post goes out once.
    await klass.start()
    await klass.setup(language="en")
    failed = fake.fail_next("POST", MESSAGES, status=500)
    await klass.tick_at(POST_AT)
    (message,) = klass.posts()
    assert failed.hits and len(fake.calls_to("POST", MESSAGES)) == 2
    post, card = await klass.card_of(message)
    # A 429 with retry_after on the interaction callback: waited for, then answered.
    limited = fake.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.2)
    graded = await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    assert limited.hits and "Your score: 1/4" in graded.text
    # A 502 on the edit of a deferred answer: retried, the grade arrives.
    answer_first(monkeypatch)
    bad = fake.fail_next("PATCH", ORIGINAL, status=502)
    graded = await fake.slash(klass.guild, bob, "answer", text=card.items[1].answer, timeout=10)
    await graded.wait_final(timeout=10)
    assert bad.hits and "Your score: 1/4" in graded.text, graded.text
    stats = await klass.store.post_stats(post.id, top=0)
    assert stats.participants == 2  # each recorded once


async def test_an_edit_discord_refuses_for_good_is_told_and_the_answer_kept(
    klass: Class, discord_problems: DiscordProblems, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    _, post, card = await klass.open_question()
    answer_first(monkeypatch)
    fake.fail_next("PATCH", ORIGINAL, status=400, code=50035, message="Invalid Form Body")
    res = await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer, timeout=10)
    await fake.wait_until(lambda: res.followups, what="the follow-up", timeout=10)
    assert "Your answer is kept" in res.followup.content and res.followup.ephemeral
    assert await klass.store.get_answer(post.id, alice.id) is not None
    again = await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer, timeout=10)
    await again.wait_final(timeout=10)
    assert "You already answered" in again.text and "1/4" in again.text
    assert (await klass.store.post_stats(post.id, top=0)).participants == 1


async def test_a_dropped_gateway_and_a_refused_resume_in_a_burst_lose_nothing(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake = klass.fake
    members = [fake.add_member(klass.guild, f"student{i}") for i in range(40)]
    _, post, card = await klass.open_question()
    assert klass.bot is not None

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # Discord's 5 s between IDENTIFYs, not needed against the fake

    klass.bot.before_identify_hook = no_wait  # type: ignore[method-assign]
    right = card.items[0].answer
    sent = [await fake.slash(klass.guild, m, "answer", text=right, wait=False) for m in members[:20]]
    await fake.drop_gateway()  # resumed: what was dispatched meanwhile is replayed
    sent += [await fake.slash(klass.guild, m, "answer", text=right, wait=False) for m in members[20:30]]
    await fake.wait_until(lambda: fake.resume_count >= 1 and fake.connected, what="the RESUME", timeout=10)
    fake.refuse_next_resume()
    await fake.drop_gateway()  # a new session: READY and GUILD_CREATE again
    await fake.wait_until(
        lambda: fake.identify_count >= 2 and fake.connected, what="a new session", timeout=10
    )
    sent += [await fake.slash(klass.guild, m, "answer", text=right, wait=False) for m in members[30:]]
    for res in sent:
        await res.wait_final(timeout=10)
    # The ones dispatched while the session was gone for good are lost on Discord's side as on Discord
    # (never delivered): none of the delivered ones is lost, none counted twice.
    delivered = [res for res in sent if res.acknowledged]
    assert len(delivered) >= 30
    assert all("Your score: 1/4" in res.text for res in delivered)
    stats = await klass.store.post_stats(post.id, top=0)
    assert stats.participants == len(delivered)
    # The scheduler carries on: the reveal comes once, the next post once.
    report = await klass.tick_at(post.closes_at + timedelta(minutes=1))
    assert report.revealed == [post.id] and len(report.posted) == 1 and not report.failed
    assert len(klass.posts()) == 3  # the question, its reveal, the next question
