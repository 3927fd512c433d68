"""``/quiz`` end to end: the real bot against the fake Discord, with the round timer and the clock in hand.

Several members answering at once, the speed bonus ordering, one answer per round, late answers, the
scoreboards after each round and at the end, the quiz leaderboard, one quiz per channel, ``/quiz stop``, a
restart in the middle of a quiz, a channel the bot cannot post in, French, and nothing ever pings.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.decks import Card, Deck, Item
from bot.runner import TutorBot
from bot.store import Store
from tests.fakediscord import Channel, ClientRefused, FakeDiscord, Guild, InteractionResult, Member, Message
from tests.fakediscord.fixtures import BotStarter
from tests.support import Clock

START = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)
FORCES = Card(
    "Quelles sont les 4 forces de l'identité numérique ?",
    (Item("Connexion", "Se connecter à son univers."), Item("Preuve"), Item("Cohérence"), Item("Historique")),
)
PILIERS = Card("Quels sont les 3 piliers ?", (Item("Veille"), Item("Objectifs"), Item("Mesure")))
MINI = Deck(title="Mini", cards=(FORCES, PILIERS))


class ManualTimer:
    """The quiz's waits (a round's time, the pause after it) end when the test says so."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, asyncio.Future[None]]] = []
        self._changed = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (seconds, future)
        self.pending.append(entry)
        self._changed.set()
        try:
            await future
        finally:
            self.pending.remove(entry)

    async def started(self) -> float:
        """Wait until the quiz waits (its round is posted), and return for how long it wants to wait."""
        async with asyncio.timeout(3):
            while not self.pending:
                self._changed.clear()
                await self._changed.wait()
        return self.pending[0][0]

    async def finish(self) -> None:
        """End the current wait now."""
        await self.started()
        self.pending[0][1].set_result(None)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tutor.db"


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def timer() -> ManualTimer:
    return ManualTimer()


@pytest.fixture
def guild(fake_discord: FakeDiscord) -> Guild:
    return fake_discord.add_guild("Classe", channels=("quiz", "general"))


@pytest.fixture
def members(fake_discord: FakeDiscord, guild: Guild) -> dict[str, Member]:
    return {name: fake_discord.add_member(guild, name) for name in ("alice", "bob", "carol")}


@pytest.fixture
async def mini(db: Path, guild: Guild) -> Path:
    async with Store.open(db) as store:
        await store.save_deck(guild.id, "mini", MINI)
    return db


async def start_quiz_bot(start_bot: BotStarter, db: Path, clock: Clock, timer: ManualTimer) -> TutorBot:
    bot = await start_bot(
        TutorBot(
            extensions=["cogs.quiz"],
            open_store=lambda: Store.open(db),
            command_hash_path=db.with_suffix(".commands.json"),
        )
    )
    quizzes = bot.services.quiz
    quizzes.sleep, quizzes.clock, quizzes.round_seconds, quizzes.pause_seconds = timer, clock, 30, 5
    quizzes.rng = random.Random(7)
    return bot


@dataclass
class Room:
    """The class server of these tests: the fake Discord, three members, the deck "mini" saved in ``db``."""

    fake: FakeDiscord
    start_bot: BotStarter
    db: Path
    guild: Guild
    members: dict[str, Member]
    clock: Clock
    timer: ManualTimer

    @property
    def channel(self) -> Channel:
        return self.guild.channel("quiz")

    async def start(self, timer: ManualTimer | None = None) -> TutorBot:
        """The bot with the quiz cog, its waits ended by ``timer`` (the room's own by default)."""
        return await start_quiz_bot(self.start_bot, self.db, self.clock, timer or self.timer)

    async def first_round(self, rounds: int) -> Message:
        """Alice starts a quiz of ``rounds`` on "mini" in the quiz channel: its first round's message."""
        await self.fake.slash(
            self.guild,
            self.members["alice"],
            "quiz start",
            deck="mini",
            rounds=rounds,
            in_channel=self.channel,
        )
        return await round_message(self.fake, self.channel, 1)


@pytest.fixture
def room(
    fake_discord: FakeDiscord,
    start_bot: BotStarter,
    mini: Path,
    guild: Guild,
    members: dict[str, Member],
    clock: Clock,
    timer: ManualTimer,
) -> Room:
    return Room(fake_discord, start_bot, mini, guild, members, clock, timer)


def answer_for(question: str, which: str) -> str:
    answers = {
        FORCES.question: {"all": "connexion, preuve, cohérence, historique", "some": "connexion\npreuve"},
        PILIERS.question: {"all": "veille, objectifs, mesure", "some": "veille\nobjectifs"},
    }
    return answers[question][which] if which in ("all", "some") else which


async def round_message(fake: FakeDiscord, channel: Channel, number: int) -> Message:
    def is_round(m: Message) -> bool:
        return bool(m.embed and m.embed.get("title", "").startswith(f"Round {number}/") and m.buttons)

    return await fake.wait_for_message(channel, is_round)


def question_of(message: Message) -> str:
    return message.embed["description"].split("\n")[0].strip("*").replace("\\", "")


async def answer(fake: FakeDiscord, member: Member, message: Message, text: str) -> InteractionResult:
    opened = await fake.click(member, message, label=message.buttons[0]["label"])
    assert opened.kind == "modal", opened.text
    return await opened.modal.submit({opened.modal.inputs[0].custom_id: text})


def bot_messages(fake: FakeDiscord, channel: Channel) -> list[Message]:
    return fake.messages_in(channel, by_bot=True)


# ------------------------------------------------------------------------------------------------ a race


async def test_a_quiz_with_several_members_racing(room: Room) -> None:
    fake, guild, members, clock, timer = room.fake, room.guild, room.members, room.clock, room.timer
    alice, bob, carol = members["alice"], members["bob"], members["carol"]
    channel = room.channel
    await room.start()

    started = await fake.slash(guild, alice, "quiz start", deck="mini", rounds=2, in_channel=channel)
    assert not started.ephemeral  # the announcement is public
    assert started.embed["title"] == "Live quiz — Mini"
    assert "2 rounds of 30 seconds" in started.embed["description"]
    assert started.embed["description"].startswith("Alice started a quiz")  # a name, not a mention
    assert "10 points per item found, plus up to 5 for speed." in started.embed["description"]
    assert await timer.started() == 30

    first = await round_message(fake, channel, 1)
    assert first.embed["footer"]["text"].endswith("items expected")
    question = question_of(first)
    # Alice answers fast, Bob the same items later, Carol knows nothing.
    clock.at(3)
    fast = await answer(fake, alice, first, answer_for(question, "some"))
    assert fast.ephemeral
    assert fast.content.startswith("Answer received for round 1: 2/")
    assert "25 points = 20 for the items + 5 for speed" in fast.content
    clock.at(15)
    slow = await answer(fake, bob, first, answer_for(question, "some"))
    assert "23 points = 20 for the items + 3 for speed" in slow.content
    clock.at(20)
    empty = await answer(fake, carol, first, "aucune idée @everyone")
    assert empty.content == (
        "Answer received for round 1: no item found this time. The answers come at the end of the round."
    )
    again = await fake.click(alice, first, label="Answer")
    assert again.ephemeral and again.content == "You already answered round 1: only your first answer counts."

    await timer.finish()  # the round's time is up
    await fake.wait_until(lambda: not first.components, what="the round's button removed")
    assert first.embed["description"].endswith("Answers are closed.")
    results = await fake.wait_for_message(
        channel, lambda m: "the answers" in (m.embed or {}).get("title", "")
    )
    text = results.embed["description"]
    assert results.embed["title"] == "Round 1/2: the answers"
    assert text.index("1. Alice: 2/") < text.index("2. Bob: 2/") < text.index("3. Carol: 0/")
    assert "25 points (+5 for speed, 3.0 s)" in text and "23 points (+3 for speed, 15.0 s)" in text
    assert "🥇 Alice: 25 points" in text and "🥈 Bob: 23 points" in text
    assert "<@" not in text  # display names, never mentions (raw ids for some readers)
    if question == FORCES.question:
        assert "• **Connexion** — Se connecter à son univers." in text

    # Round 2: everyone answers at the same instant (so with the same bonus); the items decide.
    assert await timer.started() == 5  # the pause before the next round
    clock.at(100)
    await timer.finish()
    second = await round_message(fake, channel, 2)
    question = question_of(second)
    items = len(FORCES.items if question == FORCES.question else PILIERS.items)
    replies = await asyncio.gather(
        answer(fake, alice, second, answer_for(question, "some")),
        answer(fake, bob, second, answer_for(question, "all")),
        answer(fake, carol, second, answer_for(question, "all")),
    )
    assert all(r.ephemeral and not r.pings.any for r in replies)
    assert "25 points = 20 for the items + 5 for speed" in replies[0].content
    # Everyone who played has answered round 2: it ends at once, without waiting for its time.
    final = await fake.wait_for_message(
        channel, lambda m: (m.embed or {}).get("title", "").startswith("Quiz over")
    )
    standings = final.embed["description"]
    assert final.embed["title"] == "Quiz over — Mini"
    assert standings.startswith("2 rounds played.")
    assert "Results are kept in the quiz leaderboard" in standings
    alice_total, bob_total, carol_total = 25 + 25, 23 + 10 * items + 5, 10 * items + 5
    assert (
        standings.index(f"🥇 Bob: {bob_total} points")
        < standings.index(f"🥈 Alice: {alice_total} points")
        < standings.index(f"🥉 Carol: {carol_total} points")
    )

    async with Store.open(room.db) as store:
        board = await store.leaderboard(guild.id, "all", now=START, tz=UTC, category="quiz")
        assert {(row.member_id, row.points) for row in board.rows} == {
            (alice.id, alice_total),
            (bob.id, bob_total),
            (carol.id, carol_total),
        }
        assert (await store.leaderboard(guild.id, "all", now=START, tz=UTC)).rows == ()  # not daily points

    for message in bot_messages(fake, channel):
        assert not message.pings.any and message.allowed_mentions == {"parse": []}
    # The quiz is over: a new one may start, and its old buttons say so.
    assert not bot_messages(fake, channel)[-1].buttons


async def test_a_forged_form_from_another_server_or_channel_earns_nothing(room: Room) -> None:
    fake, guild, timer, channel = room.fake, room.guild, room.timer, room.channel
    bob = room.members["bob"]
    await room.start()
    first = await room.first_round(rounds=1)
    quiz_id, number = first.buttons[0]["custom_id"].split(":")[2:]
    everything = answer_for(question_of(first), "all")
    # The round's form, sent by Bob from another server, and from another channel of this one.
    other = fake.add_guild("Other", channels=("general",))
    for where, sent_from in ((other, other.channel("general")), (guild, guild.channel("general"))):
        forged = await fake.forge_modal(
            bob, where, f"quiz:m:{quiz_id}:{number}", {"answer:text": everything}, channel=sent_from
        )
        assert forged.ephemeral and "This quiz is over" in forged.text, forged.text
    await timer.finish()
    results = await fake.wait_for_message(
        channel, lambda m: "the answers" in (m.embed or {}).get("title", "")
    )
    assert "Bob" not in results.embed["description"]  # nothing counted for him


async def test_a_late_answer_and_a_second_quiz_in_the_channel_are_refused(room: Room) -> None:
    fake, guild, members, timer = room.fake, room.guild, room.members, room.timer
    alice, bob = members["alice"], members["bob"]
    channel = room.channel
    await room.start()
    await fake.slash(guild, alice, "quiz start", deck="mini", rounds=1, in_channel=channel)
    busy = await fake.slash(guild, bob, "quiz start", in_channel=channel)
    assert busy.ephemeral and busy.content.startswith("A quiz is already running in this channel.")
    elsewhere = await fake.slash(guild, bob, "quiz start", deck="mini", in_channel=guild.channel("general"))
    assert not elsewhere.ephemeral  # another channel may have its own quiz

    first = await round_message(fake, channel, 1)
    opened = await fake.click(bob, first, label="Answer")
    await timer.started()
    await timer.finish()  # time is up while Bob is still typing
    await fake.wait_for_message(channel, lambda m: (m.embed or {}).get("title", "").startswith("Quiz over"))
    late = await opened.modal.submit({opened.modal.inputs[0].custom_id: "veille"})
    assert late.ephemeral and late.content == "This quiz is over. Start a new one with /quiz start."
    assert "Nobody answered: no scores this time." in bot_messages(fake, channel)[-1].text


async def test_quiz_stop_needs_the_starter_or_a_teacher(room: Room) -> None:
    fake, guild, members, clock, timer = room.fake, room.guild, room.members, room.clock, room.timer
    alice, bob = members["alice"], members["bob"]
    channel = room.channel
    await room.start()
    nothing = await fake.slash(guild, bob, "quiz stop", in_channel=channel)
    assert nothing.content == "No quiz is running in this channel."
    first = await room.first_round(rounds=2)
    clock.at(1)
    await answer(fake, alice, first, answer_for(question_of(first), "some"))
    refused = await fake.slash(guild, bob, "quiz stop", in_channel=channel)
    assert refused.content == "Only the member who started this quiz, or a teacher, can stop it."
    stopped = await fake.slash(guild, alice, "quiz stop", in_channel=channel)
    assert stopped.ephemeral and stopped.content.startswith("The quiz stops")
    final = await fake.wait_for_message(
        channel, lambda m: (m.embed or {}).get("title", "").startswith("Quiz over")
    )
    assert final.embed["description"].startswith("1 round played.")
    assert "🥇 Alice" in final.embed["description"]
    assert timer.pending == []  # no round 2, no pause left waiting
    async with Store.open(room.db) as store:
        board = await store.leaderboard(guild.id, "all", now=START, tz=UTC, category="quiz")
        assert [row.member_id for row in board.rows] == [alice.id]


# ------------------------------------------------------------------------------------------------ failures


async def test_a_restart_ends_the_quiz_and_keeps_the_rounds_played(room: Room) -> None:
    fake, guild, members, clock = room.fake, room.guild, room.members, room.clock
    alice = members["alice"]
    first_bot = await room.start()
    first = await room.first_round(rounds=2)
    clock.at(2)
    await answer(fake, alice, first, answer_for(question_of(first), "all"))
    await room.start_bot.stop(first_bot)  # the quiz task is cancelled with the cog; its answers are saved

    await room.start(ManualTimer())
    late = await fake.click(alice, first, label="Answer")
    assert late.ephemeral and late.content == "This quiz is over. Start a new one with /quiz start."
    async with Store.open(room.db) as store:
        board = await store.leaderboard(guild.id, "all", now=START, tz=UTC, category="quiz")
        assert [(row.member_id, row.answers) for row in board.rows] == [(alice.id, 1)]


async def test_a_crash_after_a_round_closed_keeps_it_and_ends_the_quiz_visibly(
    room: Room,
    monkeypatch: pytest.MonkeyPatch,
):
    fake, guild, members, clock, timer = room.fake, room.guild, room.members, room.clock, room.timer
    alice = members["alice"]
    channel = room.channel
    first_bot = await room.start()
    first = await room.first_round(rounds=2)
    clock.at(2)
    await answer(fake, alice, first, answer_for(question_of(first), "all"))
    await timer.finish()  # round 1 closes: its points are recorded at once
    await fake.wait_for_message(channel, lambda m: bool(m.embed and "Standings" in m.text))
    # A kill -9 now: nothing of the process's own clean-up runs (no final save, nothing said).
    quizzes = first_bot.services.quiz  # type: ignore[union-attr]
    (running,) = quizzes.by_channel.values()
    monkeypatch.setattr(running, "_save_quietly", _nothing)
    monkeypatch.setattr(running, "_say_failed", _nothing)
    assert running.task is not None
    running.task.cancel()
    await asyncio.gather(running.task, return_exceptions=True)
    async with Store.open(room.db) as store:
        board = await store.leaderboard(guild.id, "all", now=START, tz=UTC, category="quiz")
        assert not board.rows  # no results: only the round was recorded
    await room.start_bot.stop(first_bot)

    # The restart ends the quiz in its channel with the round played, and keeps Alice's points.
    since = fake.checkpoint()
    await room.start(ManualTimer())
    ended = await fake.wait_for_message(
        channel, lambda m: bool(m.embed and "cut short" in m.text), since=since
    )
    name = (
        alice.nick or alice.user.global_name or alice.user.name
    )  # as the bot saw her answer, before the crash
    assert "1 round played" in ended.text and name in ended.text and not ended.pings.any
    async with Store.open(room.db) as store:
        board = await store.leaderboard(guild.id, "all", now=START, tz=UTC, category="quiz")
        assert [(row.member_id, row.answers) for row in board.rows] == [(alice.id, 1)]
        assert await store.unfinished_quizzes() == []  # ended once: a second restart says nothing


async def _nothing(*args: object) -> None:
    return None


async def test_the_bot_cannot_post_in_the_channel(room: Room) -> None:
    fake, guild, members, clock, timer = room.fake, room.guild, room.members, room.clock, room.timer
    locked = fake.add_channel(guild, "locked", bot_can_send=False)
    bot = await room.start()
    refused = await fake.slash(guild, members["alice"], "quiz start", in_channel=locked)
    assert refused.ephemeral and refused.content.startswith("I can't run a quiz here")
    assert fake.messages_in(locked) == []

    # Losing the right mid-quiz ends it cleanly, with what was played kept.
    channel = room.channel
    await fake.slash(guild, members["alice"], "quiz start", deck="mini", rounds=2, in_channel=channel)
    first = await round_message(fake, channel, 1)
    clock.at(1)
    await answer(fake, members["bob"], first, answer_for(question_of(first), "some"))
    fake.deny_bot(channel)
    task = bot.services.quiz.by_channel[channel.id].task
    await timer.finish()
    await asyncio.wait_for(task, 3)  # the quiz task ends on its own, without an error
    assert not bot.services.quiz.by_channel
    async with Store.open(room.db) as store:
        board = await store.leaderboard(guild.id, "all", now=START, tz=UTC, category="quiz")
        assert [row.member_id for row in board.rows] == [members["bob"].id]
    again = await fake.slash(guild, members["alice"], "quiz start", in_channel=channel)
    assert again.content.startswith("I can't run a quiz here")


async def test_unknown_and_empty_decks(room: Room) -> None:
    fake, guild, members, timer = room.fake, room.guild, room.members, room.timer
    async with Store.open(room.db) as store:
        await store.save_deck(guild.id, "vide", Deck(title="Vide", cards=(Card("Rien ?", ()),)))
    await room.start()
    channel = room.channel
    unknown = await fake.slash(guild, members["alice"], "quiz start", deck="@everyone", in_channel=channel)
    assert unknown.ephemeral and unknown.content.startswith("There is no deck called “@\u200beveryone”")
    assert not unknown.pings.any
    empty = await fake.slash(guild, members["alice"], "quiz start", deck="vide", in_channel=channel)
    assert empty.content == "The deck “vide” has no question for a quiz yet (no card lists any item)."
    assert bot_messages(fake, channel) == [] and timer.pending == []
    choices = await fake.autocomplete(guild, members["alice"], "quiz start", "deck", deck="mi")
    assert [c["value"] for c in choices] == ["mini"]


# ------------------------------------------------------------------------------------------------ French


async def test_a_quiz_in_french(
    fake_discord: FakeDiscord, start_bot: BotStarter, db: Path, clock: Clock, timer: ManualTimer
):
    fake = fake_discord
    classe = fake.add_guild("Classe", channels=("quiz",), locale="fr")
    eleve = fake.add_member(classe, "eleve", locale="fr")
    async with Store.open(db) as store:
        await store.save_deck(classe.id, "mini", MINI)
    await start_quiz_bot(start_bot, db, clock, timer)
    channel = classe.channel("quiz")
    started = await fake.slash(classe, eleve, "quiz start", deck="mini", rounds=1, in_channel=channel)
    assert started.embed["title"] == "Quiz en direct — Mini"
    assert "1 manche de 30 secondes" in started.embed["description"]
    first = await fake.wait_for_message(channel, lambda m: bool(m.buttons))
    assert first.embed["title"] == "Manche 1/1" and first.buttons[0]["label"] == "Répondre"
    opened = await fake.click(eleve, first, label="Répondre")
    assert opened.modal.title == "Manche 1" and opened.modal.inputs[0].label == "Votre réponse"
    clock.at(0)
    receipt = await opened.modal.submit({"Votre réponse": answer_for(question_of(first), "all")})
    assert receipt.content.startswith("Réponse reçue pour la manche 1\u00a0:")
    assert "pour la rapidité" in receipt.content
    await timer.finish()
    final = await fake.wait_for_message(
        channel, lambda m: (m.embed or {}).get("title", "") == "Quiz terminé — Mini"
    )
    assert final.embed["description"].startswith("1 manche jouée.")
    assert fake.global_commands["quiz"]["options"][0]["description_localizations"]["fr"].startswith(
        "Lancer un quiz"
    )


# ------------------------------------------------------------------------ seconds, target and an early end


async def test_seconds_per_round_and_a_round_that_ends_once_everyone_playing_answered(room: Room) -> None:
    fake, guild, members, clock, timer = room.fake, room.guild, room.members, room.clock, room.timer
    alice, bob = members["alice"], members["bob"]
    channel = room.channel
    await room.start()
    started = await fake.slash(
        guild, alice, "quiz start", deck="mini", rounds=2, seconds=45, in_channel=channel
    )
    assert "2 rounds of 45 seconds" in started.embed["description"]
    assert "a round ends early once everyone playing has answered it" in started.embed["description"]
    assert await timer.started() == 45

    first = await round_message(fake, channel, 1)
    # The modal carries the round's question.
    opened = await fake.click(alice, first, label="Answer")
    assert question_of(first) in opened.modal.text
    clock.at(2)
    await opened.modal.submit({opened.modal.inputs[0].custom_id: answer_for(question_of(first), "some")})
    assert timer.pending  # the first round runs its time: the others may still be reading the question
    await timer.finish()
    await fake.wait_for_message(channel, lambda m: "the answers" in (m.embed or {}).get("title", ""))
    await timer.finish()  # the pause

    second = await round_message(fake, channel, 2)
    # Bob joins by pressing Answer: the round now waits for him too.
    bob_form = (await fake.click(bob, second, label="Answer")).modal
    clock.at(60)
    await answer(fake, alice, second, answer_for(question_of(second), "some"))
    assert timer.pending and second.buttons  # still open: Bob has not answered
    await bob_form.submit({bob_form.inputs[0].custom_id: answer_for(question_of(second), "all")})
    # Everyone playing has answered: the round ends without waiting for its 45 seconds.
    final = await fake.wait_for_message(
        channel, lambda m: (m.embed or {}).get("title", "").startswith("Quiz over")
    )
    assert final.embed["description"].startswith("2 rounds played.")
    assert not second.buttons


async def test_the_quiz_ends_when_someone_reaches_the_target_in_french(
    fake_discord: FakeDiscord, start_bot: BotStarter, db: Path, clock: Clock, timer: ManualTimer
):
    fake = fake_discord
    classe = fake.add_guild("Classe", channels=("quiz",), locale="fr")
    eleve = fake.add_member(classe, "eleve", locale="fr")
    async with Store.open(db) as store:
        await store.save_deck(classe.id, "mini", MINI)
    await start_quiz_bot(start_bot, db, clock, timer)
    channel = classe.channel("quiz")
    started = await fake.slash(
        classe, eleve, "quiz start", deck="mini", rounds=2, target=20, in_channel=channel
    )
    assert "Premier à 20 points" in started.embed["description"]
    first = await fake.wait_for_message(channel, lambda m: bool(m.buttons))
    clock.at(0)
    await answer(fake, eleve, first, answer_for(question_of(first), "some"))  # 25 points
    await timer.finish()
    final = await fake.wait_for_message(
        channel, lambda m: (m.embed or {}).get("title", "") == "Quiz terminé — Mini"
    )
    description = final.embed["description"]
    assert description.startswith("1 manche jouée.")  # not the second round: the target was reached
    assert "Eleve a atteint 20 points\u00a0!" in description
    assert not final.pings.any
    # Out of bounds: Discord's client refuses it before the bot sees it.
    with pytest.raises(ClientRefused):
        await fake.slash(classe, eleve, "quiz start", deck="mini", seconds=5, in_channel=channel)
    with pytest.raises(ClientRefused):
        await fake.slash(classe, eleve, "quiz start", deck="mini", target=5000, in_channel=channel)
