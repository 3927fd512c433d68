"""/stats and /deck end to end: the real bot against the fake Discord, with a temporary database.

A class with a teacher (Manage Server), an assistant (the configured teacher role only) and students. The
guild's active deck is its own ``cours-2``; the bundled ``cours-2`` from data/decks is also stored. Scores are
seeded through the store API with fixed times; the bot's clock is Thursday 7 March 2024, 15:00 UTC.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.decks import Card, Deck, Item, load_deck_bytes
from bot.i18n import NBSP
from bot.runner import TutorBot
from bot.store import GuildSettings, Store, StoreError
from tests.fakediscord import ClientRefused, FakeDiscord, Guild, InteractionResult, Member
from tests.fakediscord.fixtures import BotStarter, DiscordProblems

NOW = datetime(2024, 3, 7, 15, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"
NOT_ALLOWED = "You can't do that: it needs the Manage Server permission or the teacher role."

DECK = Deck(
    title="Cours 2 — les forces",
    cards=(
        Card(
            "Les 4 forces ?",
            (
                Item("Transparence", "tout se voit"),
                Item("Rapidité"),
                Item("Interactivité"),
                Item("Mobilisation"),
            ),
        ),
        Card("Qui ? Quoi ?", (Item("Qui"), Item("Quoi"))),
    ),
)
NOTES = (
    "Cours 3 — Stratégie @everyone\n"
    "Les 3 forces de l'identité ?\n- Connexion: se connecter\n- Preuve\n- Cohérence\n- Historique\n"
    "Qui fait quoi ?\n- Le **gestionnaire**\n- La direction\n"
).encode()


@dataclass
class Class:
    fake: FakeDiscord
    guild: Guild
    bot: TutorBot
    store: Store
    teacher: Member
    assistant: Member
    students: list[Member]
    deck_id: int

    async def run(self, user: Member, command: str, **options: object) -> InteractionResult:
        result = await self.fake.slash(self.guild, user, command, **options)
        return checked(result)

    async def click(self, user: Member, result: InteractionResult, label: str) -> InteractionResult:
        """Click a button of a command's response; after a deferred update, wait for the message's edit."""
        message = result.message
        edits = len(message.edits)
        click = await self.fake.click(user, message, label=label)
        if click.kind == "deferred update":
            await self.fake.wait_until(lambda: len(message.edits) > edits, what="the edit after the click")
        return checked(click)

    async def decks(self) -> list[tuple[int | None, str, int]]:
        return [(d.guild_id, d.name, d.card_count) for d in await self.store.list_decks(self.guild.id)]


def checked(result: InteractionResult) -> InteractionResult:
    assert not result.rejected, result.rejected
    for message in result.messages:
        assert not message.pings.any, message
    return result


@pytest.fixture
async def klass(fake_discord: FakeDiscord, start_bot: BotStarter, tmp_path: Path) -> Class:
    fake = fake_discord
    guild = fake.add_guild("Classe", channels=("general",))
    prof = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
    helpers = fake.add_role(guild, "Assistants")
    teacher = fake.add_member(guild, "teacher", roles=[prof])
    assistant = fake.add_member(guild, "assistant", roles=[helpers])
    students = [fake.add_member(guild, f"student{n}") for n in range(3)]
    fake.allow_command(guild, "stats", to=helpers)  # what the README asks of the admin (Integrations)
    db = tmp_path / "tutor.db"
    bot = TutorBot(
        extensions=["cogs.teacher"],
        open_store=lambda: Store.open(db, clock=lambda: NOW),
        command_hash_path=tmp_path / "commands.json",
        clock=lambda: NOW,
    )
    await start_bot(bot)
    store: Store = bot.store
    deck_id = await store.save_deck(guild.id, "cours-2", DECK)
    await store.save_guild(
        GuildSettings(
            guild.id,
            channel_id=5,
            timezone="America/Montreal",
            active_deck_id=deck_id,
            language="en",
            teacher_role_id=helpers.id,
        )
    )
    return Class(fake, guild, bot, store, teacher, assistant, students, deck_id)


async def seed_posts(klass: Class) -> list[int]:
    """Two posts: Tuesday's (closed, 2 answers) and Thursday's (open, 3 answers); returns their ids."""
    cards = (await klass.store.load_deck(klass.deck_id)).card_ids
    ids = []
    for day, card in ((5, cards[1]), (7, cards[0])):
        slot = datetime(2024, 3, day, 13, 0, tzinfo=UTC)
        claim = await klass.store.claim_post(klass.guild.id, slot, card, closes_at=slot + timedelta(hours=24))
        ids.append((await klass.store.set_post_message(claim.post.id, 5, 90_000 + day, slot)).id)
    tuesday, thursday = ids
    at = datetime(2024, 3, 5, 14, tzinfo=UTC)
    await klass.store.record_answer(tuesday, klass.students[0].id, "qui quoi", [0, 1], 1.0, at)
    await klass.store.record_answer(tuesday, klass.students[1].id, "qui", [0], 0.5, at)
    at = datetime(2024, 3, 7, 14, tzinfo=UTC)
    # Everybody finds Transparence, two find Rapidité, nobody Mobilisation: the class forgets it.
    for student, matched in zip(klass.students, ([0, 1, 2], [0, 1], [0]), strict=True):
        await klass.store.record_answer(thursday, student.id, "…", matched, len(matched) / 4, at)
    return ids


def fields(result: InteractionResult) -> dict[str, str]:
    embed = result.message.embed
    assert embed is not None
    return {field["name"]: field["value"] for field in embed.get("fields", ())}


# ---------------------------------------------------------------------------------------------- /deck import


async def test_import_shows_a_preview_and_saves_only_on_confirm(klass: Class):
    before = await klass.decks()
    preview = await klass.run(klass.teacher, "deck import", file=("Cours 3 **final**.txt", NOTES))
    assert preview.ephemeral and preview.kind == "deferred message"
    embed = preview.message.embed
    assert embed["title"] == "Import preview — Cours 3 — Stratégie @\u200beveryone"
    description = embed["description"]
    assert (
        "From **Cours 3 \\*\\*final\\*\\*.txt**, as the deck “cours-3-final”: 2 cards, 6 items."
        in description
    )
    assert "Nothing is saved until you confirm." in description
    assert "from the file name, in lower-case letters, digits and dashes: “cours-3-final”" in description
    assert "1. Les 3 forces de l'identité ? — 4 items" in description
    assert "2. Qui fait quoi ? — 2 items" in description
    assert fields(preview) == {
        "Language": "French",
        # Grouped under the card it concerns.
        "Warnings to review (1)": (
            "**Card 1** — Les 3 forces de l'identité ?\n"
            "  Line 2: the question announces 3 answers but 4 were found"
        ),
    }
    assert [b["label"] for b in preview.message.buttons] == ["Save the deck", "Cancel"]
    assert await klass.decks() == before  # nothing stored before Confirm

    saved = await klass.click(klass.teacher, preview, "Save the deck")
    assert saved.kind == "deferred update"
    assert preview.message.content == (
        "Deck “cours-3-final” saved: 2 cards. Use it with /tutor setup, /practice or /quiz."
    )
    assert not preview.message.embeds and not preview.message.buttons
    stored = await klass.store.find_deck(klass.guild.id, "cours-3-final")
    assert stored is not None and stored.card_count == 2
    deck = (await klass.store.load_deck(stored.id)).deck
    assert deck.cards[1].items[0].answer == "Le **gestionnaire**"  # stored as typed, escaped when shown

    # The same file again replaces the deck; re-importing the active deck says the next questions use it.
    again = await klass.run(klass.teacher, "deck import", file=("cours-3-final.yaml", _yaml(deck)))
    assert "This replaces this server's deck “cours-3-final” (2 cards)." in again.message.embed["description"]
    assert "from the file name" not in again.message.embed["description"]
    active = await klass.run(klass.assistant, "deck import", file=("cours-2.csv", b"Les 4 forces ?,A|B\n"))
    assert "This replaces this server's deck “cours-2” (2 cards)." in active.message.embed["description"]
    await klass.click(klass.assistant, active, "Save the deck")
    assert active.message.content.startswith("Deck “cours-2” saved: 1 card. It is this server's active deck")
    assert (
        await klass.store.get_guild(klass.guild.id)
    ).active_deck_id == klass.deck_id  # same deck, new cards


def _yaml(deck: Deck) -> bytes:
    from bot.decks import dump_deck

    return dump_deck(deck).encode()


async def test_cancel_stores_nothing_and_others_cannot_click(klass: Class):
    before = await klass.decks()
    preview = await klass.run(klass.teacher, "deck import", file=("bundled-name.txt", NOTES))
    cancelled = await klass.click(klass.teacher, preview, "Cancel")
    assert cancelled.kind == "update message"
    assert preview.message.content == "Cancelled. Nothing was changed." and not preview.message.buttons
    assert await klass.decks() == before

    # A guild deck named like a bundled one: the preview says this server will use its own.
    await klass.store.save_deck(None, "cours-2-bundled", DECK)
    shadow = await klass.run(klass.teacher, "deck import", file=("cours-2-bundled.txt", NOTES))
    assert "A bundled deck is also called “cours-2-bundled”" in shadow.message.embed["description"]


@pytest.mark.parametrize(
    ("filename", "data", "immediate", "expected"),
    [
        (
            "huge.txt",
            b"Q ?\n- a\n" * 130_000,
            True,
            "**huge.txt** is 1.04 MB; a deck may be at most 1 MB. Split the course into several decks.",
        ),
        ("slides.pdf", b"%PDF-1.7", True, "**slides.pdf**: I can only import .txt or .md course notes"),
        (
            "photo.txt",
            PNG + b"\x00\x00\x00\rIHDR",
            False,
            "**photo.txt** is not a deck I can import: this is an image, not a text deck",
        ),
        (
            "unicode.txt",
            b"\xff\xfe" + "Question ?\n- a\n".encode("utf-16-le") + b"\x00\xd8",
            False,
            "**unicode.txt**, line 3, is not a deck I can import: the file says it is UTF-16 but is not",
        ),
        ("empty.csv", b"\n\n", False, "**empty.csv** is not a deck I can import: the file is empty"),
        (
            "essay.txt",
            b"Hello,\nthis is an essay\n",
            False,
            "**essay.txt** is not a deck I can import: no question",
        ),
        (
            "deck.yaml",
            b"title: x\ncards:\n  - question: Q?\n",
            False,
            "**deck.yaml**, line 3, is not a deck I can import: card 1 ('Q?') has no items",
        ),
        (
            "@everyone.txt",
            b"\x00",
            False,
            "**@\u200beveryone.txt** is not a deck I can import: this is a binary file",
        ),
    ],
)
async def test_bad_files_get_a_private_message_and_change_nothing(
    klass: Class, filename: str, data: bytes, immediate: bool, expected: str
):
    before = await klass.decks()
    result = await klass.run(klass.teacher, "deck import", file=(filename, data))
    assert result.ephemeral
    assert result.kind == ("message" if immediate else "deferred message")  # too big: not even downloaded
    assert result.message.content.startswith(expected), result.message.content
    assert result.message.content.endswith("Nothing was saved.")
    assert not result.message.buttons
    assert await klass.decks() == before


# ------------------------------------------------------------------------------------- who may do what


async def test_teacher_only_commands_refuse_students(klass: Class):
    await seed_posts(klass)
    before = await klass.decks()
    student = klass.students[0]
    # Discord hides /stats from members without Manage Server; /deck stays visible (list and show are for
    # everyone, and Discord sets default_member_permissions on top-level commands only).
    manage_server = discord.Permissions(manage_guild=True).value
    assert int(klass.fake.global_commands["stats"]["default_member_permissions"]) == manage_server
    assert klass.fake.global_commands["deck"].get("default_member_permissions") is None
    with pytest.raises(ClientRefused, match="hidden from student0"):
        await klass.run(student, "stats")
    # The bot's own check refuses what Discord shows.
    for command, options in (
        ("deck import", {"file": ("x.txt", NOTES)}),
        ("deck export", {"name": "cours-2"}),
        ("deck remove", {"name": "cours-2"}),
    ):
        refused = await klass.run(student, command, **options)
        assert refused.ephemeral and refused.text == NOT_ALLOWED, command
    klass.fake.allow_command(klass.guild, "stats", to=klass.guild.id)  # an admin shows /stats to @everyone
    refused = await klass.run(student, "stats")
    assert refused.ephemeral and refused.text == NOT_ALLOWED  # ...which makes nobody a teacher
    assert await klass.decks() == before
    # The configured teacher role is enough, without Manage Server (the admin showed it /stats).
    assert (await klass.run(klass.assistant, "stats")).message.embed is not None
    # Everyone may list and read decks.
    assert (await klass.run(student, "deck list")).ephemeral


# ------------------------------------------------------------------------------------ list, show, export


async def test_list_show_and_export(klass: Class):
    listing = await klass.run(klass.students[0], "deck list")
    assert listing.ephemeral and listing.message.embed["title"] == "Decks"
    found = fields(listing)
    assert found["This server's decks"] == "“cours-2” — Cours 2 — les forces (2 cards) ✅ active"
    assert found["Bundled decks"].startswith("“cours-2” — ")

    hidden = await klass.run(klass.students[0], "deck show", name="cours-2")
    text = hidden.message.embed["description"]
    assert hidden.ephemeral and hidden.message.embed["title"] == "Cours 2 — les forces"
    assert text.startswith("This server's deck “cours-2” · 2 cards · French\nOnly teachers see the answers.")
    assert "1. Les 4 forces ? — 4 items" in text and "Transparence" not in text
    shown = await klass.run(klass.assistant, "deck show", name="cours-2")
    assert (
        "1. Les 4 forces ? — 4 items\n  Transparence · Rapidité · Interactivité · Mobilisation"
        in (shown.message.embed["description"])
    )

    exported = await klass.run(klass.teacher, "deck export", name="cours-2")
    assert exported.ephemeral and exported.content.startswith("The deck “cours-2” as YAML (2 cards).")
    (attachment,) = exported.message.attachments
    assert attachment.filename == "cours-2.yaml"
    reloaded = load_deck_bytes(attachment.data, attachment.filename)
    assert [(c.question, c.items) for c in reloaded.cards] == [(c.question, c.items) for c in DECK.cards]

    choices = await klass.fake.autocomplete(klass.guild, klass.teacher, "deck show", "name", name="cours")
    assert [c["value"] for c in choices] == ["cours-2"]  # the guild's deck shadows the bundled one


async def test_deck_names_with_markdown_or_mentions_are_refused(klass: Class):
    for command in ("deck show", "deck export", "deck remove"):
        for typed, shown in (("@everyone", "@\u200beveryone"), ("**cours-2**", "\\*\\*cours-2\\*\\*")):
            refused = await klass.run(klass.teacher, command, name=typed)
            assert refused.ephemeral and refused.text.startswith(f"“{shown}” is not a deck name"), (
                refused.text
            )
    unknown = await klass.run(klass.teacher, "deck show", name="cours-9")
    assert unknown.text == "There is no deck called “cours-9”. Use /deck list to see the decks."


# ---------------------------------------------------------------------------------------------- /deck remove


async def test_remove_asks_first_and_refuses_active_and_bundled_decks(klass: Class):
    active = await klass.run(klass.teacher, "deck remove", name="cours-2")
    assert active.ephemeral and active.text.startswith("“cours-2” is this server's active deck")
    await klass.store.save_deck(None, "anglais", DECK)
    bundled = await klass.run(klass.teacher, "deck remove", name="anglais")
    assert bundled.text.startswith("“anglais” is a bundled deck")

    await klass.store.save_deck(klass.guild.id, "old-notes", DECK)
    ask = await klass.run(klass.teacher, "deck remove", name="old-notes")
    assert ask.text.startswith("Remove the deck “old-notes” (2 cards)?")
    await klass.click(klass.teacher, ask, "Cancel")
    assert await klass.store.find_deck(klass.guild.id, "old-notes") is not None

    ask = await klass.run(klass.teacher, "deck remove", name="old-notes")
    done = await klass.click(klass.teacher, ask, "Remove")
    assert done.kind == "update message" and ask.message.content == "Deck “old-notes” removed."
    assert await klass.store.find_deck(klass.guild.id, "old-notes") is None

    # Made the active deck between the question and the click: still refused, nothing removed.
    other = await klass.store.save_deck(klass.guild.id, "next-term", DECK)
    ask = await klass.run(klass.teacher, "deck remove", name="next-term")
    await klass.store.update_guild(klass.guild.id, active_deck_id=other)
    await klass.click(klass.teacher, ask, "Remove")
    assert ask.message.content.startswith("“next-term” is this server's active deck")
    assert await klass.store.find_deck(klass.guild.id, "next-term") is not None


# ---------------------------------------------------------------------------------------------- /stats


async def test_stats_of_the_last_question_with_a_chart(klass: Class):
    nothing = await klass.run(klass.teacher, "stats")
    assert nothing.ephemeral and nothing.text.startswith("No question has been posted on this server yet")

    tuesday, _ = await seed_posts(klass)
    result = await klass.run(klass.teacher, "stats")
    assert result.ephemeral and result.kind == "deferred message"
    embed = result.message.embed
    assert embed["title"] == "Statistics — Les 4 forces ?"
    assert (
        embed["description"].startswith("Posted <t:") and "open for answers until <t:" in embed["description"]
    )
    found = fields(result)
    assert found["Participants"] == "3" and found["Average score"] == "50%"
    assert found["Hit rate of each item"].split("\n") == [
        "100% — Transparence (3/3)",
        "67% — Rapidité (2/3)",
        "33% — Interactivité (1/3)",
        "0% — Mobilisation (0/3)",
    ]
    assert found["What the class keeps forgetting"] == "**Mobilisation** — 0%\n**Interactivité** — 33%"
    assert found["Top scorers"].split("\n")[0] == f"<@{klass.students[0].id}> — 75%"
    assert embed["image"]["url"] == "attachment://stats.png"
    (chart,) = result.message.attachments
    assert chart.filename == "stats.png" and chart.data.startswith(PNG)

    # An older question, chosen from the autocompleted list (its value is the post id).
    choices = await klass.fake.autocomplete(klass.guild, klass.teacher, "stats", "question", question="qui")
    assert choices == [{"name": "2024-03-05 — Qui ? Quoi ?", "value": str(tuesday)}]
    older = await klass.run(klass.teacher, "stats", question=choices[0]["value"])
    assert older.message.embed["title"] == "Statistics — Qui ? Quoi ?"
    assert "closed <t:" in older.message.embed["description"]
    assert fields(older)["What the class keeps forgetting"].startswith("Nothing stands out")
    # Typed text instead of a choice: the newest question containing it.
    typed = await klass.run(klass.teacher, "stats", question="forces")
    assert typed.message.embed["title"] == "Statistics — Les 4 forces ?"
    unknown = await klass.run(klass.teacher, "stats", question="@everyone")
    assert unknown.ephemeral and unknown.text.startswith("I can't find “@\u200beveryone”")
    foreign = await klass.run(klass.teacher, "stats", question="999999")
    assert foreign.text.startswith("I can't find “999999”")


async def test_stats_before_anyone_answered(klass: Class):
    cards = (await klass.store.load_deck(klass.deck_id)).card_ids
    claim = await klass.store.claim_post(klass.guild.id, NOW, cards[0], closes_at=NOW + timedelta(hours=24))
    await klass.store.set_post_message(claim.post.id, 5, 777, NOW)
    result = await klass.run(klass.teacher, "stats")
    assert result.message.embed["description"].endswith("Nobody has answered this question yet.")
    assert fields(result) == {"Participants": "0"}
    assert not result.message.attachments


# ---------------------------------------------------------------------------------------------- French


async def test_in_french(klass: Class):
    await klass.store.update_guild(klass.guild.id, language="fr")
    await seed_posts(klass)
    refused = await klass.run(klass.students[0], "deck export", name="cours-2")
    assert refused.text.startswith(f"Vous ne pouvez pas faire ça{NBSP}:")
    stats = await klass.run(klass.teacher, "stats")
    found = fields(stats)
    assert stats.message.embed["title"] == "Statistiques — Les 4 forces ?"
    assert found["Score moyen"] == f"50{NBSP}%"
    assert found["Ce que la classe oublie le plus"].startswith(f"**Mobilisation** — 0{NBSP}%")
    listing = await klass.run(klass.students[0], "deck list")
    assert (
        f"«{NBSP}cours-2{NBSP}» — Cours 2 — les forces (2 cartes) ✅ actif"
        in fields(listing)["Les paquets de ce serveur"]
    )
    bad = await klass.run(klass.teacher, "deck import", file=("notes.txt", b"\x00"))
    assert bad.text == (
        f"**notes.txt** n'est pas un paquet que je peux importer{NBSP}: c'est un fichier binaire, pas un "
        "paquet en texte (exportez les notes en texte brut (.txt), en CSV ou en YAML). "
        "Rien n'a été enregistré."
    )
    no_items = await klass.run(
        klass.teacher, "deck import", file=("deck.yaml", b"title: x\ncards:\n  - question: Q?\n")
    )
    assert no_items.text.startswith(
        f"**deck.yaml**, ligne 3, n'est pas un paquet que je peux importer{NBSP}: "
        f"la carte 1 («{NBSP}Q?{NBSP}») n'a aucun élément"
    )
    preview = await klass.run(klass.teacher, "deck import", file=("notes.txt", NOTES))
    assert preview.message.embed["title"].startswith("Aperçu de l'import — ")
    assert fields(preview)["Avertissements à vérifier (1)"] == (
        "**Carte 1** — Les 3 forces de l'identité ?\n"
        f"  Ligne 2{NBSP}: la question annonce 3 réponses, mais j'en trouve 4"
    )
    assert [b["label"] for b in preview.message.buttons] == ["Enregistrer le paquet", "Annuler"]
    await klass.click(klass.teacher, preview, "Annuler")
    assert preview.message.content == "Annulé. Rien n'a été modifié."
    registered = klass.fake.global_commands["deck"]
    assert registered["description_localizations"]["fr"] == "Les paquets de cartes"


async def test_an_unanswered_preview_expires_and_saves_nothing(klass: Class, monkeypatch: pytest.MonkeyPatch):
    # The bot loaded its own copy of the cog module (discord.py extensions): patch that one.
    monkeypatch.setattr(sys.modules["cogs.kit.views"], "CONFIRM_TIMEOUT", 0.2)
    before = await klass.decks()
    preview = await klass.run(klass.teacher, "deck import", file=("notes.txt", NOTES))
    message = preview.message
    await klass.fake.wait_until(lambda: not message.buttons, timeout=3.0, what="the preview to expire")
    assert message.content == "This preview expired; nothing was saved. Run the command again."
    assert not message.embeds
    assert await klass.decks() == before


async def test_a_failure_on_confirm_is_reported_privately(
    klass: Class, monkeypatch: pytest.MonkeyPatch, discord_problems: DiscordProblems
):
    async def disk_full(*args: object, **kwargs: object) -> int:
        raise StoreError("disk I/O error")

    preview = await klass.run(klass.teacher, "deck import", file=("notes.txt", NOTES))
    monkeypatch.setattr(klass.store, "save_deck", disk_full)
    discord_problems.allow(r"button .* failed \(ref [0-9a-f]{6}\)")  # logged for the operator, on purpose
    click = await klass.fake.click(klass.teacher, preview.message, label="Save the deck")
    (report,) = await click.wait_followups(1)
    assert (
        report.ephemeral and report.text.startswith("Something went wrong.") and "(reference " in report.text
    )
    assert len(discord_problems.take(r"button .* failed \(ref [0-9a-f]{6}\)")) == 1
