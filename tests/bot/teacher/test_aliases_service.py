"""The teacher closes the loop, without Discord, on a real store: what the class typed that earned nothing,
accepting it as an alias (every stored answer re-graded, the daily question grading with it at once),
removing it, the notices told once, and what the teacher and the members read, in French and English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.daily.rules import grade_answer
from bot.decks import load_deck_bytes
from bot.decks.model import Card, Deck, Item
from bot.errors import UserError
from bot.i18n import NBSP
from bot.services import Services
from bot.store import GuildSettings, Post, Store
from bot.teacher import render
from bot.teacher.phrases import MAX_PHRASE_CHARS, count_phrases, phrase_key
from tests.support import Clock

GUILD, OTHER = 4242, 4343
SLOT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
TEACHER, ALICE, BOB, CAROL = 1, 1001, 1002, 1003
DECK = Deck(
    title="Cours 2",
    language="fr",
    cards=(
        Card(
            "Les 4 forces ?",
            (
                Item("Transparence", "tout le monde voit tout"),
                Item("Rapidité"),
                Item("Interactivité"),
                Item("Mobilisation"),
            ),
        ),
    ),
)


@pytest.fixture
def clock() -> Clock:
    return Clock(SLOT + timedelta(minutes=1))


@pytest.fixture
async def services(tmp_path: Path, clock: Clock) -> AsyncIterator[Services]:
    async with Store.open(tmp_path / "tutor.db", clock=clock) as store:
        deck_id = await store.save_deck(None, "cours-2", DECK)
        for guild in (GUILD, OTHER):
            await store.save_guild(GuildSettings(guild, channel_id=5, active_deck_id=deck_id))
        services = Services.build(store, clock)
        yield services
        await services.close()


async def posted(services: Services, guild_id: int = GUILD) -> Post:
    prepared = await services.daily.posts.prepare_post(guild_id, SLOT)
    assert prepared is not None
    return await services.daily.posts.post_sent(prepared, 5, 900 + guild_id)


async def score(services: Services, post: Post, member: int) -> float:
    answer = await services.store.get_answer(post.id, member)
    assert answer is not None
    return answer.score


def test_phrases_are_counted_once_per_reply_whatever_the_case_accents_spaces_and_punctuation() -> None:
    phrases = count_phrases(
        [
            ["pas cher", "Pas cher"],  # twice in one reply: counted once
            ["Pas  Chèr !"],
            ["PAS CHER"],
            ["clarté", "x" * (MAX_PHRASE_CHARS + 1)],  # an explanation, not a name
            ["Clarte"],
            ["rien"],
            ["…"],
        ]
    )
    assert [(p.text, p.count) for p in phrases] == [("pas cher", 3), ("clarté", 2), ("rien", 1)]
    assert phrase_key("  Pas\u00a0 Chèr ! ") == "pas cher"
    assert len(count_phrases([[f"mot{n}"] for n in range(40)])) == 25  # what a select menu can hold


async def test_the_class_phrases_accepted_as_an_alias_regrade_the_card(services: Services) -> None:
    post = await posted(services)
    elsewhere = await posted(services, OTHER)
    await services.daily.answer(GUILD, ALICE, "pas cher, rapidité")
    await services.daily.answer(GUILD, BOB, "Pas cher et clarté")
    await services.daily.answer(GUILD, CAROL, "transparence, rapidité")
    await services.daily.answer(OTHER, ALICE, "pas cher")

    loop = await services.teacher.aliases.loop(post)
    assert [(p.text, p.count) for p in loop.phrases] == [("pas cher", 2), ("clarté", 1)]
    assert loop.taught == ()

    change = await services.teacher.aliases.accept(post, "pas cher", 0, teacher_id=TEACHER)
    assert (change.alias, change.item, change.changed, change.regraded, change.raised) == (
        "pas cher",
        "Transparence",
        True,
        3,
        2,
    )
    assert [await score(services, post, m) for m in (ALICE, BOB, CAROL)] == [0.5, 0.25, 0.5]
    assert await score(services, elsewhere, ALICE) == 0.0  # another server's teacher did not teach it
    # What the class typed that is now accepted is no longer offered; the alias is listed instead.
    loop = await services.teacher.aliases.loop(post)
    assert [p.text for p in loop.phrases] == ["clarté"]
    assert [(a.alias, a.answer, a.added_by) for a in loop.taught] == [("pas cher", "Transparence", TEACHER)]

    # The same phrase again (another spelling of it) changes nothing.
    again = await services.teacher.aliases.accept(post, "PAS  CHER", 0, teacher_id=TEACHER)
    assert not again.changed and again.regraded == 0
    assert (
        render.alias_change(again, "en")
        == "“PAS CHER” already counts for **Transparence**: nothing was re-graded."
    )

    # The daily question grades with it at once (its card cache was told).
    outcome = await services.daily.answer(GUILD, 1004, "pas cher")
    assert outcome.result.score == 0.25

    removed = await services.teacher.aliases.remove(post, loop.taught[0])
    assert removed.changed and (removed.regraded, removed.lowered) == (4, 3)
    assert [await score(services, post, m) for m in (ALICE, BOB, CAROL, 1004)] == [0.25, 0.0, 0.5, 0.0]
    assert render.alias_change(removed, "fr") == (
        f"«{NBSP}pas cher{NBSP}» ne compte plus pour **Transparence**. "
        f"4 réponses corrigées à nouveau{NBSP}: 3 en baisse."
    )


async def test_members_whose_grade_went_up_are_told_once(services: Services) -> None:
    post = await posted(services)
    await services.daily.answer(GUILD, ALICE, "pas cher, rapidité")
    await services.daily.answer(GUILD, BOB, "transparence, rapidité")
    assert await services.teacher.aliases.take_notices(GUILD, ALICE) == []

    await services.teacher.aliases.accept(post, "pas cher", 0, teacher_id=TEACHER)
    notices = await services.teacher.aliases.take_notices(GUILD, ALICE)
    assert [(n.old_score, n.new_score) for n in notices] == [(0.25, 0.5)]
    assert render.regrade_notices(notices, "en") == (
        "Your answer to “Les 4 forces ?” was re-graded by your teacher: 25% → 50%."
    )
    assert render.regrade_notices(notices, "fr") == (
        f"Votre réponse à «{NBSP}Les 4 forces ?{NBSP}» a été corrigée à nouveau par votre "
        f"enseignant{NBSP}: 25{NBSP}% → 50{NBSP}%."
    )
    assert await services.teacher.aliases.take_notices(GUILD, ALICE) == []
    assert await services.teacher.aliases.take_notices(GUILD, BOB) == []  # unchanged: nothing to tell


async def test_bad_choices_are_refused_clearly(services: Services) -> None:
    post = await posted(services)
    with pytest.raises(UserError) as caught:
        await services.teacher.aliases.accept(post, "pas cher", 7, teacher_id=TEACHER)
    assert caught.value.key == "teacher.alias.unknown_item"
    assert "Run /stats again" in caught.value.message("en")
    with pytest.raises(UserError) as caught:
        await services.teacher.aliases.accept(post, " !! ", 0, teacher_id=TEACHER)
    assert caught.value.key == "teacher.alias.bad_phrase"
    assert await services.store.taught_aliases(GUILD) == []


async def test_stats_and_deck_show_list_the_loop(services: Services) -> None:
    post = await posted(services)
    await services.daily.answer(GUILD, ALICE, "pas cher, rapidité")
    await services.daily.answer(GUILD, BOB, "pas cher @everyone")
    await services.daily.answer(GUILD, CAROL, "clarté")

    view = await services.teacher.stats(GUILD, None, "en")
    shown = {field.name: field.value for field in render.stats(view, "en").fields}
    assert shown["Typed by the class, earned nothing"].splitlines()[:2] == ["“pas cher” ×2", "“clarté” ×1"]
    assert "Aliases accepted for this question" not in shown

    await services.teacher.aliases.accept(post, "pas cher", 0, teacher_id=TEACHER)
    view = await services.teacher.stats(GUILD, None, "fr")
    shown = {field.name: field.value for field in render.stats(view, "fr").fields}
    assert shown["Alias acceptés pour cette question"] == f"«{NBSP}pas cher{NBSP}» → Transparence"
    assert (
        view.loop is not None
        and render.phrase_option(view.loop.phrases[0], "fr") == f"«{NBSP}clarté{NBSP}» ×1"
    )

    info, deck = await services.teacher.deck(GUILD, "cours-2")
    taught = await services.teacher.deck_aliases(GUILD, info)
    for_teacher = render.deck_show(info, deck, answers=True, lang="en", taught=taught)
    assert [(f.name, f.value) for f in for_teacher.fields] == [
        ("Aliases accepted by this server's teachers", "1. Transparence: pas cher")
    ]
    assert render.deck_show(info, deck, answers=False, lang="en", taught=taught).fields == ()
    assert await services.teacher.deck_aliases(OTHER, info) == []


async def test_practice_and_the_quiz_of_the_guild_credit_the_accepted_alias_too(services: Services) -> None:
    post = await posted(services)
    await services.teacher.aliases.accept(post, "pas cher", 0, teacher_id=TEACHER)
    # Revealed: the daily question's card is no longer kept out of practice and quizzes.
    await services.store.mark_revealed(post.id, SLOT)
    for guild_id, aliases in ((GUILD, ("pas cher",)), (OTHER, ())):
        playable = await services.decks.playable(guild_id, None, "quiz")
        assert playable.stored.deck.cards[0].items[0].aliases == aliases


async def test_an_answer_graded_against_the_card_read_before_the_change_is_caught_up(
    services: Services,
) -> None:
    aliases = services.teacher.aliases
    post = await posted(services)
    assert post.card_id is not None
    stale = await services.daily.card(post.card_id, GUILD)  # another process's cache, say
    assert stale is not None
    await aliases.accept(post, "pas cher", 0, teacher_id=TEACHER)
    # Graded against the card as it was, recorded after the re-grading.
    grade = grade_answer(stale, "pas cher, rapidité")
    await services.store.record_answer(post.id, ALICE, "pas cher, rapidité", grade.matched, grade.score, SLOT)
    assert await score(services, post, ALICE) == 0.25

    await aliases.catch_up_now()
    assert await score(services, post, ALICE) == 0.5
    assert [(n.old_score, n.new_score) for n in await aliases.take_notices(GUILD, ALICE)] == [(0.25, 0.5)]


async def test_the_deck_export_of_a_guild_carries_the_aliases_its_teachers_accepted(
    services: Services,
) -> None:
    post = await posted(services)
    await services.daily.answer(GUILD, ALICE, "pas cher")
    await services.teacher.aliases.accept(post, "pas cher", 0, teacher_id=TEACHER)

    _info, exported = await services.teacher.export(GUILD, "cours-2")
    items = load_deck_bytes(exported.encode(), "cours-2.yaml").cards[0].items
    assert items[0].answer == "Transparence" and "pas cher" in items[0].aliases
    _info, elsewhere = await services.teacher.export(OTHER, "cours-2")  # another server did not teach it
    assert "pas cher" not in load_deck_bytes(elsewhere.encode(), "cours-2.yaml").cards[0].items[0].aliases
