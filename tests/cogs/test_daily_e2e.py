"""The daily question end to end: the real bot (cogs.daily, cogs.tutor) against the fake Discord, with a clock
the test moves. The scheduler loop runs (its first pass is the start-up catch-up) but with a long period;
the tests call ``Daily.tick()`` after moving the clock instead of sleeping.
"""

# A plain ``timeout=`` like asyncio.wait_for's is the clearest API for a test helper.

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.decks import load_deck
from bot.decks.model import Card
from bot.grading import grade_reply
from bot.i18n import NBSP
from bot.runner import CURATED_DECKS
from cogs.daily import ANSWER_BUTTON
from cogs.kit import answering
from tests.fakediscord import FakeDiscord, Message
from tests.fakediscord.fixtures import DiscordProblems
from tests.support.classroom import MONTREAL, POST_AT, Class, epoch


def assert_no_pings(messages: list[Message]) -> None:
    for message in messages:
        assert not message.pings.any, f"{message!r} pings {message.pings}"
        assert message.allowed_mentions is not None and message.allowed_mentions.get("parse") == []


def score_line(card: Card, reply: str) -> str:
    grade = grade_reply(card.items, reply, question=card.question)
    return f"{round(grade.score * len(card.items))}/{len(card.items)}"


# ----------------------------------------------------------------------------------------------- the day


async def test_a_day_of_the_daily_question(klass: Class, discord_problems: DiscordProblems) -> None:
    fake, clock = klass.fake, klass.clock
    alice, bob, carol = (klass.students[n] for n in ("alice", "bob_smith", "carol"))
    await klass.start(message_content=True)

    setup = await klass.setup(window=12, language="en")
    assert setup.ephemeral
    summary = setup.text
    assert "Daily question set up" in summary and "08:00" in summary and MONTREAL in summary
    assert f"<t:{epoch(POST_AT)}:F>" in summary and "2025-03-10 08:00 EDT" in summary
    assert "12 hours" in summary and "general" in summary and "3 cards" in summary

    assert (await klass.tick_at(POST_AT - timedelta(minutes=1))).posted == []
    assert klass.posts() == []
    report = await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    assert report.posted and not report.failed
    post, card = await klass.card_of(post_message)
    deadline = POST_AT + timedelta(hours=12)
    assert post.closes_at == deadline
    embed = post_message.embed
    assert embed is not None and embed["title"] == "Question of the day"
    assert card.question in embed["description"]
    assert "4 items" in post_message.text
    assert f"<t:{epoch(deadline)}:F>" in post_message.text
    assert [(b["label"], b["custom_id"]) for b in post_message.buttons] == [
        ("Answer", ANSWER_BUTTON.format(post=post.id))
    ]

    answers = [item.answer for item in card.items]
    # Alice: every item, through the button and the form.
    click = await fake.click(alice, post_message, label="Answer")
    assert click.kind == "modal"
    alice_reply = "\n".join(answers)
    graded = await fake.submit_modal(alice, {"Your answer": alice_reply})
    assert graded.ephemeral
    assert f"Your score: {len(answers)}/{len(answers)} (100%)" in graded.text
    assert "You found every item" in graded.text and "+10" in graded.text
    assert "1-day streak" in graded.text

    # Bob: two items with /answer, and a mention of everyone and a role that must not ping.
    bob_reply = f"{answers[0]}, {answers[1]} @everyone <@&{klass.guild.id}> <@{alice.id}>"
    graded = await fake.slash(klass.guild, bob, "answer", text=bob_reply)
    assert graded.ephemeral
    assert f"Your score: {score_line(card, bob_reply)}" in graded.text
    missed = len(answers) - 2
    assert f"{missed} items missed" in graded.text
    assert f"<t:{epoch(deadline)}:R>" in graded.text  # the answer key comes at the deadline
    # Not which ones before the reveal.
    assert all(answer not in graded.text for answer in answers[2:])

    # Carol: a reply to the post (message-content intent), feedback by DM.
    carol_reply = answers[-1]
    sent = await fake.send_message(
        klass.questions, carol, carol_reply, reply_to=post_message, mention_author=False
    )
    assert sent.delivered
    dm = await fake.wait_until(lambda: fake.dms_to(carol), what="Carol's DM")
    assert f"Your score: {score_line(card, carol_reply)}" in dm[0].text
    assert not sent.deleted  # private answers are off

    # A second attempt gets the first grade, whatever the path.
    again = await fake.slash(klass.guild, alice, "answer", text="nothing at all")
    assert "You already answered this question" in again.text
    assert f"Your score: {len(answers)}/{len(answers)} (100%)" in again.text
    second_click = await fake.click(alice, post_message, label="Answer")
    assert second_click.kind == "message" and "You already answered" in second_click.text
    assert (await klass.store.get_answer(post.id, alice.id)).score == 1.0

    # The deadline passes: the reveal.
    clock.set(deadline - timedelta(seconds=1))
    assert (await klass.posting.tick()).revealed == []
    report = await klass.tick_at(deadline)
    assert report.revealed == [post.id]
    _, reveal = klass.posts()
    text = reveal.text
    assert reveal.embed["title"] == "Answer key"
    assert "3 participants" in text
    stats = await klass.store.post_stats(post.id)
    assert stats.participants == 3
    average = round(stats.average_score * 100)
    assert f"average score {average}%" in text
    for item in card.items:
        assert item.answer in text and (not item.detail or item.detail in text)
    # Hit rates: every item by Alice, the first two by Bob, the last by Carol.
    rates = re.findall(r"↳ found by (\d+%) \((\d)/3\)", text)
    assert rates == [("67%", "2"), ("67%", "2"), ("33%", "1"), ("67%", "2")]
    assert "Most often forgotten" in text and card.items[2].answer in text
    assert "🥇 Alice: 100%" in text
    assert "Bob\\_Smith" in text  # names shown escaped
    assert reveal.embed.get("url", "").endswith(f"/{post_message.id}")
    # The post lost its button and says it is closed.
    assert post_message.buttons == [] and "Closed" in post_message.text
    assert (await klass.posting.tick()).revealed == []  # revealed once

    # Nobody was pinged by anything the bot sent.
    assert_no_pings(klass.posts() + fake.dms_to(carol))
    assert all(not m.pings.any for m in fake.messages.values() if m.author is fake.bot_user)

    # After the deadline: no open question, and the next one's time.
    late = await fake.slash(klass.guild, bob, "answer", text="trop tard")
    tomorrow = POST_AT + timedelta(days=1)
    assert "There is no open question" in late.text and f"<t:{epoch(tomorrow)}:F>" in late.text
    # Tomorrow: another card.
    await klass.tick_at(tomorrow)
    newest = klass.posts()[-1]
    _, next_card = await klass.card_of(newest)
    assert next_card.question != card.question


# ------------------------------------------------------------------------------------- restarts, catch-up


async def test_a_restart_mid_day_posts_nothing_twice_and_reveals_once(klass: Class) -> None:
    fake = klass.fake
    alice, bob = klass.students["alice"], klass.students["bob_smith"]
    await klass.start()
    await klass.setup(window=12)
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)

    # Carol opens the form, and the bot restarts before she sends it.
    carol = klass.students["carol"]
    form = (await fake.click(carol, post_message, label="Answer")).modal
    assert form is not None

    # Stopped at 10:00, back at 12:00 on the same database: the start-up pass posts nothing.
    klass.clock.set(POST_AT + timedelta(hours=2))
    await klass.restart()
    assert klass.posts() == [post_message]
    graded = await form.submit({"Your answer": card.items[2].answer})
    assert f"Your score: 1/{len(card.items)}" in graded.text
    assert (await klass.tick_at(POST_AT + timedelta(hours=4))).posted == []
    # The post made before the restart still takes answers through its button (a persistent view).
    post, _ = await klass.card_of(post_message)
    click = await fake.click(bob, post_message, ANSWER_BUTTON.format(post=post.id))
    graded = await click.modal.submit({"Your answer": card.items[1].answer})
    assert f"Your score: 1/{len(card.items)}" in graded.text
    # Alice's answer survived the restart: a second attempt gets it.
    again = await fake.slash(klass.guild, alice, "answer", text="autre chose")
    assert "You already answered" in again.text and f"1/{len(card.items)}" in again.text

    # The deadline passes while the bot is down: the reveal comes once, when it is back.
    await klass.start_bot.stop(klass.bot)
    klass.clock.set(POST_AT + timedelta(hours=14))
    await klass.start()
    messages = klass.posts()
    assert len(messages) == 2 and messages[1].embed["title"] == "Answer key"
    assert "3 participants" in messages[1].text
    assert (await klass.posting.tick()).revealed == []
    await klass.restart()
    assert len(klass.posts()) == 2
    assert (await klass.store.get_post(post.id)).revealed_at is not None


async def test_a_bot_down_at_post_time_posts_once_when_back(klass: Class) -> None:
    await klass.start()
    await klass.setup()  # the default window: until the next question
    await klass.start_bot.stop(klass.bot)
    # Down from 07:00 to 10:30: the 08:00 question is posted at start-up, once, open until tomorrow 08:00.
    klass.clock.set(POST_AT + timedelta(hours=2, minutes=30))
    await klass.start()
    (post_message,) = klass.posts()
    post, _ = await klass.card_of(post_message)
    assert post.slot == POST_AT and post.posted_at == klass.clock.now
    assert post.closes_at == POST_AT + timedelta(days=1)
    assert (await klass.posting.tick()).posted == []
    await klass.restart()
    assert klass.posts() == [post_message]

    # Down for three days: only the latest slot is posted (after the reveal of the old one), no backlog.
    await klass.start_bot.stop(klass.bot)
    klass.clock.set(POST_AT + timedelta(days=3, hours=1))
    await klass.start()
    titles = [m.embed["title"] for m in klass.posts()]
    assert titles == ["Question of the day", "Answer key", "Question of the day"]
    newest, _ = await klass.card_of(klass.posts()[-1])
    assert newest.slot == POST_AT + timedelta(days=3)


async def test_cards_do_not_repeat_until_the_deck_is_used_up(klass: Class) -> None:
    klass.decks = CURATED_DECKS  # the bundled course deck: 13 cards
    await klass.start()
    assert klass.bot is not None and klass.bot.bundled_decks == ["cours-2"]
    await klass.setup(window=1, deck="cours-2")
    cards = len((await klass.store.load_deck((await klass.store.find_deck(None, "cours-2")).id)).card_ids)
    seen: list[int] = []
    for day in range(cards + 1):
        await klass.tick_at(POST_AT + timedelta(days=day))
        post = await klass.store.last_post(klass.guild.id, sent_only=True)
        assert post is not None and post.slot == POST_AT + timedelta(days=day)
        seen.append(post.card_id)
    assert len(set(seen[:cards])) == cards  # every card once
    assert seen[cards] in seen[:cards] and seen[cards] != seen[cards - 1]  # a new cycle, no repeat in a row


async def test_daylight_saving_time_keeps_the_local_post_time(klass: Class) -> None:
    # Sunday 2 November 2025: clocks fall back in Montreal (EDT, UTC-4 → EST, UTC-5).
    klass.clock.set(datetime(2025, 11, 1, 10, 0, tzinfo=UTC))
    await klass.start()
    await klass.setup(time="08:00", window=2)
    saturday, sunday = datetime(2025, 11, 1, 12, 0, tzinfo=UTC), datetime(2025, 11, 2, 13, 0, tzinfo=UTC)
    assert (await klass.tick_at(saturday)).posted
    assert (await klass.tick_at(sunday - timedelta(hours=1))).posted == []  # 07:00 EST
    assert (await klass.tick_at(sunday)).posted  # 08:00 EST
    assert [m.embed["title"] for m in klass.posts()] == [
        "Question of the day",
        "Answer key",
        "Question of the day",
    ]


# ---------------------------------------------------------------------------------------------- replies


async def test_private_answers_delete_replies_and_closed_dms_get_a_reaction(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    shy = fake.add_member(klass.guild, "shy", dms_open=False)
    await klass.start(message_content=True)
    await klass.setup(private_answers=True)
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)

    # Without Manage Messages the reply stays; DMs closed: a "recorded" reaction, never the grade.
    reply = await fake.send_message(klass.questions, shy, card.items[0].answer, reply_to=post_message)
    await fake.wait_until(lambda: reply.reactions, what="the reaction")
    assert reply.reactions == {"📝": {fake.bot_user.id}} and not reply.deleted

    # With Manage Messages: deleted so classmates can't copy it, feedback by DM.
    role = fake.bot_role(klass.guild)
    fake.set_role_permissions(role, role.permissions | discord.Permissions(manage_messages=True).value)
    await asyncio.sleep(0.05)  # the role update reaches the bot
    carol = klass.students["carol"]
    reply = await fake.send_message(klass.questions, carol, card.items[1].answer, reply_to=post_message)
    await fake.wait_until(lambda: reply.deleted and fake.dms_to(carol), what="deletion and DM")
    assert f"Your score: 1/{len(card.items)}" in fake.dms_to(carol)[0].text

    # Deleted and DMs closed: a short notice in the channel, naming (not pinging) the member.
    loud = fake.add_member(klass.guild, "loud", nick="@everyone", dms_open=False)
    mark = fake.checkpoint()
    reply = await fake.send_message(klass.questions, loud, card.items[2].answer, reply_to=post_message)
    notice = await fake.wait_for_message(klass.questions, since=mark)
    assert reply.deleted and "your answer is recorded" in notice.content
    assert "@\u200beveryone" in notice.content and not notice.pings.any

    # A reply to a message that is not the daily post is not an answer.
    other = await fake.send_message(klass.questions, carol, "hello")
    await fake.send_message(klass.questions, klass.students["alice"], "hi", reply_to=other)
    await asyncio.sleep(0.05)
    assert (
        await klass.store.get_answer((await klass.card_of(post_message))[0].id, klass.students["alice"].id)
        is None
    )


async def test_answering_works_without_the_message_content_intent(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    await klass.start()  # guilds intent only
    assert fake.session is not None and fake.session.intents == discord.Intents(guilds=True).value
    await klass.setup()
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)
    reply = await fake.send_message(
        klass.questions, klass.students["carol"], card.items[0].answer, reply_to=post_message
    )
    assert not reply.delivered  # the bot never sees messages
    click = await fake.click(klass.students["carol"], post_message, label="Answer")
    graded = await click.modal.submit({"Your answer": card.items[0].answer})
    assert f"Your score: 1/{len(card.items)}" in graded.text


async def test_mentions_in_answers_and_names_never_ping(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    loud_role = fake.add_role(klass.guild, "Everyone-ish", mentionable=True)
    loud = fake.add_member(klass.guild, "loud", nick=f"@everyone <@&{loud_role.id}>")
    await klass.start()
    await klass.setup(window=2)
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)
    text = f"@everyone @here <@&{loud_role.id}> <@{klass.teacher.id}> {card.items[0].answer} @everyone"
    graded = await fake.slash(klass.guild, loud, "answer", text=text)
    assert not graded.pings.any and graded.allowed_mentions == {"parse": []}
    await klass.tick_at(POST_AT + timedelta(hours=2))
    reveal = klass.posts()[-1]
    assert "@\u200beveryone" in reveal.text  # the nickname, escaped
    assert_no_pings(klass.posts())
    for message in fake.messages.values():
        if message.author is fake.bot_user:
            assert not message.pings.any


async def test_a_slow_answer_is_acknowledged_first_then_graded(
    klass: Class, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    await klass.start()
    await klass.setup()
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)
    # As if the database were slow: the answer is acknowledged with "thinking…" before it is graded.
    monkeypatch.setattr(answering, "DEFER_AFTER", 0.0)
    graded = await fake_discord.slash(
        klass.guild, klass.students["alice"], "answer", text=card.items[0].answer
    )
    assert graded.kind == "deferred message" and graded.ephemeral and not graded.message.loading
    assert "Your score: 1/4" in graded.text
    refused = await fake_discord.slash(klass.guild, klass.students["alice"], "answer", text="   x")
    assert refused.kind == "deferred message" and "You already answered" in refused.text


async def test_a_sprayed_answer_reads_what_the_wrong_parts_cost_and_the_colour_follows_the_score(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    alice, bob, carol = (klass.students[name] for name in ("alice", "bob_smith", "carol"))
    await klass.start()
    await klass.setup()
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _post, card = await klass.card_of(post_message)
    answers = [item.answer for item in card.items]
    # Two right items, then all eight items of the deck's other cards: 8 wrong parts, 2 free.
    others = [item.answer for other in load_deck(klass.decks / "general.yaml").cards for item in other.items]
    spray = "\n".join(answers[:2] + [answer for answer in others if answer not in answers])
    graded = await fake.slash(klass.guild, alice, "answer", text=spray)
    assert graded.embed["title"] == "Your score: 2 items found, 8 wrong parts cost 2: 0%"
    assert "2/4" not in graded.text
    assert graded.embed["color"] == 0xDC2626  # poor: red
    good = await fake.slash(klass.guild, bob, "answer", text="\n".join(answers))
    assert good.embed["title"] == "Your score: 4/4 (100%)" and good.embed["color"] == 0x16A34A
    half = await fake.slash(klass.guild, carol, "answer", text="\n".join(answers[:2]))
    assert half.embed["color"] == 0xCA8A04  # partial: amber
    await klass.setup(language="fr")
    again = await fake.slash(klass.guild, alice, "answer", text="encore")  # the first grade, in French
    assert (
        again.embed["title"].replace(NBSP, " ")
        == "Votre note : 2 éléments trouvés, des parties fausses coûtent 2 : 0 %"
    )
