"""The daily post reaches the class, end to end against the fake Discord: the answer form shows the question,
the post pings the configured role and nothing else, a thread per question, one reminder before the
deadline, and members shown by their display names (reveal, export), in French and English.
"""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from datetime import timedelta

import pytest

from cogs.kit.forms import QUESTION_LIMIT
from tests.fakediscord.fixtures import DiscordProblems
from tests.fakediscord.rules import CREATE_PUBLIC_THREADS
from tests.fakediscord.validate import ApiError, validate_modal
from tests.support.classroom import POST_AT, Class


@pytest.mark.parametrize(
    ("lang", "label", "hint"),
    [("en", "Your answer", "4 items expected"), ("fr", "Votre réponse", "4 éléments attendus")],
)
async def test_the_answer_form_shows_the_question(klass: Class, lang: str, label: str, hint: str) -> None:
    fake = klass.fake
    alice = klass.students["alice"]
    await klass.start()
    await klass.setup(language=lang)
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)

    opened = await fake.click(alice, post_message, label="Answer" if lang == "en" else "Répondre")
    assert opened.kind == "modal"
    form = opened.modal
    # The question itself, in the form (nobody answers blind on a phone), then the one answer input.
    assert card.question in form.text
    assert [i.label for i in form.inputs] == [label]
    assert form.components[0]["type"] == 10 and form.components[1]["type"] == 18
    assert form.components[1].get("description") == hint
    graded = await form.submit({label: card.items[0].answer})
    assert graded.ephemeral and f"1/{len(card.items)}" in graded.text


def test_the_fake_refuses_what_discord_refuses_in_a_form() -> None:
    label = {"type": 18, "label": "Answer", "component": {"type": 4, "custom_id": "a", "style": 2}}
    validate_modal({"custom_id": "m", "title": "T", "components": [{"type": 10, "content": "Q?"}, label]})
    for bad in (
        [{"type": 10, "content": ""}, label],
        [{"type": 10, "content": "x" * (QUESTION_LIMIT + 1)}, label],
        [{"type": 2, "custom_id": "b", "style": 1, "label": "no"}, label],
        [{**label, "description": "d" * 101}],
    ):
        with pytest.raises(ApiError) as refused:
            validate_modal({"custom_id": "m", "title": "T", "components": bad})
        assert refused.value.code == 50035


# ---------------------------------------------------------------------------------------------- ping_role


@pytest.mark.parametrize(
    ("lang", "mentions"), [("en", "Each question mentions"), ("fr", "Chaque question mentionne")]
)
async def test_the_post_pings_the_configured_role_and_nothing_else(
    klass: Class, lang: str, mentions: str
) -> None:
    fake = klass.fake
    alice = klass.students["alice"]
    role = fake.add_role(klass.guild, "Class 101", mentionable=True)
    await klass.start()
    summary = await klass.setup(ping_role=role, window=12, language=lang)
    assert f"{mentions} <@&{role.id}>" in summary.text

    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    assert post_message.content == f"<@&{role.id}>" and post_message.embed is not None
    assert post_message.pings.roles == {role.id} and not post_message.pings.users
    assert not post_message.pings.everyone
    # Nothing parses by itself: the one role is allowed by name, on this send only.
    assert post_message.allowed_mentions == {"parse": [], "roles": [role.id]}
    _, card = await klass.card_of(post_message)
    graded = await fake.slash(
        klass.guild, alice, "answer", text=f"{card.items[0].answer} <@&{role.id}> @everyone"
    )
    assert graded.ephemeral and not graded.pings.any
    await klass.tick_at(POST_AT + timedelta(hours=12))
    reveal = klass.posts()[-1]
    assert reveal.embed["title"] in ("Answer key", "Corrigé") and not reveal.pings.any
    # Only the posts ping, and only the role.
    assert [m.pings.roles for m in klass.posts() if m.pings.any] == [{role.id}]


async def test_roles_that_cannot_be_the_one_to_ping_are_refused(klass: Class) -> None:
    fake = klass.fake
    await klass.start()
    plain = fake.add_role(klass.guild, "Quiet", mentionable=False)
    for role, reason in (
        (klass.guild.everyone, "@everyone can't be the role to ping"),
        (fake.bot_role(klass.guild), "belongs to an integration"),
        (plain, "make it mentionable"),
    ):
        refused = await klass.setup(ping_role=role, language="en")
        assert refused.ephemeral and "Nothing was changed" in refused.text and reason in refused.text
        assert not refused.pings.any
    assert await klass.store.get_guild(klass.guild.id) is None  # nothing stored
    french = await klass.setup(ping_role=klass.guild.everyone, language="fr")
    assert "@everyone ne peut pas être le rôle à mentionner" in french.text


# ------------------------------------------------------------------------------------------------ thread


@pytest.mark.parametrize(
    ("lang", "name", "key"), [("en", "Discussion: ", "Answer key"), ("fr", "Discussion\u00a0: ", "Corrigé")]
)
async def test_each_question_opens_one_thread_where_the_reveal_is_posted_too(
    klass: Class, lang: str, name: str, key: str
) -> None:
    fake = klass.fake
    alice = klass.students["alice"]
    await klass.start()
    summary = await klass.setup(thread=True, window=12, language=lang)
    assert ("opens a thread" if lang == "en" else "ouvre un fil") in summary.text
    report = await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    assert report.threads == [post.id]
    thread = fake.thread_of(post_message)
    assert thread is not None and thread.name == name + card.question
    assert (await klass.store.get_post(post.id)).thread_id == thread.id
    # Answers stay private: nothing is posted in the thread before the reveal.
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    assert fake.messages_in(thread) == []

    await klass.restart()
    assert fake.threads_in(klass.questions) == [thread]  # a restart opens no second thread
    await klass.tick_at(POST_AT + timedelta(hours=12))
    in_channel = klass.posts()[-1]
    (in_thread,) = fake.messages_in(thread)
    assert in_channel.embed["title"] == in_thread.embed["title"] == key
    assert in_thread.embed["description"] == in_channel.embed["description"]
    assert not in_thread.pings.any
    # The next question opens its own thread.
    await klass.tick_at(POST_AT + timedelta(days=1))
    assert len(fake.threads_in(klass.questions)) == 2


async def test_a_thread_opened_just_before_a_crash_is_found_not_opened_again(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake = klass.fake
    await klass.start()
    await klass.setup(thread=True, window=12, language="en")
    hold = fake.hold_next("POST", "/channels/{channel_id}/messages/{message_id}/threads")
    klass.clock.set(POST_AT)
    tick = asyncio.ensure_future(klass.posting.tick())
    await fake.wait_until(lambda: hold.held, what="the held thread")
    (post_message,) = klass.posts()
    assert fake.thread_of(post_message) is not None  # Discord opened it; the bot never heard back
    tick.cancel()  # "kill -9" while the response is held
    await asyncio.gather(tick, return_exceptions=True)
    discord_problems.allow(r"scheduled job|Unclosed|Task was destroyed")
    await klass.start_bot.stop(klass.bot)
    fake.release_holds()
    with sqlite3.connect(klass.db) as db:  # the bot is down: its file
        assert db.execute("SELECT thread_id FROM posts").fetchall() == [(None,)]
    db.close()

    await klass.start()  # the start-up pass finds the thread (Discord refuses a second one on a message)
    post = await klass.store.post_for_message(post_message.id)
    assert post is not None and post.thread_id == post_message.id
    assert len(fake.threads_in(klass.questions)) == 1


async def test_threads_need_their_permissions(klass: Class) -> None:
    klass.fake.set_overwrite(klass.questions, klass.fake.bot_role(klass.guild), deny=CREATE_PUBLIC_THREADS)
    await klass.start()
    refused = await klass.setup(thread=True, language="en")
    assert "Nothing was changed" in refused.text and "I can't open threads in" in refused.text
    assert "Create Public Threads" in refused.text
    assert await klass.store.get_guild(klass.guild.id) is None
    french = await klass.setup(thread=True, language="fr")
    assert "Je ne peux pas ouvrir de fils dans" in french.text and "Créer des fils publics" in french.text


# ---------------------------------------------------------------------------------------------- reminder


@pytest.mark.parametrize(
    ("lang", "title", "count"),
    [("en", "⏰ Still time to answer", "2 members have answered so far."),
     ("fr", "⏰ Encore le temps de répondre", "2 membres ont répondu jusqu'ici.")],
)  # fmt: skip
async def test_one_reminder_before_the_deadline_with_how_many_answered(
    klass: Class, lang: str, title: str, count: str
) -> None:
    fake = klass.fake
    alice, bob = klass.students["alice"], klass.students["bob_smith"]
    await klass.start()
    summary = await klass.setup(window=12, reminder=2, language=lang)
    assert ("2 hours before the deadline" if lang == "en" else "2 heures avant la fin") in summary.text
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    for member in (alice, bob):
        await fake.slash(klass.guild, member, "answer", text=card.items[0].answer)

    assert (await klass.tick_at(POST_AT + timedelta(hours=9, minutes=59))).reminded == []
    report = await klass.tick_at(POST_AT + timedelta(hours=10))
    assert report.reminded == [post.id]
    _, reminder = klass.posts()
    assert reminder.embed["title"] == title and count in reminder.text
    deadline = POST_AT + timedelta(hours=12)
    assert f"<t:{int(deadline.timestamp())}:R>" in reminder.text
    assert reminder.embed.get("url", "").endswith(f"/{post_message.id}")
    # A count, never who has not answered (nor who has).
    assert all(name not in reminder.text.lower() for name in ("alice", "bob", "carol"))
    assert not reminder.pings.any
    # Once: not on the next pass, not after a restart.
    assert (await klass.tick_at(POST_AT + timedelta(hours=11))).reminded == []
    await klass.restart()
    assert (await klass.tick_at(POST_AT + timedelta(hours=11, minutes=30))).reminded == []
    assert len(klass.posts()) == 2


async def test_a_reminder_sent_just_before_a_crash_is_not_posted_twice(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake = klass.fake
    await klass.start()
    await klass.setup(window=12, reminder=2, language="en")
    await klass.tick_at(POST_AT)
    hold = fake.hold_next("POST", "/channels/{channel_id}/messages")
    klass.clock.set(POST_AT + timedelta(hours=10))
    tick = asyncio.ensure_future(klass.posting.tick())
    await fake.wait_until(lambda: hold.held, what="the held reminder")
    assert len(klass.posts()) == 2  # Discord has it; the bot never heard back
    tick.cancel()
    await asyncio.gather(tick, return_exceptions=True)
    discord_problems.allow(r"scheduled job|Unclosed|Task was destroyed")
    await klass.start_bot.stop(klass.bot)
    fake.release_holds()
    klass.clock.set(POST_AT + timedelta(hours=10, minutes=2))
    await klass.start()  # sent again with the post's nonce: Discord posts nothing new
    assert len(klass.posts()) == 2
    post = await klass.store.post_for_message(klass.posts()[0].id)
    assert post is not None and post.reminded_at is not None
    assert (await klass.posting.tick()).reminded == []


async def test_a_reminder_longer_than_the_window_is_refused(klass: Class) -> None:
    await klass.start()
    refused = await klass.setup(window=6, reminder=6, language="en")
    assert "Nothing was changed" in refused.text and "the answer window is 6 hours" in refused.text
    assert await klass.store.get_guild(klass.guild.id) is None
    await klass.setup(window=6, reminder=2, language="en")
    assert (await klass.store.get_guild(klass.guild.id)).reminder_hours == 2
    await klass.setup(reminder=0)  # 0: no reminder
    assert (await klass.store.get_guild(klass.guild.id)).reminder_hours is None


async def test_status_shows_the_new_settings(klass: Class) -> None:
    role = klass.fake.add_role(klass.guild, "Class 101", mentionable=True)
    await klass.start()
    await klass.setup(window=12, reminder=3, thread=True, ping_role=role, language="en")
    status = await klass.fake.slash(klass.guild, klass.teacher, "tutor status")
    fields = {f["name"]: f["value"] for f in status.embed["fields"]}
    assert fields["Role pinged"] == f"<@&{role.id}>"
    assert fields["Thread per question"] == "Yes" and fields["Reminder"] == "3 hours before the deadline"
    assert not status.pings.any


# ------------------------------------------------------------------------------------------------- names


async def test_names_in_the_reveal_and_the_export_survive_a_restart(klass: Class) -> None:
    fake = klass.fake
    alice, bob = klass.students["alice"], klass.students["bob_smith"]
    bob.nick = "=Bob *the* builder"
    await klass.start()
    await klass.setup(window=12, language="en")
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)
    await fake.slash(klass.guild, alice, "answer", text="\n".join(i.answer for i in card.items))
    await fake.slash(klass.guild, bob, "answer", text=card.items[0].answer)
    await klass.restart()  # the names the bot saw are in the store, not only in its memory

    fetched = len(fake.calls_to("GET", "/guilds/{guild_id}/members/{user_id}"))
    await klass.tick_at(POST_AT + timedelta(hours=12))
    reveal = klass.posts()[-1]
    assert "🥇 Alice: 100%" in reveal.text and "=Bob \\*the\\* builder" in reveal.text
    assert f"<@{alice.id}>" not in reveal.text and not reveal.pings.any
    assert len(fake.calls_to("GET", "/guilds/{guild_id}/members/{user_id}")) == fetched  # none asked for

    export = await fake.slash(klass.guild, klass.teacher, "tutor export")
    (attachment,) = export.message.attachments
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"))))
    assert [(int(r["member_id"]), r["name"]) for r in rows] == [
        (alice.id, "Alice"),
        (bob.id, rows[1]["name"]),
    ]
    assert rows[1]["name"].endswith("Bob *the* builder")  # as text (part A neutralises a leading "=")
