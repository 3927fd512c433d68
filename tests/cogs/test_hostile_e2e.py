"""Hostile members and forged clients, end to end against the fake Discord: each attempt gets a clear private
answer (or nothing happens at all), never a generic error, never a point it did not earn, never an answer key
before the reveal, and a malformed gateway event does not bring the bot down.
"""

from __future__ import annotations

import discord

from tests.fakediscord.fixtures import DiscordProblems
from tests.support.classroom import Class

GENERIC = "went wrong"
STALE = "This button is not one the bot has open for you"


async def test_a_malformed_gateway_event_is_dropped_and_the_bot_carries_on(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    _, _, card = await klass.open_question()
    await fake.dispatch_broken_interaction(klass.guild, alice, missing=("token",))
    await fake.dispatch_broken_interaction(klass.guild, alice, missing=("token", "id"))
    graded = await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    assert "Your score: 1/4" in graded.text
    assert fake.connected and fake.identify_count == 1  # the same session: nothing restarted


async def test_teacher_role_everyone_or_a_bot_role_is_refused(klass: Class) -> None:
    fake = klass.fake
    await klass.start()
    everyone = await klass.setup(language="en", teacher_role=klass.guild.everyone)
    assert everyone.ephemeral and "can't be @everyone" in everyone.text, everyone.text
    bot_role = next(r for r in klass.guild.roles.values() if r.managed)
    managed = await klass.setup(language="en", teacher_role=bot_role)
    assert "a bot's or an integration's role" in managed.text, managed.text
    # Nothing was saved: a member is no teacher (even with /tutor shown to everyone in Integrations).
    fake.allow_command(klass.guild, "tutor", to=klass.guild.id)
    res = await fake.slash(klass.guild, klass.students["alice"], "tutor status")
    assert "Manage Server permission or the teacher role" in res.text


async def test_practice_and_quiz_do_not_give_the_open_question_away(klass: Class) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    klass.extensions = ("cogs.daily", "cogs.tutor", "cogs.practice")
    _, post, card = await klass.open_question()
    assert klass.bot is not None
    services = klass.bot.services
    assert services is not None
    playable = await services.decks.playable(klass.guild.id, "general", "practice")
    assert post.card_id not in playable.usable and len(playable.usable) == 2
    # Practising the whole deck with throw-away answers never shows the open card.
    started = await fake.slash(klass.guild, alice, "practice", deck="general", count=10)
    assert started.ephemeral
    assert card.question not in started.text


async def test_forged_daily_forms_are_refused_clearly(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    message, post, card = await klass.open_question()
    other = fake.add_guild("Other", channels=("general",))
    right = card.items[0].answer
    # The form of this server's post, sent from another server, and from another channel of this one.
    for guild, channel in ((other, other.channel("general")), (klass.guild, klass.guild.channel("general"))):
        res = await fake.forge_modal(
            alice, guild, f"daily:modal:{message.id}", {"answer": right}, channel=channel
        )
        assert res.ephemeral and "not a question of the day" in res.text.lower(), res.text
    # A message id no message can have (40 digits).
    res = await fake.forge_modal(alice, klass.guild, "daily:modal:" + "9" * 40, {"answer": right})
    assert res.ephemeral and "not a question of the day" in res.text.lower(), res.text
    assert await klass.store.get_answer(post.id, alice.id) is None  # none of them counted
    # A button naming another post than the message it is on.
    res = await fake.forge_click(alice, klass.guild, f"daily:answer:{post.id + 1}", message=message)
    assert res.ephemeral and STALE in res.text, res.text


async def test_a_form_no_feature_answers_is_told_so(klass: Class) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    await klass.open_question()
    # Made up, or of a feature this bot does not run (the live quiz is not loaded here).
    for custom_id in ("nothing:here", "quiz:m:0123456789ab:1"):
        res = await fake.forge_modal(alice, klass.guild, custom_id, {"answer:text": "Spring"})
        assert res.ephemeral and "This form is no longer open" in res.text, (custom_id, res.text)


async def test_someone_elses_erase_my_data_click_is_refused(klass: Class) -> None:
    fake, alice, bob = klass.fake, klass.students["alice"], klass.students["bob_smith"]
    _, post, card = await klass.open_question()
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    confirm = await fake.slash(klass.guild, alice, "forget-me")
    erase = next(b["custom_id"] for b in confirm.buttons if b["style"] == discord.ButtonStyle.danger.value)
    # Bob's client sends a click on Alice's private confirmation: on her message, or on a made-up one.
    for message in (confirm.message, None):
        res = await fake.forge_click(bob, klass.guild, erase, message=message)
        assert res.ephemeral and (STALE in res.text or "belong to someone else" in res.text), res.text
    assert await klass.store.get_answer(post.id, alice.id) is not None  # nothing was erased


async def test_bad_values_get_their_own_clear_message(
    klass: Class, discord_problems: DiscordProblems
) -> None:
    fake, alice, teacher = klass.fake, klass.students["alice"], klass.teacher
    _, post, card = await klass.open_question()
    # A lone surrogate in an answer: graded like any text.
    graded = await fake.slash(klass.guild, alice, "answer", text=f"{card.items[0].answer} \ud800")
    assert "Your score: 1/4" in graded.text, graded.text
    # An option value the Discord client would not send.
    forged = fake._slash_interaction(klass.guild, teacher, "tutor setup", {
        "channel": klass.questions, "time": "08:00", "timezone": "UTC", "deck": "general", "language": "fr",
    })  # fmt: skip
    for option in forged.payload["data"]["options"][0]["options"]:
        if option["name"] == "language":
            option["value"] = "klingon"
    res = await fake._run_interaction(forged, wait=True, timeout=None)
    assert "“klingon” is not a value this command accepts" in res.text and GENERIC not in res.text
    assert card.items and post.id


async def test_rank_of_a_member_who_left_and_odd_stats_questions(klass: Class) -> None:
    fake, alice, teacher = klass.fake, klass.students["alice"], klass.teacher
    klass.extensions = ("cogs.daily", "cogs.tutor", "cogs.leaderboard", "cogs.teacher")
    _, _, card = await klass.open_question()
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    gone = fake.add_user("gone")  # a user who is not (or no longer) a member
    res = await fake.slash(klass.guild, alice, "rank", member=gone)
    assert res.ephemeral and GENERIC not in res.text, res.text
    for typed in ("²", "1²", "9" * 40, "\x00"):
        res = await fake.slash(klass.guild, teacher, "stats", question=typed)
        assert res.ephemeral and "among this server's questions" in res.text, (typed, res.text)


async def test_a_non_integer_count_is_named(klass: Class) -> None:
    fake, alice = klass.fake, klass.students["alice"]
    klass.extensions = ("cogs.daily", "cogs.tutor", "cogs.practice")
    await klass.open_question()
    forged = fake._slash_interaction(klass.guild, alice, "practice", {"count": 3})
    for option in forged.payload["data"]["options"]:
        if option["name"] == "count":
            option["value"] = "three"
    res = await fake._run_interaction(forged, wait=True, timeout=None)
    assert res.ephemeral and "“three” is not a value this command accepts" in res.text, res.text
