"""/tutor end to end on the fake Discord: who may set up, every bad value, a channel the bot cannot post in
(retried, then shown in /tutor status), pause and resume, the manual post and reveal, the scores export,
forget-me, and French."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

import discord
import pytest

from bot.rules.scheduling import MAX_POST_ATTEMPTS
from tests.fakediscord import ClientRefused, FakeDiscord
from tests.fakediscord.fixtures import DiscordProblems
from tests.support import until
from tests.support.classroom import POST_AT, Class, epoch

# ------------------------------------------------------------------------------------------------- rights


TEACHER_COMMANDS = ("tutor status", "tutor pause", "tutor post-now", "tutor reveal-now", "tutor export")
MANAGE_SERVER = discord.Permissions(manage_guild=True).value


async def test_teacher_commands_are_hidden_from_members_by_discord(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    alice = klass.students["alice"]
    await klass.start()
    # What the bot synced: /tutor needs Manage Server by default; /forget-me is for everyone.
    assert int(fake.global_commands["tutor"]["default_member_permissions"]) == MANAGE_SERVER
    assert fake.global_commands["forget-me"].get("default_member_permissions") is None
    setup = {"channel": klass.questions, "time": "08:00", "timezone": "UTC", "deck": "general"}
    with pytest.raises(ClientRefused, match="hidden from alice"):
        await fake.slash(klass.guild, alice, "tutor setup", setup)
    for command in TEACHER_COMMANDS:
        with pytest.raises(ClientRefused, match="hidden from alice"):
            await fake.slash(klass.guild, alice, command)

    # The bot's own check stays: an admin who shows /tutor to everyone (Server Settings → Integrations)
    # has not made everyone a teacher.
    fake.allow_command(klass.guild, "tutor", to=klass.guild.id)  # @everyone
    refused = await fake.slash(klass.guild, alice, "tutor setup", setup)
    assert refused.ephemeral
    assert "Manage Server permission or the teacher role" in refused.text
    assert await klass.store.get_guild(klass.guild.id) is None
    for command in TEACHER_COMMANDS:
        assert "Manage Server" in (await fake.slash(klass.guild, alice, command)).text
    fake.command_overrides.clear()

    # A teacher role: chosen at set-up, and shown the commands by an admin in Integrations.
    helper_role = fake.add_role(klass.guild, "Assistant")
    helper = fake.add_member(klass.guild, "helper", roles=[helper_role])
    await klass.setup(teacher_role=helper_role)
    with pytest.raises(ClientRefused, match="hidden from helper"):
        await fake.slash(klass.guild, helper, "tutor status")
    fake.allow_command(klass.guild, "tutor", to=helper_role)
    status = await fake.slash(klass.guild, helper, "tutor status")
    assert status.ephemeral and "Daily question" in status.text and f"<@&{helper_role.id}>" in status.text
    assert not status.pings.any
    with pytest.raises(ClientRefused, match="hidden from alice"):  # still hidden from the others
        await fake.slash(klass.guild, alice, "tutor status")


async def test_every_bad_value_is_named_and_nothing_is_saved(klass: Class, fake_discord: FakeDiscord) -> None:
    await klass.start()
    bad = await klass.setup(time="25:00", timezone="Mars/Olympus_Mons", deck="nope", days="funday")
    assert bad.ephemeral
    text = bad.text
    assert text.startswith("Nothing was changed.")
    assert "“25:00” is not a valid time" in text
    assert "“Mars/Olympus\\_Mons” is not a known time zone" in text  # user text shown escaped
    assert "There is no deck called “nope”" in text
    assert "“funday” is not a day of the week" in text
    assert await klass.store.get_guild(klass.guild.id) is None

    near = await klass.setup(timezone="Europe/Pari")
    assert "Did you mean Europe/Paris" in near.text

    unknown = await klass.setup(deck="@everyone **bold**")
    assert "There is no deck called “@\u200beveryone \\*\\*bold\\*\\*”" in unknown.text
    assert not unknown.pings.any
    assert await klass.store.get_guild(klass.guild.id) is None

    # Other spellings a teacher types are understood.
    fine = await klass.setup(time="8h30", timezone="america/montreal", days="lun-ven")
    assert "08:30 (America/Montreal), weekdays" in fine.text


async def test_autocomplete_offers_decks_and_time_zones(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    await klass.start()
    choices = await fake.autocomplete(
        klass.guild, klass.teacher, "tutor setup", "deck", channel=klass.questions, time="08:00",
        timezone="UTC", deck="gen",
    )  # fmt: skip
    assert [c["value"] for c in choices] == ["general"]
    zones = await fake.autocomplete(
        klass.guild, klass.teacher, "tutor setup", "timezone", channel=klass.questions, time="08:00",
        timezone="montr", deck="general",
    )  # fmt: skip
    assert "America/Montreal" in [c["value"] for c in zones]


async def test_a_channel_the_bot_cannot_post_in(
    klass: Class, fake_discord: FakeDiscord, discord_problems: DiscordProblems
) -> None:
    fake = fake_discord
    await klass.start()
    locked = fake.add_channel(klass.guild, "locked", bot_can_send=False)
    refused = await klass.setup(channel=locked)
    assert "I can't post in" in refused.text and "Send Messages" in refused.text
    assert await klass.store.get_guild(klass.guild.id) is None

    # Set up fine, then the permission is taken away before the post: it fails, is retried with a backoff,
    # and /tutor status says what is wrong.
    await klass.setup()
    fake.deny_bot(klass.questions, discord.Permissions(send_messages=True))
    await until_bot_sees_denied(klass)
    report = await klass.tick_at(POST_AT)
    assert report.failed == [klass.guild.id] and klass.posts() == []
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "Posting failed 1 time" in status.text
    assert "The bot lacks Send Messages and Embed Links in" in status.text  # Discord drops both
    retry = POST_AT + timedelta(minutes=2)
    assert f"Next try <t:{epoch(retry)}:R>" in status.text

    assert (await klass.tick_at(POST_AT + timedelta(minutes=1))).failed == []  # backing off
    delays = [2, 6, 18, 54]
    moment = POST_AT
    for attempt, minutes in enumerate(delays, start=2):
        moment += timedelta(minutes=minutes)
        assert (await klass.tick_at(moment)).failed == [klass.guild.id], attempt
    assert (await klass.tick_at(moment + timedelta(hours=3))).failed == []  # bounded: gave up
    settings = await klass.store.get_guild(klass.guild.id)
    assert settings is not None and settings.failure_count == MAX_POST_ATTEMPTS
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert f"stopped trying after {MAX_POST_ATTEMPTS} attempts" in status.text

    # Discord itself refuses the message (the bot's cache said it could post): a failure too.
    fake.set_overwrite(klass.questions, fake.bot_user, allow=discord.Permissions(send_messages=True))
    await until_bot_sees_allowed(klass)
    fake.fail_next("POST", "/channels/*/messages", status=403, code=50013, message="Missing Permissions")
    failed = await fake.slash(klass.guild, klass.teacher, "tutor post-now")
    assert "could not be posted" in failed.text and "Send Messages" in failed.text
    # Fixed: the teacher posts now, and the failures are forgotten.
    posted = await fake.slash(klass.guild, klass.teacher, "tutor post-now")
    assert "Posted in" in posted.text and len(klass.posts()) == 1
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "Posting failed" not in status.text and "Open question" in status.text
    # A new day's slot starts with a clean slate even after failures.
    assert (await klass.tick_at(POST_AT + timedelta(days=1))).posted


async def until_bot_sees_denied(klass: Class) -> None:

    assert klass.bot is not None

    def denied() -> bool:
        channel = klass.bot.get_channel(klass.questions.id)  # type: ignore[union-attr]
        return channel is not None and not channel.permissions_for(channel.guild.me).send_messages

    await until(denied, what="the bot to see the overwrite")


async def until_bot_sees_allowed(klass: Class) -> None:

    assert klass.bot is not None

    def allowed() -> bool:
        channel = klass.bot.get_channel(klass.questions.id)  # type: ignore[union-attr]
        return channel is not None and channel.permissions_for(channel.guild.me).send_messages

    await until(allowed, what="the bot to see the overwrite")


# ---------------------------------------------------------------------------------------- running it


async def test_pause_resume_post_now_and_reveal_now(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    alice = klass.students["alice"]
    await klass.start()
    assert "not set up" in (await fake.slash(klass.guild, klass.teacher, "tutor status")).text
    await klass.setup()

    paused = await fake.slash(klass.guild, klass.teacher, "tutor pause")
    assert "paused" in paused.text
    assert (await klass.tick_at(POST_AT)).posted == []
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "Paused. Use /tutor resume" in status.text
    assert "paused" in (await fake.slash(klass.guild, alice, "answer", text="x")).text

    # Resumed at 09:00: the 08:00 slot missed while paused is not caught up; tomorrow's is next.
    klass.clock.set(POST_AT + timedelta(hours=1))
    resumed = await fake.slash(klass.guild, klass.teacher, "tutor resume")
    tomorrow = POST_AT + timedelta(days=1)
    assert f"<t:{epoch(tomorrow)}:F>" in resumed.text
    assert (await klass.posting.tick()).posted == []

    # Post now: a question at once, open until the next slot.
    posted = await fake.slash(klass.guild, klass.teacher, "tutor post-now")
    assert posted.ephemeral and "Posted in" in posted.text and f"<t:{epoch(tomorrow)}:F>" in posted.text
    (first,) = klass.posts()
    first_post, card = await klass.card_of(first)
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)

    # Post now again: the open question is revealed first (one open at a time).
    klass.clock.advance(minutes=30)
    again = await fake.slash(klass.guild, klass.teacher, "tutor post-now")
    assert "Posted in" in again.text
    titles = [m.embed["title"] for m in klass.posts()]
    assert titles == ["Question of the day", "Answer key", "Question of the day"]
    closed = await klass.store.get_post(first_post.id)
    assert closed is not None and closed.closes_at == klass.clock.now and closed.revealed_at is not None

    # Reveal now: closes the open question; later answers are refused; nothing left to reveal.
    revealed = await fake.slash(klass.guild, klass.teacher, "tutor reveal-now")
    assert "closed and its answer key posted" in revealed.text
    assert [m.embed["title"] for m in klass.posts()][-1] == "Answer key"
    assert "no open question" in (await fake.slash(klass.guild, alice, "answer", text="late")).text
    click = await fake.click(alice, klass.posts()[2], label="Answer") if klass.posts()[2].buttons else None
    assert click is None  # the closed post lost its button
    nothing = await fake.slash(klass.guild, klass.teacher, "tutor reveal-now")
    assert "no open question to reveal" in nothing.text
    # The scheduler does not reveal or post twice for what was done by hand.
    report = await klass.posting.tick()
    assert report.posted == [] and report.revealed == []


async def test_two_post_now_at_once_post_one_question_and_leave_it_open(klass: Class) -> None:
    fake = klass.fake
    await klass.start()
    await klass.setup()
    replies = await asyncio.gather(
        fake.slash(klass.guild, klass.teacher, "tutor post-now"),
        fake.slash(klass.guild, klass.teacher, "tutor post-now"),
    )
    posted, refused = sorted(replies, key=lambda reply: "Posted in" not in reply.text)
    assert "Posted in" in posted.text and "posted moments ago" in refused.text, [r.text for r in replies]
    assert all(reply.ephemeral for reply in replies)
    # One question, not revealed a moment after it was posted: it still takes answers.
    assert [m.embed["title"] for m in klass.posts()] == ["Question of the day"]
    (message,) = klass.posts()
    _post, card = await klass.card_of(message)
    answered = await fake.slash(klass.guild, klass.students["alice"], "answer", text=card.items[0].answer)
    assert "Your score" in answered.text


# ------------------------------------------------------------------------------------------------- data


async def test_export_and_forget_me(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    alice, bob = klass.students["alice"], klass.students["bob_smith"]
    await klass.start()
    await klass.setup()
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    await fake.slash(klass.guild, alice, "answer", text="\n".join(i.answer for i in card.items))
    await fake.slash(klass.guild, bob, "answer", text=card.items[0].answer)

    export = await fake.slash(klass.guild, klass.teacher, "tutor export")
    assert export.ephemeral and "2 members" in export.text
    (attachment,) = export.message.attachments
    assert attachment.filename == f"scores-{klass.guild.id}.csv"
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"))))
    assert [(int(r["member_id"]), int(r["points"])) for r in rows] == [
        (alice.id, 10),
        (bob.id, 2),
    ]  # round(2.5) = 2

    # Forget-me: a confirmation first; cancelling changes nothing.
    asked = await fake.slash(klass.guild, bob, "forget-me")
    assert asked.ephemeral and "for good" in asked.text
    cancel = await fake.click(bob, asked.message, label="Cancel")
    assert cancel.kind == "update message" and "Nothing was changed" in cancel.message.content
    assert await klass.store.get_answer(post.id, bob.id) is not None

    asked = await fake.slash(klass.guild, bob, "forget-me")
    erased = await fake.click(bob, asked.message, label="Erase my data")
    assert "erased" in erased.message.content and erased.message.buttons == []
    assert await klass.store.get_answer(post.id, bob.id) is None
    assert await klass.store.get_answer(post.id, alice.id) is not None
    rows = list(csv.DictReader(io.StringIO(await klass.store.export_scores_csv(klass.guild.id))))
    assert [int(r["member_id"]) for r in rows] == [alice.id]


async def test_the_old_forget_me_name_points_to_the_new_one(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    alice = klass.students["alice"]
    await klass.start()
    await klass.setup()
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    await fake.slash(klass.guild, klass.teacher, "answer", text=card.items[0].answer)
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    # Under /tutor, hidden from members: only a teacher (or a stale client) still reaches the old name.
    with pytest.raises(ClientRefused, match="hidden from alice"):
        await fake.slash(klass.guild, alice, "tutor forget-me")
    notice = await fake.slash(klass.guild, klass.teacher, "tutor forget-me")
    assert notice.ephemeral and "/forget-me" in notice.text and "Nothing was erased" in notice.text
    assert notice.buttons == []
    assert await klass.store.get_answer(post.id, klass.teacher.id) is not None
    await klass.setup(language="fr")
    notice = await fake.slash(klass.guild, klass.teacher, "tutor forget-me")
    assert "/forget-me" in notice.text and "Rien n'a été effacé" in notice.text
    # The new command, in French, for a member.
    asked = await fake.slash(klass.guild, alice, "forget-me")
    erased = await fake.click(alice, asked.message, label="Effacer mes données")
    assert erased.message.buttons == []
    assert await klass.store.get_answer(post.id, alice.id) is None
    assert await klass.store.get_answer(post.id, klass.teacher.id) is not None


async def test_removing_the_bot_erases_the_server(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    alice = klass.students["alice"]
    await klass.start()
    await klass.setup()
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, card = await klass.card_of(post_message)
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    assert await klass.store.get_answer(post.id, alice.id) is not None

    await fake.dispatch("GUILD_DELETE", {"id": str(klass.guild.id)})
    for _ in range(200):  # the bot handles the event in its own task
        if await klass.store.get_guild(klass.guild.id) is None:
            break
        await asyncio.sleep(0.01)
    assert await klass.store.get_guild(klass.guild.id) is None
    assert await klass.store.get_answer(post.id, alice.id) is None
    assert list(csv.DictReader(io.StringIO(await klass.store.export_scores_csv(klass.guild.id)))) == []


# ------------------------------------------------------------------------------------------------- French


async def test_a_french_class(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    klass.guild.preferred_locale = "fr"  # the default language follows the guild's locale
    alice = klass.students["alice"]
    await klass.start()
    setup = await klass.setup(days="lun,mer,ven")
    assert "Question du jour configurée" in setup.text
    assert "lun., mer. et ven." in setup.text and "Langue\u00a0: français." in setup.text

    await klass.tick_at(POST_AT)  # a Monday
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)
    assert post_message.embed["title"] == "Question du jour" and "4 éléments" in post_message.text
    assert [b["label"] for b in post_message.buttons] == ["Répondre"]
    click = await fake.click(alice, post_message, label="Répondre")
    assert click.modal.title == "Votre réponse"
    graded = await fake.submit_modal(alice, {"Votre réponse": card.items[0].answer})
    assert "Votre note\u00a0: 1/4 (25\u00a0%)" in graded.text
    assert "3 éléments manqués" in graded.text and "série de 1 jour" in graded.text

    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "Prochaine question" in status.text and "1 réponse jusqu'ici" in status.text
    await klass.tick_at(POST_AT + timedelta(days=2))  # Wednesday: the reveal, then the next question
    titles = [m.embed["title"] for m in klass.posts()]
    assert titles == ["Question du jour", "Corrigé", "Question du jour"]
    assert "1 participant, note moyenne 25\u00a0%" in klass.posts()[1].text

    # Command descriptions are French for French clients (the catalogue translator).
    setup_command = fake.global_commands["tutor"]
    assert setup_command["description_localizations"]["fr"].startswith("La question du jour")
    answer = fake.global_commands["answer"]
    assert answer["description_localizations"]["fr"].startswith("Répondre à la question du jour")


async def test_a_deleted_channel_does_not_block_the_next_questions(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    await klass.start()
    await klass.setup(window=2)
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    post, _ = await klass.card_of(post_message)
    # The channel is deleted while the question is open; the teacher picks another one.
    del klass.guild.channels[klass.questions.id]
    await fake.dispatch("CHANNEL_DELETE", klass.questions.payload())
    other = fake.add_channel(klass.guild, "quiz")
    await klass.setup(channel=other, window=2)
    report = await klass.tick_at(POST_AT + timedelta(hours=2))
    assert report.failed == [] and report.revealed == []  # nowhere to reveal it: skipped, not a failure
    assert (await klass.store.get_post(post.id)).revealed_at is not None
    report = await klass.tick_at(POST_AT + timedelta(days=1))
    assert report.posted and fake.messages_in(other)[0].embed["title"] == "Question of the day"


async def test_ambiguous_time_zones_are_refused_with_suggestions(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    await klass.start()
    refused = await klass.setup(timezone="EST")
    assert refused.ephemeral and refused.text.startswith("Nothing was changed.")
    assert "“EST” is an abbreviation" in refused.text and "summer time" in refused.text
    assert "America/Toronto" in refused.text and "Etc/GMT+5 is UTC−5" in refused.text
    assert await klass.store.get_guild(klass.guild.id) is None  # never a silent drift in summer

    offset = await klass.setup(timezone="UTC-5", language="fr")
    assert "« UTC-5 » est un décalage fixe" in offset.text.replace("\u00a0", " ")
    assert "America/Montreal" in offset.text and "Etc/GMT+5 est UTC−5" in offset.text
    assert await klass.store.get_guild(klass.guild.id) is None

    ist = await klass.setup(timezone="IST", language="fr")
    assert "Asia/Kolkata" in ist.text and "Europe/Dublin" in ist.text and "Etc/" not in ist.text

    chosen = await klass.setup(timezone="Etc/GMT+5")  # a fixed offset, chosen knowingly, is accepted
    assert "Etc/GMT+5" in chosen.text
    settings = await klass.store.get_guild(klass.guild.id)
    assert settings is not None and settings.timezone == "Etc/GMT+5"


async def test_status_warns_about_a_zone_stored_before_abbreviations_were_refused(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    await klass.start()
    await klass.setup()
    await klass.store.update_guild(klass.guild.id, timezone="EST")  # as an older version accepted it
    status = await fake_discord.slash(klass.guild, klass.teacher, "tutor status")
    assert "EST does not follow summer time" in status.text and "America/Toronto" in status.text
    await klass.setup(timezone="America/Toronto", language="fr")
    status = await fake_discord.slash(klass.guild, klass.teacher, "tutor status")
    assert "heure d'été" not in status.text
    await klass.store.update_guild(klass.guild.id, timezone="EST")
    status = await fake_discord.slash(klass.guild, klass.teacher, "tutor status")
    assert "EST ne suit pas l'heure d'été" in status.text
