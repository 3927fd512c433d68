"""``/practice`` end to end: the real bot against the fake Discord, on a real SQLite file.

A session answered through the modal (found, missed with details, score), Next and Stop, a session carried
across a restart of the bot (and one that expired meanwhile), an unknown or empty deck, deck autocomplete,
French, and nothing ever pings.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.decks import Card, Deck, Item, load_deck
from bot.runner import TutorBot
from bot.store import Store
from tests.fakediscord import FakeDiscord, Guild, InteractionResult, Member
from tests.fakediscord.fixtures import BotStarter
from tests.support import Clock

ROOT = Path(__file__).resolve().parents[2]
COURS_2 = ROOT / "data" / "decks" / "cours-2.yaml"
Q1 = "Quels sont les avantages d’intégrer les médias sociaux"
Q2 = "Quels sont les défis de l’intégration des médias sociaux ?"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tutor.db"


@pytest.fixture
async def stocked(db: Path) -> Path:
    """The database with the bundled deck, as the bot has it after start-up."""
    async with Store.open(db) as store:
        await store.save_deck(None, "cours-2", load_deck(COURS_2))
    return db


def make_bot(db: Path) -> TutorBot:
    return TutorBot(
        extensions=["cogs.practice"],
        open_store=lambda: Store.open(db),
        command_hash_path=db.with_suffix(".commands.json"),
    )


def rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def stored(db: Path) -> tuple[int, int, int]:
    return rows(db, "practice_sessions"), rows(db, "practice_answers"), rows(db, "reviews")


def question_text(message: object) -> str:
    """The question a practice message shows (its bold line)."""
    description = message.embed["description"]  # type: ignore[attr-defined]
    return next(line for line in description.split("\n") if line.startswith("**") and line.endswith("**"))


def labels(result: InteractionResult) -> list[str]:
    return [button["label"] for button in result.message.buttons]


def assert_private_and_silent(*results: InteractionResult) -> None:
    for result in results:
        message = result.message
        assert message.ephemeral, f"{result} is not private"
        assert not message.pings.any, f"{result} pings someone"
        assert message.allowed_mentions is None or message.allowed_mentions.get("parse") == []


async def answer(fake: FakeDiscord, member: Member, message: object, text: str) -> InteractionResult:
    button = next(b for b in fake.message(message).buttons if b["custom_id"].startswith("practice:answer:"))
    opened = await fake.click(member, message, button["custom_id"])
    assert opened.kind == "modal"
    return await fake.submit_modal(member, {opened.modal.inputs[0].custom_id: text})


@pytest.fixture
def guild(fake_discord: FakeDiscord) -> Guild:
    return fake_discord.add_guild("Classe", channels=("general",))


@pytest.fixture
def alice(fake_discord: FakeDiscord, guild: Guild) -> Member:
    return fake_discord.add_member(guild, "alice")


# ------------------------------------------------------------------------------------------------ a session


async def test_a_session_with_feedback_next_and_stop(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    await start_bot(make_bot(stocked))
    start = await fake.slash(guild, alice, "practice", count=3)
    assert start.kind == "message"
    assert start.embed["title"] == "Question 1/3 — Cours 2 — Les médias sociaux en entreprise"
    assert "0 due for review, 3 new" in start.embed["description"]
    assert Q1 in start.embed["description"]
    assert start.embed["footer"]["text"] == "8 items expected"
    assert labels(start) == ["Answer", "I don't know — show me", "Stop"]
    post = start.message

    opened = await fake.click(alice, post, label="Answer")
    modal = opened.modal
    assert modal.title == "Question 1/3"
    assert [(i.label, i.style, i.placeholder) for i in modal.inputs] == [
        ("Your answer", 2, "8 items, one per line")
    ]
    graded = await modal.submit({"Your answer": "viralité\nmonitoring\nrecrutement\n@everyone pizza"})
    assert graded.kind == "update message" and graded.message is post  # the same private message
    feedback = post.embed
    assert feedback["title"] == "Question 1/3: 3/8 (38%)"
    text = feedback["description"]
    assert "**Found (3)**" in text
    assert "✓ **Viral** ← “viralité” (an accepted alternative)" in text
    assert "✓ **Monitoring** ← “monitoring”" in text and "✓ **Recrutement** ← “recrutement”" in text
    assert "**Missed (5)**" in text
    assert (
        "✗ **Des milliers d’internautes** — Une audience immense, des milliers de personnes rejointes."
        in text
    )
    assert "✗ **Sentiment d’appartenance** — Les employés et les clients" in text
    assert "These parts matched nothing" in text and "· pizza" in text
    assert "Score: 3/8 (38%)" in text
    assert "+4 points · your practice total: 4 points" in text
    assert "You will see this card again <t:" in text
    assert labels(graded) == ["Next", "Stop"]

    nxt = await fake.click(alice, post, label="Next")
    assert nxt.kind == "update message"
    assert post.embed["title"].startswith("Question 2/3") and Q2 in post.embed["description"]
    assert labels(nxt) == ["Answer", "I don't know — show me", "Stop"]

    await answer(fake, alice, post, "rester authentique, accepter la critique")
    assert post.embed["title"] == "Question 2/3: 2/6 (33%)"
    stop = await fake.click(alice, post, label="Stop")
    assert stop.kind == "update message" and post.components == []
    assert post.embed["title"] == "Practice over — Cours 2 — Les médias sociaux en entreprise"
    assert (
        "2 of 3 questions answered, average 35%, best 38%. Points earned: 7 points."
        in post.embed["description"]
    )
    assert_private_and_silent(start, graded, nxt, stop)

    async with Store.open(stocked) as store:
        assert await store.practice_totals(guild.id, alice.id) == (7, 2)
        assert await store.load_practice_session(guild.id, alice.id) is None
        daily = await store.leaderboard(guild.id, "all", now=datetime.now(UTC), tz=UTC)
        assert daily.rows == ()  # practice points stay out of the daily competition


async def test_the_last_answer_shows_the_summary(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    await start_bot(make_bot(stocked))
    start = await fake.slash(guild, alice, "practice", count=1)
    everything = (
        "des milliers d'internautes, viral, monitoring, faibles coûts, relation client, évolution techno, "
        "appartenance, recrutement"
    )
    graded = await answer(fake, alice, start.message, everything)
    titles = [embed["title"] for embed in graded.message.embeds]
    assert titles == [
        "Question 1/1: 8/8 (100%)",
        "Practice over — Cours 2 — Les médias sociaux en entreprise",
    ]
    assert "Nothing missed. Well done!" in graded.message.text
    assert graded.message.components == []  # no Next after the last card
    assert stored(stocked) == (0, 1, 1)


async def test_a_second_modal_for_the_same_card_is_refused(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    await start_bot(make_bot(stocked))
    post = (await fake.slash(guild, alice, "practice", count=2)).message
    first = (await fake.click(alice, post, label="Answer")).modal
    second = (await fake.click(alice, post, label="Answer")).modal  # opened twice before answering
    await first.submit({"Your answer": "viral"})
    again = await second.submit({"Your answer": "viral, monitoring"})
    assert again.kind == "message" and again.ephemeral
    assert again.content == "You already answered this question. Press Next to go on."
    assert stored(stocked)[1] == 1


# ------------------------------------------------------------------------------------------------ restarts


async def test_a_session_resumes_after_a_restart(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    first = await start_bot(make_bot(stocked))
    post = (await fake.slash(guild, alice, "practice", count=3)).message
    await answer(fake, alice, post, "viral")
    await start_bot.stop(first)

    await start_bot(make_bot(stocked))  # a new process on the same database
    nxt = await fake.click(alice, post, label="Next")
    assert nxt.kind == "update message"
    assert post.embed["title"].startswith("Question 2/3") and Q2 in post.embed["description"]
    # A modal opened before a restart is still graded after it.
    modal = (await fake.click(alice, post, label="Answer")).modal
    await start_bot.stop_all()
    await start_bot(make_bot(stocked))
    graded = await modal.submit({"Your answer": "accepter la critique"})
    assert graded.kind == "update message" and graded.message.embed["title"] == "Question 2/3: 1/6 (17%)"
    assert labels(graded) == ["Next", "Stop"]
    assert stored(stocked) == (1, 2, 2)


async def test_an_idle_session_says_clearly_that_it_expired(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    first = await start_bot(make_bot(stocked))
    post = (await fake.slash(guild, alice, "practice", count=3)).message
    await start_bot.stop(first)

    second = await start_bot(make_bot(stocked))
    later = datetime.now(UTC) + timedelta(hours=2)
    second.services.practice.clock = lambda: later
    expired = await fake.click(alice, post, label="Answer")
    assert expired.kind == "update message"
    assert post.content == (
        "This practice session expired: it was left alone for more than 60 minutes. Your answers were kept. "
        "Start a new session with /practice."
    )
    assert post.embeds == [] and post.components == []
    assert stored(stocked) == (0, 0, 0)


async def test_an_old_message_of_a_replaced_session_says_it_ended(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    await start_bot(make_bot(stocked))
    old = (await fake.slash(guild, alice, "practice")).message
    await fake.slash(guild, alice, "practice")
    ended = await fake.click(alice, old, label="Answer")
    assert old.content == "This practice session has ended. Start a new one with /practice."
    assert_private_and_silent(ended)


# ------------------------------------------------------------------------------------------------ bad input


async def test_unknown_and_empty_decks_get_a_clear_private_message_and_change_nothing(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    async with Store.open(stocked) as store:
        await store.save_deck(guild.id, "vide", Deck(title="Vide", cards=(Card("Rien ?", ()),)))
    await start_bot(make_bot(stocked))
    before = stored(stocked)

    unknown = await fake.slash(guild, alice, "practice", deck=f"**cours** <@{alice.id}> @everyone")
    assert unknown.content.startswith("There is no deck called “\\*\\*cours\\*\\* <@\u200b")
    assert "@\u200beveryone" in unknown.content and "leave the deck out" in unknown.content
    assert unknown.message.components == []

    empty = await fake.slash(guild, alice, "practice", deck="vide")
    assert empty.content == "The deck “vide” has no question to practise yet (no card lists any item)."
    assert_private_and_silent(unknown, empty)
    assert stored(stocked) == before == (0, 0, 0)


async def test_no_deck_at_all(
    fake_discord: FakeDiscord, start_bot: BotStarter, db: Path, guild: Guild, alice: Member
):
    bot = await start_bot(make_bot(db))
    for bundled in await bot.store.list_decks(None):  # the bot stores the shipped decks at start-up
        await bot.store.remove_deck(None, bundled.name)
    res = await fake_discord.slash(guild, alice, "practice")
    assert res.content.startswith("There is no deck to practise on this server yet.")
    assert_private_and_silent(res)


async def test_deck_autocomplete_offers_guild_and_bundled_decks(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    async with Store.open(stocked) as store:
        await store.save_deck(guild.id, "anglais", Deck(title="English", cards=(Card("Q?", (Item("a"),)),)))
        await store.save_deck(
            12345, "autre-serveur", Deck(title="Ailleurs", cards=(Card("Q?", (Item("a"),)),))
        )
    await start_bot(make_bot(stocked))
    everything = await fake_discord.autocomplete(guild, alice, "practice", "deck")
    assert [c["value"] for c in everything] == ["anglais", "cours-2"]
    assert everything[1]["name"] == "cours-2 — Cours 2 — Les médias sociaux en entreprise"
    by_title = await fake_discord.autocomplete(guild, alice, "practice", "deck", deck="médias")
    assert [c["value"] for c in by_title] == ["cours-2"]


# ------------------------------------------------------------------------------------------------ French


async def test_a_session_in_french(fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path):
    fake = fake_discord
    classe = fake.add_guild("Classe", locale="fr")
    eleve = fake.add_member(classe, "eleve", locale="fr")
    await start_bot(make_bot(stocked))
    start = await fake.slash(classe, eleve, "practice", count=2)
    assert start.embed["title"] == "Question 1/2 — Cours 2 — Les médias sociaux en entreprise"
    assert (
        "(0 à revoir, 2 nouvelles, 0 revue en avance)" in start.embed["description"]
    )  # French: 0 is singular
    assert start.embed["footer"]["text"] == "8 éléments attendus"
    assert labels(start) == ["Répondre", "Je ne sais pas — montrez-moi", "Arrêter"]
    opened = await fake.click(eleve, start.message, label="Répondre")
    assert [i.label for i in opened.modal.inputs] == ["Votre réponse"]
    graded = await opened.modal.submit({"Votre réponse": "viral et monitoring"})
    text = graded.message.embed["description"]
    assert "**Trouvés (2)**" in text and "✓ **Viral** ← «\u00a0viral\u00a0»" in text
    assert "**Manqués (6)**" in text and "Résultat\u00a0: 2/8 (25\u00a0%)" in text
    assert labels(graded) == ["Suivante", "Arrêter"]
    stop = await fake.click(eleve, start.message, label="Arrêter")
    assert stop.message.embed["title"].startswith("Pratique terminée")
    assert fake.global_commands["practice"]["description_localizations"]["fr"].startswith("S'exercer seul")
    assert_private_and_silent(start, graded, stop)


# --------------------------------------------------------------------- I don't know, mistakes, the summary


@pytest.mark.parametrize(
    ("locale", "idk", "gave_up", "weakest", "next_due"),
    [
        ("en-US", "I don't know — show me", "You asked to see the answer", "To review first", "Next review"),
        ("fr", "Je ne sais pas — montrez-moi", "Vous avez demandé la réponse", "À revoir en premier",
         "Prochaine révision"),
    ],
)  # fmt: skip
async def test_i_dont_know_shows_everything_and_counts_as_a_miss(
    fake_discord: FakeDiscord,
    start_bot: BotStarter,
    stocked: Path,
    locale: str,
    idk: str,
    gave_up: str,
    weakest: str,
    next_due: str,
):
    fake = fake_discord
    classe = fake.add_guild("Classe", locale=locale)
    member = fake.add_member(classe, "eleve", locale=locale)
    await start_bot(make_bot(stocked))
    start = await fake.slash(classe, member, "practice", count=2)
    post = start.message
    # The form carries the question itself.
    opened = await fake.click(member, post, label=labels(start)[0])
    assert Q1 in opened.modal.text

    shown = await fake.click(member, post, label=idk)
    assert shown.kind == "update message" and shown.message is post
    text = post.embed["description"]
    assert gave_up in text
    # Every item, with its details, as after a wrong answer.
    assert "Des milliers d’internautes** — Une audience immense" in text and text.count("✗ **") == 8
    assert post.embed["title"].endswith("0/8 (0%)") or post.embed["title"].endswith("0/8 (0\u00a0%)")
    async with Store.open(stocked) as store:
        assert await store.practice_totals(classe.id, member.id) == (0, 1)  # a miss: no points
        (review,) = await store.deck_reviews(member.id, (await store.find_deck(classe.id, "cours-2")).id)
        assert review.reviews == 1 and review.due - datetime.now(UTC) < timedelta(
            hours=1
        )  # back soon: a fail
    # The form left open before is now for an answered card: refused, not graded twice.
    late = await opened.modal.submit({opened.modal.inputs[0].custom_id: "viral"})
    assert late.ephemeral and late.kind == "message"

    await fake.click(member, post, label=labels(shown)[0])  # Next
    await answer(fake, member, post, "rester authentique, accepter la critique")
    summary = post.embeds[-1]["description"]
    # The weakest cards first (the one given up on: 0%), and when the deck's next review is due.
    assert weakest in summary
    lines = summary.split("\n")
    first = lines.index(next(line for line in lines if weakest in line)) + 1
    assert lines[first].startswith("• Quels sont les avantages") and lines[first].endswith(("0%", "0\u00a0%"))
    assert lines[first + 1].startswith("• Quels sont les défis")
    assert next_due in summary and "<t:" in summary
    assert_private_and_silent(start, shown)


async def test_practising_the_cards_got_wrong_most_recently(
    fake_discord: FakeDiscord, start_bot: BotStarter, stocked: Path, guild: Guild, alice: Member
):
    fake = fake_discord
    clock = Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    await start_bot(
        TutorBot(
            extensions=["cogs.practice"],
            open_store=lambda: Store.open(stocked, clock=clock),
            command_hash_path=stocked.with_suffix(".commands.json"),
            clock=clock,
        )
    )
    nothing = await fake.slash(guild, alice, "practice", mode="mistakes")
    assert nothing.ephemeral and "You have no mistakes to practise on “cours-2”" in nothing.text

    start = await fake.slash(guild, alice, "practice", count=3)
    post = start.message
    await fake.click(alice, post, label="I don't know — show me")  # card 1: wrong
    await fake.click(alice, post, label="Next")
    second = question_text(post)
    clock.at(60)
    await answer(fake, alice, post, "rien du tout")  # card 2: wrong, a minute later
    await fake.click(alice, post, label="Next")
    await fake.click(alice, post, label="Stop")

    again = await fake.slash(guild, alice, "practice", mode="mistakes")
    assert "2 questions you got wrong most recently" in again.embed["description"]
    assert question_text(again.message) == second  # the latest mistake first
    await answer(fake, alice, again.message, "toujours rien")
    nxt = await fake.click(alice, again.message, label="Next")
    assert Q1 in nxt.message.embed["description"]
    # French names for the mode's choices.
    mode = next(o for o in fake.global_commands["practice"]["options"] if o["name"] == "mode")
    assert [c["name_localizations"]["fr"] for c in mode["choices"]] == ["Répétition espacée", "Mes erreurs"]
