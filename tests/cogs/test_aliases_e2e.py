"""The teacher closes the loop, end to end: the real bot (daily, tutor, teacher and leaderboard cogs) against
the fake Discord. The class typed a word that names an item but earned nothing; the teacher sees it in
/stats, accepts it as an alias of that item with two select menus, every stored answer to the card is
re-graded, the members whose grade went up are told privately once (with their next /rank or answer),
/deck show lists the alias for teachers, and removing it re-grades again. In English and in French.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.fakediscord import ClientRefused, FakeDiscord, Member, Message
from tests.fakediscord.fixtures import DiscordProblems
from tests.support.classroom import POST_AT, Class

# A word that names nothing on any card of the test deck.
WORD = "Kwyjibo"
EXTENSIONS = ("cogs.daily", "cogs.tutor", "cogs.teacher", "cogs.leaderboard")

TEXTS = {
    "en": {
        "unmatched": "Typed by the class, earned nothing",
        "line": f"“{WORD}” ×2",
        "which": f"Which item does “{WORD}” name?",
        "accepted": f"“{WORD}” now counts for **{{item}}**. 3 answers re-graded: 2 went up.",
        "notice": "Your answer to “{question}” was re-graded by your teacher: 25% → 50%.",
        "taught": "Aliases accepted for this question",
        "deck": "Aliases accepted by this server's teachers",
        "removed": f"“{WORD}” no longer counts for **{{item}}**. 4 answers re-graded: 3 went down.",
        "score": "Your score: 2/4",
    },
    "fr": {
        "unmatched": "Tapé par la classe, sans rien rapporter",
        "line": f"«\u00a0{WORD}\u00a0» ×2",
        "which": f"Quel élément «\u00a0{WORD}\u00a0» désigne-t-il\u00a0?",
        "accepted": f"«\u00a0{WORD}\u00a0» compte maintenant pour **{{item}}**. "
        "3 réponses corrigées à nouveau\u00a0: 2 en hausse.",
        "notice": "Votre réponse à «\u00a0{question}\u00a0» a été corrigée à nouveau par votre "
        "enseignant\u00a0: 25\u00a0% → 50\u00a0%.",
        "taught": "Alias acceptés pour cette question",
        "deck": "Alias acceptés par les enseignants de ce serveur",
        "removed": f"«\u00a0{WORD}\u00a0» ne compte plus pour **{{item}}**. "
        "4 réponses corrigées à nouveau\u00a0: 3 en baisse.",
        "score": "Votre note\u00a0: 2/4",
    },
}


def fields(message: Message) -> dict[str, str]:
    embed = message.embed
    assert embed is not None
    return {field["name"]: field["value"] for field in embed.get("fields", [])}


def select(message: Message, custom_id: str) -> dict[str, Any]:
    for row in message.components:
        for component in row.get("components", []):
            if component.get("custom_id") == custom_id:
                return component
    raise AssertionError(f"no select {custom_id!r} in {message.components}")


def private_and_silent(*messages: Message) -> None:
    for message in messages:
        assert message.ephemeral and not message.pings.any, message


async def changed(fake: FakeDiscord, message: Message, text: str) -> Message:
    """The message once an edit put ``text`` in its content (a choice is acknowledged before the edit)."""
    await fake.wait_until(lambda: text in fake.message(message.id).content, what=f"{text!r} in the message")
    return fake.message(message.id)


async def run_the_loop(klass: Class, lang: str) -> None:
    fake, texts = klass.fake, TEXTS[lang]
    alice, bob, carol = (klass.students[n] for n in ("alice", "bob_smith", "carol"))
    klass.extensions = EXTENSIONS
    await klass.start()
    await klass.setup(language=lang)
    await klass.tick_at(POST_AT)
    (question,) = klass.posts()
    post, card = await klass.card_of(question)
    first, second = card.items[0].answer, card.items[1].answer

    async def answer(member: Member, text: str) -> Any:
        result = await fake.slash(klass.guild, member, "answer", text=text)
        private_and_silent(*result.messages)
        return result

    klass.clock.set(POST_AT + timedelta(minutes=10))
    await answer(alice, f"{WORD}, {second}")  # 1/4: the word earned nothing
    await answer(bob, f"{WORD.lower()} et {second}" if lang == "fr" else f"{WORD.upper()} and {second}")
    await answer(carol, f"{first}, {second}")  # 2/4 already

    # /stats: what the class typed that earned nothing, and the menu to accept it.
    stats = await fake.slash(klass.guild, klass.teacher, "stats")
    private_and_silent(stats.message)
    assert texts["line"] in fields(stats.message)[texts["unmatched"]]
    phrases = select(stats.message, "teacher:alias:phrase")
    assert [option["label"] for option in phrases["options"]] == [texts["line"]]
    # The menus are the teacher's alone: a student cannot even see the private message.
    with pytest.raises(ClientRefused, match="cannot see the ephemeral message"):
        await fake.click(alice, stats.message, "teacher:alias:phrase", values=["0"])

    # The phrase, then the item it names.
    picked = await fake.click(klass.teacher, stats.message, "teacher:alias:phrase", values=["0"])
    assert not picked.rejected
    shown = await changed(fake, stats.message, texts["which"])
    items = select(shown, "teacher:alias:item")
    assert [option["label"] for option in items["options"]] == [item.answer for item in card.items]
    await fake.click(klass.teacher, shown, "teacher:alias:item", values=["0"])
    accepted = texts["accepted"].format(item=first)
    shown = await changed(fake, stats.message, accepted)
    assert not shown.pings.any
    # The statistics shown again: the word earned the item, and it is listed as accepted.
    assert texts["line"] not in fields(shown).get(texts["unmatched"], "")
    assert WORD in fields(shown)[texts["taught"]] and first in fields(shown)[texts["taught"]]
    assert select(shown, "teacher:alias:remove")["options"]

    for member in (alice, bob, carol):
        regraded = await klass.store.get_answer(post.id, member.id)
        assert regraded is not None and regraded.score == 0.5 and regraded.points == 5

    # Alice is told with her next /rank, privately, once; never pinged.
    rank = await fake.slash(klass.guild, alice, "rank")
    (notice,) = await rank.wait_followups(1)
    private_and_silent(notice)
    assert texts["notice"].format(question=card.question) in notice.content
    assert alice.id not in await klass.store.notified_members(klass.guild.id)
    again = await fake.slash(klass.guild, alice, "rank")
    # Bob with his next answer (a second attempt: his re-graded first grade comes back).
    retry = await answer(bob, "anything")
    assert texts["score"] in retry.text
    (notice,) = await retry.wait_followups(1)
    assert texts["notice"].format(question=card.question) in notice.content
    # Carol's grade did not move: nothing to tell (and Alice was told once: her second /rank said nothing).
    assert await klass.store.notified_members(klass.guild.id) == set()
    quiet = await answer(carol, "anything")
    assert quiet.followups == [] and again.followups == []

    # A new answer is graded with the alias at once.
    dave = fake.add_member(klass.guild, "dave")
    assert "1/4" in (await answer(dave, WORD)).text

    # /deck show lists the alias for teachers only.
    shown_deck = await fake.slash(klass.guild, klass.teacher, "deck show", name="general")
    assert f"{first}" in fields(shown_deck.message)[texts["deck"]]
    assert WORD in fields(shown_deck.message)[texts["deck"]]
    student_view = await fake.slash(klass.guild, alice, "deck show", name="general")
    private_and_silent(student_view.message)
    assert texts["deck"] not in fields(student_view.message) and WORD not in student_view.text

    # Removing it re-grades again: everyone back where the deck alone puts them.
    stats = await fake.slash(klass.guild, klass.teacher, "stats")
    await fake.click(klass.teacher, stats.message, "teacher:alias:remove", values=["0"])
    shown = await changed(fake, stats.message, texts["removed"].format(item=first))
    assert texts["taught"] not in fields(shown)
    stored = [await klass.store.get_answer(post.id, m.id) for m in (alice, bob, carol, dave)]
    assert [answer.score if answer else None for answer in stored] == [0.25, 0.25, 0.5, 0.0]
    board = await klass.store.member_stats(klass.guild.id, alice.id, klass.clock())
    assert board is not None and board.points == 2
    # Down is not news: nobody is told.
    assert await klass.store.notified_members(klass.guild.id) == set()


async def test_the_teacher_closes_the_loop_in_english(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    await run_the_loop(klass, "en")


async def test_the_teacher_closes_the_loop_in_french(klass: Class, discord_problems: DiscordProblems) -> None:
    await run_the_loop(klass, "fr")


async def test_a_member_who_answers_by_replying_is_told_by_direct_message(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    klass.extensions = EXTENSIONS
    await klass.start(message_content=True)
    await klass.setup(language="en")
    await klass.tick_at(POST_AT)
    (question,) = klass.posts()
    post, card = await klass.card_of(question)
    klass.clock.set(POST_AT + timedelta(minutes=10))
    await fake.send_message(klass.questions, alice, f"{WORD}, {card.items[1].answer}", reply_to=question)
    await fake.wait_until(lambda: fake.dms_to(alice), what="the feedback by DM")
    assert klass.bot is not None and klass.bot.services is not None
    await klass.bot.services.teacher.aliases.accept(post, WORD, 0, teacher_id=klass.teacher.id)

    await fake.send_message(klass.questions, alice, "again", reply_to=question)
    dms = await fake.wait_until(lambda: len(fake.dms_to(alice)) >= 3 and fake.dms_to(alice), what="3 DMs")
    assert "You already answered" in dms[1].text and "Your score: 2/4" in dms[1].text
    assert dms[2].content == TEXTS["en"]["notice"].format(question=card.question)
    assert not any(dm.pings.any for dm in dms)
