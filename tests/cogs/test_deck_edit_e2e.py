"""Editing a deck in Discord, end to end on the fake: /deck edit and /deck add-card (the card form),
/deck remove-card, /tutor next, and /deck export after an edit, with the real bot and a temporary database.

The class uses its own copy of the general-knowledge deck ("seasons"); the bundled "general" is not editable.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from datetime import timedelta
from typing import Any

import discord

from bot.cli import main as tutorbot
from bot.decks import Card, load_deck_bytes
from bot.grading import grade_reply
from bot.teacher.card_form import format_items, version_of
from tests.fakediscord import FakeDiscord, InteractionResult, Member
from tests.support.classroom import POST_AT, TEST_DECK, Class

QUESTION, ITEMS = "card:question", "card:items"


async def start_class(klass: Class, language: str = "en") -> int:
    """The bot with the teacher cog, and the class set up on its own deck "seasons"; its deck id."""
    klass.extensions = ("cogs.daily", "cogs.tutor", "cogs.teacher")
    await klass.start()
    deck_id = await klass.store.save_deck(
        klass.guild.id, "seasons", load_deck_bytes(TEST_DECK.encode(), "s.yaml")
    )
    set_up = await klass.setup(deck="seasons", language=language)
    assert set_up.ephemeral and (await klass.store.get_guild(klass.guild.id)) is not None, set_up.text
    return deck_id


async def choice_for(klass: Class, command: str, question: str, **options: Any) -> str:
    """The card autocomplete's value for the card asking ``question``."""
    choices = await klass.fake.autocomplete(klass.guild, klass.teacher, command, "card", options, card="")
    found = [c for c in choices if question in c["name"]]
    assert len(found) == 1, choices
    return str(found[0]["value"])


async def open_form(klass: Class, user: Member, deck: str, card: str) -> InteractionResult:
    opened = await klass.fake.slash(klass.guild, user, "deck edit", deck=deck, card=card)
    assert opened.kind == "modal", opened
    return opened


def inputs(klass: Class, user: Member) -> dict[str, str | None]:
    return {i.custom_id: i.value for i in klass.fake.last_modal(user).inputs}


async def posted(klass: Class) -> tuple[Any, Card]:
    await klass.tick_at(POST_AT)
    return await klass.card_of(klass.posts()[-1])


def text_of(message: Any) -> str:
    return json.dumps([message.content, message.embeds], ensure_ascii=False)


# ------------------------------------------------------------------------------------------------ editing


async def test_editing_the_open_question_keeps_answers_and_the_next_post_uses_the_new_text(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    deck_id = await start_class(klass)
    post, card = await posted(klass)
    alice, bob = klass.students["alice"], klass.students["bob_smith"]
    first = await fake.slash(
        klass.guild, alice, "answer", text=f"{card.items[0].answer}, {card.items[1].answer}"
    )
    assert "2/4" in text_of(first.message)
    before = await klass.store.get_answer(post.id, alice.id)
    assert before is not None

    value = await choice_for(klass, "deck edit", card.question, deck="seasons")
    await open_form(klass, klass.teacher, "seasons", value)
    shown = inputs(klass, klass.teacher)
    assert shown[QUESTION] == card.question and shown[ITEMS] == format_items(card)
    assert shown[ITEMS].splitlines()[0] == f"{card.items[0].answer}: {card.items[0].detail}"
    new_items = f"{shown[ITEMS]}\nBonus: an extra item | extra point"
    saved = await fake.submit_modal(klass.teacher, {QUESTION: f"{card.question} (edited)", ITEMS: new_items})
    assert saved.ephemeral and not saved.pings.any
    assert "saved" in saved.text and "5 items" in saved.text
    assert "It is the open question: answers from now on are graded with these items" in saved.text

    # The card kept its id and its answers their grade; an answer from now on is graded on the new items.
    stored = await klass.store.load_deck(deck_id)
    assert post.card_id in stored.card_ids
    after = await klass.store.get_answer(post.id, alice.id)
    assert after is not None and (after.score, after.points) == (before.score, before.points)
    late = await fake.slash(klass.guild, bob, "answer", text="extra point")
    assert "1/5" in text_of(late.message)

    # /tutor next queues the edited card: tomorrow's post asks the new question.
    queued = await fake.slash(klass.guild, klass.teacher, "tutor next", card=value)
    assert queued.ephemeral and "is the next question" in queued.text and "(edited)" in queued.text
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")  # the teacher sees what comes next
    assert f"The card chosen with /tutor next: “{card.question} (edited)”" in text_of(status.message)
    await klass.tick_at(POST_AT + timedelta(days=1))
    tomorrow = klass.posts()[-1]
    assert tomorrow.id != klass.posts()[0].id and f"{card.question} (edited)" in text_of(tomorrow)
    assert await klass.store.next_card(klass.guild.id) is None  # used once
    status = await fake.slash(klass.guild, klass.teacher, "tutor status")
    assert "/tutor next" not in text_of(status.message)
    await klass.tick_at(POST_AT + timedelta(days=2))
    assert "(edited)" not in text_of(klass.posts()[-1])  # then the deck's order goes on


async def test_a_bad_form_is_refused_with_its_lines_and_reopens_with_the_text_typed(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    deck_id = await start_class(klass)
    before = await klass.store.load_deck(deck_id)
    question = before.deck.cards[0].question
    value = await choice_for(klass, "deck edit", question, deck="seasons")
    await open_form(klass, klass.teacher, "seasons", value)
    typed = "Spring\n: only a detail\n\nSummer\nspring | printemps"
    refused = await fake.submit_modal(klass.teacher, {ITEMS: typed})
    assert refused.ephemeral
    text = refused.text
    assert text.startswith("Nothing was saved")
    assert "Line 2 of the items, “: only a detail”, has no answer" in text
    assert "`answer: detail | alias, alias`" in text
    assert "Line 5 of the items names “spring” again (already on line 1)" in text
    assert await klass.store.load_deck(deck_id) == before  # nothing half-saved

    # The button opens the form again, holding what was typed; fixed, it saves.
    await fake.click(klass.teacher, refused.message, label="Fix the form")
    again = inputs(klass, klass.teacher)
    assert again[ITEMS] == typed and again[QUESTION] == question
    fixed = await fake.submit_modal(klass.teacher, {ITEMS: "Spring | printemps\nSummer: hot\nAutumn\nWinter"})
    assert "saved" in fixed.text, fixed.text
    card = (await klass.store.load_deck(deck_id)).deck.cards[0]
    assert [i.answer for i in card.items] == ["Spring", "Summer", "Autumn", "Winter"]
    assert card.items[0].aliases == ("printemps",) and card.items[1].detail == "hot"


async def test_two_teachers_edit_the_same_card_and_the_second_is_told_it_changed(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    deck_id = await start_class(klass)
    managers = fake.add_role(klass.guild, "Co-teachers", permissions=discord.Permissions(manage_guild=True))
    colleague = fake.add_member(klass.guild, "colleague", roles=[managers])
    card_id = (await klass.store.load_deck(deck_id)).card_ids[1]
    question = (await klass.store.load_deck(deck_id)).deck.cards[1].question
    value = await choice_for(klass, "deck edit", question, deck="seasons")
    await open_form(klass, klass.teacher, "seasons", value)
    await open_form(klass, colleague, "seasons", value)

    mine = await fake.submit_modal(
        klass.teacher, {ITEMS: "Mercury\nVenus\nEarth\nMars: red | the red planet"}
    )
    assert "saved" in mine.text
    theirs = await fake.submit_modal(colleague, {ITEMS: "Mercury\nVenus"})
    assert theirs.ephemeral
    assert "Someone saved card 2 of “seasons” while you were editing it" in theirs.text
    stored = await klass.store.get_card(card_id)
    assert stored is not None and stored.card.items[3].aliases == ("the red planet",)  # the first save stays

    # Their text is not lost: the button reopens it, and saving it then is deliberate.
    await fake.click(colleague, theirs.message, label="Open my text again")
    assert inputs(klass, colleague)[ITEMS] == "Mercury\nVenus"
    replaced = await fake.submit_modal(colleague)
    assert "saved" in replaced.text and "2 items" in replaced.text
    stored = await klass.store.get_card(card_id)
    assert stored is not None and [i.answer for i in stored.card.items] == ["Mercury", "Venus"]


async def test_the_deck_edited_while_answers_arrive_loses_none(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    await start_class(klass)
    students = [fake.add_member(klass.guild, f"student{n}") for n in range(12)]
    post, card = await posted(klass)
    value = await choice_for(klass, "deck edit", card.question, deck="seasons")
    await open_form(klass, klass.teacher, "seasons", value)
    new_items = format_items(card) + "\nBonus"
    reply = card.items[0].answer

    results = await asyncio.gather(
        *(fake.slash(klass.guild, s, "answer", text=reply) for s in students[:6]),
        fake.submit_modal(klass.teacher, {ITEMS: new_items}),
        *(fake.slash(klass.guild, s, "answer", text=reply) for s in students[6:]),
    )
    assert all(r.ephemeral for r in results) and "saved" in results[6].text
    stats = await klass.store.post_stats(post.id)
    assert stats.participants == len(students)  # every answer recorded
    new_card = (await klass.store.get_card(post.card_id)).card  # type: ignore[union-attr]
    expected = {grade_reply(card.items, reply).score, grade_reply(new_card.items, reply).score}
    for student in students:
        answer = await klass.store.get_answer(post.id, student.id)
        assert answer is not None and answer.score in expected  # graded on one version, whole


# ------------------------------------------------------------------------------------- adding, removing


async def test_a_card_added_in_discord_round_trips_through_export_and_deck_check(
    klass: Class, fake_discord: FakeDiscord, tmp_path: Any
) -> None:
    fake = fake_discord
    deck_id = await start_class(klass)
    opened = await fake.slash(klass.guild, klass.teacher, "deck add-card", deck="seasons")
    assert opened.kind == "modal" and inputs(klass, klass.teacher) == {QUESTION: None, ITEMS: None}
    items = "Red | rouge\nGreen: between yellow and blue | vert\nBlue: 16\\:9 is not a colour | bleu\\, azur"
    added = await fake.submit_modal(klass.teacher, {QUESTION: "Name the primary colours.", ITEMS: items})
    assert "Card 4 added to “seasons”" in added.text and "3 items" in added.text
    deck = (await klass.store.load_deck(deck_id)).deck
    assert deck.cards[3].items[2].detail == "16:9 is not a colour" and deck.cards[3].items[2].aliases == (
        "bleu, azur",
    )

    exported = await fake.slash(klass.guild, klass.teacher, "deck export", name="seasons")
    (attachment,) = exported.message.attachments
    path = tmp_path / attachment.filename
    path.write_bytes(attachment.data)
    reloaded = load_deck_bytes(attachment.data, attachment.filename)
    assert [(c.question, c.items) for c in reloaded.cards] == [(c.question, c.items) for c in deck.cards]
    assert not reloaded.warnings
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert tutorbot(["deck", "check", str(path), "--json"]) == 0
    checked = json.loads(out.getvalue())
    assert checked["warnings"] == [] and len(checked["cards"]) == 4
    assert checked["cards"][3]["items"][1] == {
        "answer": "Green",
        "detail": "between yellow and blue",
        "aliases": ["vert"],
    }


async def test_removing_a_card_asks_first_and_keeps_its_history(
    klass: Class, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    deck_id = await start_class(klass)
    post, card = await posted(klass)
    alice = klass.students["alice"]
    await fake.slash(klass.guild, alice, "answer", text=card.items[0].answer)
    value = await choice_for(klass, "deck remove-card", card.question, deck="seasons")

    asked = await fake.slash(klass.guild, klass.teacher, "deck remove-card", deck="seasons", card=value)
    assert asked.ephemeral and "Remove card" in asked.text and card.question in asked.text
    assert len((await klass.store.load_deck(deck_id)).card_ids) == 3  # nothing before the click
    done = await fake.click(klass.teacher, asked.message, label="Remove the card")
    assert "removed from “seasons”, which now has 2 cards" in done.message.content
    assert post.card_id not in (await klass.store.load_deck(deck_id)).card_ids
    assert await klass.store.get_answer(post.id, alice.id) is not None  # answers and points stay
    retired = await klass.store.get_card(post.card_id)  # type: ignore[arg-type]
    assert retired is not None and retired.position is None


async def test_bundled_decks_and_students_are_refused(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    await start_class(klass)
    bundled = await fake.slash(klass.guild, klass.teacher, "deck edit", deck="general", card="1")
    assert bundled.ephemeral
    assert (
        "“general” is a bundled deck" in bundled.text
        and "/deck export general, then /deck import" in bundled.text
    )
    added = await fake.slash(klass.guild, klass.teacher, "deck add-card", deck="general")
    assert "bundled deck" in added.text
    unknown = await fake.slash(klass.guild, klass.teacher, "deck edit", deck="seasons", card="the moon")
    assert "I can't find the card “the moon” in “seasons”" in unknown.text
    # /tutor is hidden from members by Discord itself; an admin showing it to everyone (Integrations) must
    # not make /tutor next a member's command: the bot's own check still refuses.
    fake.allow_command(klass.guild, "tutor", to=klass.guild.id)
    for command, options in (
        ("deck edit", {"deck": "seasons", "card": "1"}),
        ("deck add-card", {"deck": "seasons"}),
        ("deck remove-card", {"deck": "seasons", "card": "1"}),
        ("tutor next", {"card": "1"}),
    ):
        refused = await fake.slash(klass.guild, klass.students["alice"], command, options)
        assert refused.ephemeral and "Manage Server permission or the teacher role" in refused.text


async def test_a_forged_form_changes_nothing(klass: Class, fake_discord: FakeDiscord) -> None:
    """What a modified client could send: the edit form without the command, from a student, or naming
    another server's card."""
    fake = fake_discord
    other = fake.add_guild("Autre classe", channels=("general",))
    boss = fake.add_role(other, "Boss", permissions=discord.Permissions(manage_guild=True))
    stranger = fake.add_member(other, "stranger", roles=[boss])
    deck_id = await start_class(klass)
    before = await klass.store.load_deck(deck_id)
    card_id, card = before.card_ids[0], before.deck.cards[0]
    custom_id = f"teacher:edit:{card_id}:{version_of(card)}"
    values = {QUESTION: "Hacked?", ITEMS: "Nothing"}

    student = await fake.forge_modal(klass.students["alice"], klass.guild, custom_id, values)
    assert student.ephemeral and "Manage Server permission or the teacher role" in student.text
    foreign = await fake.forge_modal(stranger, other, custom_id, values)
    assert foreign.ephemeral and "This deck was removed meanwhile" in foreign.text
    added = await fake.forge_modal(stranger, other, f"teacher:add:{deck_id}", values)
    assert added.ephemeral and "Nothing was saved" in added.text
    assert await klass.store.load_deck(deck_id) == before


async def test_the_card_autocomplete_and_the_form_in_french(klass: Class, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    await start_class(klass, language="fr")
    teacher = klass.teacher
    # /tutor next offers the active deck's cards, numbered, filtered by what was typed.
    every = await fake.autocomplete(klass.guild, teacher, "tutor next", "card", card="")
    assert [c["name"] for c in every] == [
        "1. Name the four seasons.",
        "2. Name the four planets closest to the Sun.",
        "3. Name the four cardinal directions.",
    ]
    planets = await fake.autocomplete(klass.guild, teacher, "tutor next", "card", card="PLANET")
    assert [c["name"] for c in planets] == ["2. Name the four planets closest to the Sun."]
    assert planets[0]["value"] == every[1]["value"]
    # /deck edit follows the deck chosen in the same command: none for an unknown deck.
    assert await fake.autocomplete(klass.guild, teacher, "deck edit", "card", deck="nope", card="") == []

    await open_form(klass, teacher, "seasons", "2")  # a typed number is the card's number
    modal = fake.last_modal(teacher)
    assert modal.title == "Carte 2 — seasons"
    assert [i.label for i in modal.inputs] == ["Question", "Éléments\u00a0: réponse: détail | alias, alias"]
    refused = await fake.submit_modal(teacher, {ITEMS: "Mercure\n| Vénus"})
    assert refused.text.startswith("Rien n'a été enregistré\u00a0: le formulaire demande ces corrections")
    assert "La ligne 2 des éléments, «\u00a0\\| Vénus\u00a0», n'a pas de réponse" in refused.text
    assert "comme `réponse: détail | alias, alias`" in refused.text
    assert [b["label"] for b in refused.buttons] == ["Corriger le formulaire", "Annuler"]
    bundled = await fake.slash(klass.guild, teacher, "deck edit", deck="general", card="1")
    assert "«\u00a0general\u00a0» est un paquet fourni" in bundled.text
    queued = await fake.slash(klass.guild, teacher, "tutor next", card="2")
    assert queued.text.startswith(
        "La carte 2, «\u00a0Name the four planets closest to the Sun.\u00a0», est la"
    )
