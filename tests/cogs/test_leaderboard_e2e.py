"""/leaderboard and /rank end to end: the real bot against the fake Discord, scores seeded through the store.

The class: 12 members answered this week's question (points 1 to 10, with ties), ``march`` answered only a
post of last week (this month), ``veteran`` only one of February; ``newcomer`` never answered. The bot's
clock is Thursday 7 March 2024, 15:00 UTC, in Europe/Paris.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.decks import Card, Deck, Item
from bot.i18n import NBSP
from bot.runner import TutorBot
from bot.store import GuildSettings, Store
from tests.fakediscord import ClientRefused, FakeDiscord, Guild, Member, Message
from tests.fakediscord.fixtures import BotStarter

NOW = datetime(2024, 3, 7, 15, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"

DECK = Deck(
    title="Cours 2",
    cards=(
        Card(
            "Les 4 forces ?",
            (Item("Transparence"), Item("Rapidité"), Item("Interactivité"), Item("Mobilisation")),
        ),
        Card("Qui ? Quoi ?", (Item("Qui"), Item("Quoi"))),
    ),
)
OTHER = Deck(title="Anglais", language="en", cards=(Card("Two colours?", (Item("red"), Item("blue"))),))


@dataclass
class Class:
    fake: FakeDiscord
    guild: Guild
    bot: TutorBot
    store: Store
    students: list[Member]  # students[i] scored (i + 1) / 12 this week
    march: Member
    veteran: Member
    newcomer: Member

    async def slash(self, user: Member, command: str, **options: object):
        result = await self.fake.slash(self.guild, user, command, **options)
        assert not result.rejected, result.rejected
        for message in result.messages:
            assert not message.pings.any, message
        return result


async def post(store: Store, guild_id: int, card_id: int, slot: datetime) -> int:
    claim = await store.claim_post(guild_id, slot, card_id, closes_at=slot + timedelta(hours=24))
    sent = await store.set_post_message(claim.post.id, 5, 10_000 + claim.post.id, slot)
    return sent.id


async def seed(store: Store, guild_id: int, people: Class) -> None:
    deck_id = await store.save_deck(guild_id, "cours-2", DECK)
    other_id = await store.save_deck(guild_id, "anglais", OTHER)
    cards = (await store.load_deck(deck_id)).card_ids
    other_cards = (await store.load_deck(other_id)).card_ids
    await store.save_guild(
        GuildSettings(guild_id, channel_id=5, timezone="Europe/Paris", active_deck_id=deck_id, language="en")
    )
    february = await post(store, guild_id, cards[0], datetime(2024, 2, 20, 7, tzinfo=UTC))
    last_week = await post(store, guild_id, cards[1], datetime(2024, 3, 1, 7, tzinfo=UTC))
    this_week = await post(store, guild_id, cards[0], datetime(2024, 3, 6, 7, tzinfo=UTC))
    english = await post(store, guild_id, other_cards[0], datetime(2024, 3, 7, 7, tzinfo=UTC))
    await store.record_answer(
        february, people.veteran.id, "tout", [0, 1, 2, 3], 1.0, datetime(2024, 2, 20, 9, tzinfo=UTC)
    )
    await store.record_answer(
        last_week, people.march.id, "qui quoi", [0, 1], 1.0, datetime(2024, 3, 1, 9, tzinfo=UTC)
    )
    for index, student in enumerate(people.students):
        score = (index + 1) / 12
        at = datetime(2024, 3, 6, 9, tzinfo=UTC) + timedelta(minutes=index)
        await store.record_answer(this_week, student.id, "…", [0], score, at)
    await store.record_answer(
        english, people.students[3].id, "red", [0], 0.5, datetime(2024, 3, 7, 8, tzinfo=UTC)
    )


@pytest.fixture
async def klass(fake_discord: FakeDiscord, start_bot: BotStarter, tmp_path: Path) -> Class:
    fake = fake_discord
    guild = fake.add_guild("Classe", channels=("general",))
    students = [fake.add_member(guild, f"student{n:02d}") for n in range(12)]
    march, veteran, newcomer = (fake.add_member(guild, name) for name in ("march", "veteran", "newcomer"))
    db = tmp_path / "tutor.db"
    bot = TutorBot(
        extensions=["cogs.leaderboard"],
        open_store=lambda: Store.open(db, clock=lambda: NOW),
        command_hash_path=tmp_path / "commands.json",
        clock=lambda: NOW,
    )
    await start_bot(bot)
    people = Class(fake, guild, bot, bot.store, students, march, veteran, newcomer)
    await seed(bot.store, guild.id, people)
    return people


def shown(member: Member) -> str:
    """How the class sees a member: their display name (never a mention, a raw id to some readers)."""
    return member.nick or member.user.global_name or member.user.name


def rows(message: Message) -> list[str]:
    assert message.embed is not None
    return [line for line in message.embed["description"].split("\n\n")[0].split("\n") if line]


def button(message: Message, label: str) -> dict[str, object]:
    return next(b for b in message.buttons if b.get("label") == label)


async def test_top_ten_with_medals_the_callers_rank_and_pages(klass: Class):
    caller = klass.students[0]  # 1 point: last of 14
    result = await klass.slash(caller, "leaderboard")
    message = result.message
    assert not message.ephemeral  # the class sees the leaderboard
    embed = message.embed
    assert embed is not None and embed["title"] == "Leaderboard — All time"
    top = rows(message)
    assert len(top) == 10
    # Ties share a rank and its medal: the veteran, march and the best student have 10 points each.
    assert top[0].startswith("🥇 ") and top[1].startswith("🥇 ") and top[2].startswith("🥇 ")
    assert top[3] == f"**4.** {shown(klass.students[10])} — 9 points · 1 answer"  # no silver after 3 golds
    assert any(shown(klass.veteran) in line and "10 points · 1 answer" in line for line in top)
    assert shown(caller) not in "\n".join(top)
    assert f"{shown(caller)}: rank **14** of 14 — 1 point" in embed["description"]
    assert embed["footer"]["text"] == "Page 1/2 · 14 members ranked"
    assert button(message, "Previous")["disabled"] is True
    assert not button(message, "Next").get("disabled")

    # Someone else may not turn the caller's pages: a private refusal, the leaderboard unchanged.
    other = await klass.fake.click(klass.students[5], message, label="Next")
    assert other.ephemeral and other.text == "These buttons belong to someone else."
    assert rows(message) == top

    turned = await klass.fake.click(caller, message, label="Next")
    assert turned.kind == "update message"
    second = rows(message)
    assert [line.split(" ")[0] for line in second] == ["**11.**", "**12.**", "**12.**", "__**14.**"]
    assert second[-1] == f"__**14.** {shown(caller)} — 1 point · 1 answer__"  # the caller stands out
    assert message.embed["footer"]["text"] == "Page 2/2 · 14 members ranked"
    assert button(message, "Next")["disabled"] is True
    with pytest.raises(ClientRefused):
        await klass.fake.click(caller, message, label="Next")

    back = await klass.fake.click(caller, message, label="Previous")
    assert back.kind == "update message" and rows(message) == top
    assert not message.pings.any


async def test_periods_and_decks(klass: Class):
    caller = klass.students[11]
    week = (await klass.slash(caller, "leaderboard", period="week")).message
    assert week.embed["title"] == "Leaderboard — This week"
    assert week.embed["footer"]["text"] == "From 03/04 to 03/10 · Page 1/2 · 12 members ranked"
    text = week.embed["description"]
    assert shown(klass.veteran) not in text and shown(klass.march) not in text
    assert f"__🥇 {shown(caller)} — 10 points · 1 answer__" in text  # the caller's row stands out
    assert f"{shown(caller)}: rank **1** of 12 — 10 points" in text

    month = (await klass.slash(klass.march, "leaderboard", period="month")).message
    assert month.embed["footer"]["text"].endswith("13 members ranked")
    assert shown(klass.march) in month.embed["description"]
    assert shown(klass.veteran) not in month.embed["description"]

    english = (await klass.slash(klass.veteran, "leaderboard", deck="anglais")).message
    assert english.embed["title"] == "Leaderboard — All time — anglais"
    assert rows(english) == [f"🥇 {shown(klass.students[3])} — 5 points · 1 answer"]
    assert f"{shown(klass.veteran)} has no points for this period yet." in english.embed["description"]
    assert not english.buttons  # one page: no buttons to press

    choices = await klass.fake.autocomplete(klass.guild, caller, "leaderboard", "deck", deck="ang")
    assert [choice["value"] for choice in choices] == ["anglais"]


async def test_bad_deck_names_and_empty_boards_are_private(klass: Class):
    unknown = await klass.slash(klass.students[0], "leaderboard", deck="nope")
    assert (
        unknown.ephemeral
        and unknown.text == "There is no deck called “nope”. Use /deck list to see the decks."
    )
    everyone = await klass.slash(klass.students[0], "leaderboard", deck="@everyone")
    assert everyone.ephemeral and everyone.text.startswith("“@\u200beveryone” is not a deck name")
    markdown = await klass.slash(klass.students[0], "leaderboard", deck="**cours-2**")
    assert markdown.ephemeral and markdown.text.startswith("“\\*\\*cours-2\\*\\*” is not a deck name")
    assert not any(m.pings.any for m in klass.fake.messages.values())

    await klass.store.forget_member(klass.guild.id, klass.students[3].id)
    empty = await klass.slash(klass.students[0], "leaderboard", deck="anglais")
    assert empty.ephemeral and empty.text == "Nobody has points on the deck “anglais” for this period yet."


async def test_rank_with_points_streaks_and_a_chart(klass: Class):
    result = await klass.slash(klass.students[11], "rank")
    assert result.ephemeral and result.kind == "deferred message"
    embed = result.message.embed
    assert embed["title"] == "Student11's rank"
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert fields["Points"] == "10"
    assert fields["Rank"] == "#1 of 14"
    assert fields["Answers"] == "1"
    assert fields["Average score"] == "100%"
    assert fields["Current streak"] == "1 question in a row"  # the newest post is still open
    assert fields["Best streak"] == "1 question in a row"
    assert "Last answer" in fields
    assert embed["image"]["url"] == "attachment://rank.png"
    (chart,) = result.message.attachments
    assert chart.filename == "rank.png" and chart.data.startswith(PNG) and len(chart.data) < 60_000

    # Someone else's rank: the veteran's streak is over (posts came since).
    other = await klass.slash(klass.students[0], "rank", member=klass.veteran)
    fields = {field["name"]: field["value"] for field in other.message.embed["fields"]}
    assert other.ephemeral and fields["Current streak"] == "0 questions in a row"
    assert fields["Rank"] == "#1 of 14" and other.message.embed["title"] == "Veteran's rank"


async def test_rank_for_a_member_who_never_answered(klass: Class):
    mine = await klass.slash(klass.newcomer, "rank")
    assert mine.ephemeral and mine.kind == "message"
    assert mine.text.startswith("You haven't answered a daily question yet")
    theirs = await klass.slash(klass.students[0], "rank", member=klass.newcomer)
    assert theirs.ephemeral
    assert (
        theirs.text == f"{shown(klass.newcomer)} hasn't answered a daily question yet, so they have no rank."
    )
    assert not theirs.pings.any and f"<@{klass.newcomer.id}>" not in theirs.text


async def test_in_french(klass: Class):
    await klass.store.update_guild(klass.guild.id, language="fr")
    caller = klass.students[0]
    board = (await klass.slash(caller, "leaderboard", period="month")).message
    assert board.embed["title"] == "Classement — Ce mois-ci"
    assert f"{shown(caller)}{NBSP}: rang **13** sur 13 — 1 point" in board.embed["description"]
    assert board.embed["footer"]["text"] == "Du 01/03 au 31/03 · Page 1/2 · 13 membres classés"
    assert button(board, "Suivant") and button(board, "Précédent")
    refused = await klass.fake.click(klass.students[1], board, label="Suivant")
    assert refused.text == "Ces boutons appartiennent à quelqu'un d'autre."
    rank = await klass.slash(caller, "rank")
    fields = {field["name"]: field["value"] for field in rank.message.embed["fields"]}
    assert rank.message.embed["title"] == "Rang de Student00"
    assert fields["Rang"] == "14 sur 14" and fields["Score moyen"] == f"8{NBSP}%"
    never = await klass.slash(klass.newcomer, "rank")
    assert never.text.startswith("Vous n'avez encore répondu à aucune question du jour")
    # Command descriptions are translated for French clients.
    registered = klass.fake.global_commands["leaderboard"]
    assert registered["description_localizations"]["fr"].startswith("Le classement de la classe")


async def test_the_page_buttons_go_away_when_they_expire(klass: Class, monkeypatch: pytest.MonkeyPatch):
    # The bot loaded its own copy of the cog module (discord.py extensions): patch that one.
    monkeypatch.setattr(sys.modules["cogs.kit.views"], "PAGER_TIMEOUT", 0.2)
    board = (await klass.slash(klass.students[0], "leaderboard")).message
    assert board.buttons
    await klass.fake.wait_until(lambda: not board.buttons, timeout=3.0, what="the buttons to go")
    assert len(rows(board)) == 10  # the page itself stays


# ------------------------------------------------------------------------------------- categories, names


async def seed_practice_and_quiz(klass: Class) -> None:
    deck = await klass.store.find_deck(klass.guild.id, "cours-2")
    assert deck is not None
    card = (await klass.store.load_deck(deck.id)).card_ids[0]
    at = datetime(2024, 3, 6, 10, tzinfo=UTC)
    for member, score in ((klass.newcomer, 1.0), (klass.newcomer, 0.5), (klass.march, 0.4)):
        await klass.store.record_practice(
            klass.guild.id, member.id, card, state="{}", due=at, score=score, answered_at=at
        )
    await klass.store.record_quiz_result(
        klass.guild.id, "q1", klass.veteran.id, points=45, rounds=3, finished_at=at
    )
    await klass.store.record_quiz_result(
        klass.guild.id, "q2", klass.veteran.id, points=30, rounds=2, finished_at=at
    )
    await klass.store.record_quiz_result(
        klass.guild.id, "q2", klass.march.id, points=50, rounds=2, finished_at=at
    )


async def test_the_practice_and_quiz_leaderboards(klass: Class):
    await seed_practice_and_quiz(klass)
    practice = (await klass.slash(klass.march, "leaderboard", category="practice")).message
    assert practice.embed["title"] == "Leaderboard — Practice — All time"
    assert rows(practice) == ["🥇 Newcomer — 15 points · 2 answers", "__🥈 March — 4 points · 1 answer__"]
    quiz = (await klass.slash(klass.march, "leaderboard", category="quiz", period="week")).message
    assert quiz.embed["title"] == "Leaderboard — Quiz — This week"
    assert rows(quiz) == ["🥇 Veteran — 75 points · 2 quizzes", "__🥈 March — 50 points · 1 quiz__"]
    assert "March: rank **2** of 2 — 50 points" in quiz.embed["description"]
    # The daily leaderboard is unchanged, and a category nobody played says how to start.
    daily = (await klass.slash(klass.march, "leaderboard", category="daily")).message
    assert daily.embed["title"] == "Leaderboard — All time" and len(rows(daily)) == 10
    await klass.store.forget_member(klass.guild.id, klass.veteran.id)
    await klass.store.forget_member(klass.guild.id, klass.march.id)
    nobody = await klass.slash(klass.march, "leaderboard", category="quiz")
    assert nobody.ephemeral and "Start a race with /quiz start" in nobody.text


async def test_the_practice_leaderboard_in_french(klass: Class):
    await seed_practice_and_quiz(klass)
    await klass.store.update_guild(klass.guild.id, language="fr")
    french = (await klass.slash(klass.march, "leaderboard", category="practice")).message
    assert french.embed["title"] == "Classement — Entraînement — Depuis le début"
    assert rows(french)[0] == "🥇 Newcomer — 15 points · 2 réponses"
    registered = klass.fake.global_commands["leaderboard"]
    category = next(o for o in registered["options"] if o["name"] == "category")
    assert [c["name_localizations"]["fr"] for c in category["choices"]] == [
        "Question du jour",
        "Entraînement",
        "Quiz",
    ]


async def test_names_are_escaped_remembered_and_a_member_who_left_is_a_former_member(
    klass: Class, fake_discord: FakeDiscord, start_bot: BotStarter, tmp_path: Path
):
    fake = klass.fake
    top = klass.students[11]
    top.nick = "**Zo@everyone_é**"
    gone = klass.students[10]
    del klass.guild.members[gone.id]  # left the server: Discord no longer knows them as a member
    board = await klass.slash(klass.students[0], "leaderboard")
    lines = rows(board.message)
    assert lines[0].startswith("🥇 ") and any("\\*\\*Zo@\u200beveryone\\_é\\*\\*" in line for line in lines)
    assert "**4.** a former member — 9 points · 1 answer" in lines
    assert "<@" not in board.message.embed["description"]  # no mention, which shows as a raw id
    fetched = len(fake.calls_to("GET", "/guilds/{guild_id}/members/{user_id}"))
    assert fetched >= 9  # the members the bot had never seen were asked of Discord

    # Kept in the store: after a restart, the names are shown without asking Discord again.
    await klass.bot.services.names.flush()
    names = await klass.store.member_names(klass.guild.id, [top.id, klass.students[0].id])
    assert names == {top.id: "**Zo@everyone_é**", klass.students[0].id: "Student00"}
    await start_bot.stop(klass.bot)
    db = tmp_path / "tutor.db"
    bot = TutorBot(
        extensions=["cogs.leaderboard"],
        open_store=lambda: Store.open(db, clock=lambda: NOW),
        command_hash_path=tmp_path / "commands.json",
        clock=lambda: NOW,
    )
    await start_bot(bot)
    before = len(fake.calls_to("GET", "/guilds/{guild_id}/members/{user_id}"))
    again = await fake.slash(klass.guild, klass.students[0], "leaderboard")
    assert rows(again.message) == lines
    # Only the member who left is asked for again (Discord still does not know them).
    assert len(fake.calls_to("GET", "/guilds/{guild_id}/members/{user_id}")) == before + 1
