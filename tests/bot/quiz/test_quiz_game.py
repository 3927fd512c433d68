"""The live quiz core: points with the speed bonus, one answer per member and round, scoreboards, results."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.decks import Card, Deck, Item
from bot.decks.library import DeckLibrary
from bot.errors import UserError
from bot.quiz.game import ITEM_POINTS, SPEED_BONUS, Quiz, QuizError, answer_points, speed_bonus
from bot.quiz.service import QuizService
from bot.store import Store
from tests.support import Clock

GUILD, CHANNEL = 111, 5
ALICE, BOB, CAROL = 201, 202, 203
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

FORCES = Card(
    "Quelles sont les 4 forces de l'identité numérique ?",
    (Item("Connexion"), Item("Preuve"), Item("Cohérence"), Item("Historique")),
)
PILIERS = Card("Quels sont les 3 piliers ?", (Item("Veille"), Item("Objectifs"), Item("Mesure")))


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


def make_quiz(clock: Clock, *cards: Card, seconds: float = 30) -> Quiz:
    return Quiz(
        guild_id=GUILD,
        channel_id=CHANNEL,
        deck_id=None,
        deck_title="Cours",
        cards=[(index + 1, card) for index, card in enumerate(cards or (FORCES, PILIERS))],
        round_seconds=seconds,
        clock=clock,
        starter_id=ALICE,
    )


# ------------------------------------------------------------------------------------------------ points


@pytest.mark.parametrize(
    ("taken", "bonus"),
    [(0, 5), (2.9, 5), (3.0, 5), (6, 4), (15, 3), (18, 2), (27, 1), (27.1, 0), (30, 0), (45, 0), (-1, 5)],
)
def test_speed_bonus_falls_linearly_to_zero(taken: float, bonus: int):
    assert speed_bonus(taken, 30) == bonus


def test_knowing_one_more_item_beats_speed():
    assert (ITEM_POINTS, SPEED_BONUS) == (10, 5)
    assert answer_points(0, 0, 30) == (0, 0)  # no bonus for a fast empty answer
    fast_two = sum(answer_points(2, 0, 30))
    slow_three = sum(answer_points(3, 29.9, 30))
    assert (fast_two, slow_three) == (25, 30)
    assert speed_bonus(1, 0) == 0


# ------------------------------------------------------------------------------------------------ rounds


def test_a_round_grades_each_member_once_with_points_and_bonus(clock: Clock):
    quiz = make_quiz(clock)
    first = quiz.start_round()
    assert (first.number, first.ends_at, quiz.rounds_total) == (1, START + timedelta(seconds=30), 2)
    clock.at(3)
    alice = quiz.submit(ALICE, 1, "connexion, preuve, cohérence")
    assert (alice.found, alice.credited, alice.total, alice.base, alice.bonus, alice.points) == (
        3, 3, 4, 30, 5, 35,
    )  # fmt: skip
    assert alice.found_items == ("Connexion", "Preuve", "Cohérence") and alice.seconds == 3
    clock.at(15)
    bob = quiz.submit(BOB, 1, "connexion\npreuve\ncohérence")
    assert (bob.base, bob.bonus) == (30, 3)
    carol = quiz.submit(CAROL, 1, "aucune idée")
    assert (carol.found, carol.points) == (0, 0)
    with pytest.raises(QuizError) as twice:
        quiz.submit(ALICE, 1, "historique")
    assert (twice.value.key, twice.value.values) == ("quiz.error.already_answered", {"n": 1})

    result = quiz.close_round()
    assert [a.member_id for a in result.ranking] == [ALICE, BOB, CAROL]
    assert [(s.rank, s.member_id, s.points) for s in result.standings] == [
        (1, ALICE, 35), (2, BOB, 33), (3, CAROL, 0),
    ]  # fmt: skip
    assert not result.last and quiz.has_next
    with pytest.raises(QuizError) as late:
        quiz.submit(BOB, 1, "historique")
    assert late.value.key == "quiz.error.round_closed"


def test_answers_for_another_round_are_refused(clock: Clock):
    quiz = make_quiz(clock)
    with pytest.raises(QuizError):
        quiz.check_can_answer(ALICE, 1)  # nothing started yet
    quiz.start_round()
    with pytest.raises(QuizError, match="round_closed"):
        quiz.submit(ALICE, 2, "veille")
    with pytest.raises(RuntimeError):
        quiz.start_round()  # one round at a time


def test_the_anti_spray_rule_applies(clock: Clock):
    quiz = make_quiz(clock, FORCES)
    quiz.start_round()
    spray = "connexion\npreuve\ncohérence\nhistorique\nveille\nobjectifs\nmesure\nfacebook\nlinkedin"
    answer = quiz.submit(ALICE, 1, spray)
    assert answer.found == 4 and answer.credited < 4
    assert answer.base == ITEM_POINTS * answer.credited


def test_standings_over_rounds_rank_by_points_then_time(clock: Clock):
    quiz = make_quiz(clock)
    quiz.start_round()
    clock.at(10)
    quiz.submit(ALICE, 1, "connexion")  # 10 + 3
    quiz.submit(BOB, 1, "connexion")  # 10 + 3
    quiz.close_round()
    clock.at(100)
    quiz.start_round()
    clock.at(106)
    quiz.submit(BOB, 2, "veille")  # 10 + 4: Bob leads
    clock.at(106.5)
    quiz.submit(CAROL, 2, "veille")  # 10 + 4, one answer only
    result = quiz.close_round()
    assert result.last and not quiz.has_next and quiz.current is None
    assert [(s.rank, s.member_id, s.points, s.rounds, s.items) for s in result.standings] == [
        (1, BOB, 27, 2, 2), (2, CAROL, 14, 1, 1), (3, ALICE, 13, 1, 1),
    ]  # fmt: skip
    assert [a.member_id for a in result.ranking] == [BOB, CAROL]  # same points: the faster first


def test_equal_points_and_time_share_a_rank(clock: Clock):
    quiz = make_quiz(clock, FORCES)
    quiz.start_round()
    clock.at(5)
    for member in (CAROL, ALICE, BOB):
        quiz.submit(member, 1, "preuve")
    assert [(s.rank, s.member_id) for s in quiz.close_round().standings] == [(1, ALICE), (1, BOB), (1, CAROL)]


# ------------------------------------------------------------------------------------------------ store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "tutor.db") as opened:
        yield opened


async def test_prepare_draws_rounds_from_the_deck(store: Store, clock: Clock):
    deck = Deck(title="Petit", cards=(FORCES, PILIERS, Card("Vide ?", ())))
    deck_id = await store.save_deck(None, "cours-2", deck)
    quizzes = QuizService(store, DeckLibrary(store), clock, round_seconds=20)
    quizzes.rng = random.Random(1)
    quiz = await quizzes.prepare(GUILD, CHANNEL, None, 10, ALICE)
    assert quiz.deck_id == deck_id and quiz.deck_title == "Petit" and quiz.round_seconds == 20
    assert sorted(card.question for _, card in quiz.cards) == sorted([FORCES.question, PILIERS.question])
    assert len(quiz.id) == 12
    with pytest.raises(UserError) as unknown:
        await quizzes.prepare(GUILD, CHANNEL, "nope", None, ALICE)
    assert unknown.value.key == "quiz.error.unknown_deck"


async def test_results_go_to_the_quiz_leaderboard_once(store: Store, clock: Clock):
    quiz = make_quiz(clock)
    quiz.start_round()
    clock.at(3)
    quiz.submit(ALICE, 1, "connexion preuve")
    quiz.submit(BOB, 1, "rien")
    quiz.close_round()
    assert await quiz.save(store) == 2
    assert await quiz.save(store) == 2  # idempotent: same rows
    board = await store.leaderboard(
        GUILD, "all", now=START, tz=UTC, category="quiz", member_id=BOB
    )  # the quiz category, apart from daily and practice
    assert [(row.member_id, row.points, row.answers) for row in board.rows] == [(ALICE, 25, 1), (BOB, 0, 1)]
    daily = await store.leaderboard(GUILD, "all", now=START, tz=UTC)
    assert daily.rows == ()


# ------------------------------------------------------------------------------- target and early ends


def test_the_quiz_ends_after_the_round_in_which_someone_reaches_the_target(clock: Clock):
    quiz = Quiz(
        guild_id=GUILD, channel_id=CHANNEL, deck_id=None, deck_title="Cours", clock=clock,
        cards=[(1, FORCES), (2, PILIERS), (3, FORCES)], round_seconds=30, target=40,
    )  # fmt: skip
    quiz.start_round()
    quiz.submit(ALICE, 1, "connexion preuve")  # 25
    assert quiz.winner is None  # the round is not scored yet
    assert not quiz.close_round().last and quiz.winner is None and quiz.has_next
    quiz.start_round()
    quiz.submit(BOB, 2, "veille objectifs mesure")  # 35: not enough
    quiz.submit(ALICE, 2, "veille")  # 25 + 15 = 40: reached
    result = quiz.close_round()
    assert result.last and not quiz.has_next
    assert quiz.winner is not None and quiz.winner.member_id == ALICE and quiz.winner.points == 40


def test_a_round_ends_early_once_everyone_who_joined_answered_from_the_second_round(clock: Clock):
    quiz = make_quiz(clock, FORCES, PILIERS, FORCES)
    quiz.start_round()
    quiz.submit(ALICE, 1, "connexion")
    assert not quiz.everyone_answered  # the first round runs its time: the others are still arriving
    quiz.join(BOB)  # pressed Answer, never sent it
    quiz.close_round()
    quiz.start_round()
    assert not quiz.everyone_answered
    quiz.submit(ALICE, 2, "veille")
    assert not quiz.everyone_answered  # Bob joined: the round waits for him (or for its time)
    quiz.submit(BOB, 2, "mesure")
    assert quiz.everyone_answered
    quiz.close_round()
    assert not quiz.everyone_answered  # no round open


async def test_seconds_and_target_are_bounded(store: Store, clock: Clock):
    await store.save_deck(None, "cours-2", Deck(title="Petit", cards=(FORCES, PILIERS)))
    quizzes = QuizService(store, DeckLibrary(store), clock)
    quiz = await quizzes.prepare(GUILD, CHANNEL, None, None, ALICE, seconds=45, target=100)
    assert quiz.round_seconds == 45 and quiz.target == 100
    for values, key in (({"seconds": 9}, "quiz.error.seconds"), ({"target": 1001}, "quiz.error.target")):
        with pytest.raises(QuizError) as refused:
            await quizzes.prepare(GUILD, CHANNEL, None, None, ALICE, **values)
        assert refused.value.key == key
        assert refused.value.message("fr") in (
            "Une manche dure de 10 à 300 secondes.",
            "L'objectif est de 10 à 1000 points.",
        )
