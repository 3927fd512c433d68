"""One live quiz as a pure game: rounds, answers graded per member, points with a speed bonus, standings.

A quiz is a race in one channel: each round shows a card's question, members answer within the round's time,
and each member's first answer to a round counts. Answers are graded with the same grader as the daily
question (:func:`bot.grading.grade_reply`).

Points for an answer::

    items   = items found, minus the anti-spray penalty  (round(score × items on the card))
    points  = 10 × items + speed bonus
    bonus   = round(5 × time left / round time)          (0 when no item was credited)

The bonus falls linearly from 5 points for an instant answer to 0 at the deadline, so naming one more item
(10 points) always beats answering faster (at most 5 points), and between equal answers the faster one wins.
Standings rank by points, then by the total time taken over the answered rounds (faster first).

A quiz may have a ``target``: it ends after the round in which someone reaches that many points. From the
second round on, a round ends early once everyone who joined the quiz (answered one of its rounds, or
pressed Answer) has answered it.

Results go to the store with :meth:`Quiz.save` (``record_quiz_result``: the quiz leaderboard category, apart
from daily and practice points). The clock is injected; the round timer belongs to the loop that drives the
quiz (:mod:`bot.quiz.service`).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock, utc_now
from bot.content import clean_text
from bot.decks import Card, Item
from bot.decks.library import PlayableDeck
from bot.errors import UserError
from bot.grading import Grade, grade_reply
from bot.store import QuizResultRow, Store

#: Points per credited item.
ITEM_POINTS = 10
#: The speed bonus of an instant answer; it falls linearly to 0 at the end of the round.
SPEED_BONUS = 5
DEFAULT_ROUNDS = 5
MAX_ROUNDS = 20
DEFAULT_ROUND_SECONDS = 60.0
#: What ``/quiz start seconds:`` accepts for a round.
MIN_ROUND_SECONDS = 10
MAX_ROUND_SECONDS = 300
#: What ``/quiz start target:`` accepts: the quiz ends once someone has that many points.
MIN_TARGET = 10
MAX_TARGET = 1000
#: Answers longer than this are graded on their beginning (Discord's modal allows 4,000 characters).
MAX_ANSWER_CHARS = 4000

__all__ = [
    "DEFAULT_ROUNDS",
    "DEFAULT_ROUND_SECONDS",
    "ITEM_POINTS",
    "MAX_ROUNDS",
    "SPEED_BONUS",
    "Quiz",
    "QuizAnswer",
    "QuizError",
    "QuizRound",
    "RoundResult",
    "Standing",
    "answer_points",
    "speed_bonus",
]


class QuizError(UserError):
    """An answer or a click the quiz refuses (the round is over, already answered)."""


def speed_bonus(seconds_taken: float, round_seconds: float) -> int:
    """``round(5 × time left / round time)``, halves up: 5 for an instant answer, 0 at the deadline."""
    if round_seconds <= 0:
        return 0
    left = min(max(round_seconds - seconds_taken, 0.0), round_seconds)
    return int(SPEED_BONUS * left / round_seconds + 0.5)


def answer_points(credited: int, seconds_taken: float, round_seconds: float) -> tuple[int, int]:
    """(points for the items, speed bonus) of an answer crediting ``credited`` items."""
    if credited <= 0:
        return 0, 0
    return ITEM_POINTS * credited, speed_bonus(seconds_taken, round_seconds)


@dataclass(frozen=True, slots=True)
class QuizAnswer:
    """One member's graded answer to one round."""

    member_id: int
    round_number: int
    found: int  # items the grader recognised
    credited: int  # after the anti-spray penalty
    total: int  # items on the card
    found_items: tuple[str, ...]  # their keys, in card order
    base: int
    bonus: int
    seconds: float  # from the start of the round
    answered_at: datetime
    wrong: int = 0  # parts of the reply that named nothing on the card

    @property
    def points(self) -> int:
        return self.base + self.bonus


@dataclass(slots=True)
class QuizRound:
    number: int  # 1-based
    card_id: int
    card: Card
    started_at: datetime
    ends_at: datetime
    answers: dict[int, QuizAnswer] = field(default_factory=dict)
    open: bool = True


@dataclass(frozen=True, slots=True)
class Standing:
    """A member's place in the quiz so far. Equal points and equal time share a rank."""

    rank: int
    member_id: int
    points: int
    rounds: int  # rounds answered
    items: int  # items credited over the quiz
    seconds: float  # time taken over the answered rounds


@dataclass(frozen=True, slots=True)
class RoundResult:
    round: QuizRound
    ranking: tuple[QuizAnswer, ...]  # this round's answers, best first
    standings: tuple[Standing, ...]
    last: bool  # no round left


def _ranked(answers: Sequence[QuizAnswer]) -> tuple[QuizAnswer, ...]:
    return tuple(sorted(answers, key=lambda a: (-a.points, a.seconds, a.member_id)))


class Quiz:
    """One live quiz: the cards of its rounds, the answers, the points. Not thread-safe; one event loop."""

    def __init__(
        self,
        *,
        guild_id: int,
        channel_id: int,
        deck_id: int | None,
        deck_title: str,
        cards: Sequence[tuple[int, Card]],
        round_seconds: float = DEFAULT_ROUND_SECONDS,
        clock: Clock | None = None,
        quiz_id: str | None = None,
        starter_id: int | None = None,
        target: int | None = None,
    ) -> None:
        if not cards:
            raise ValueError("a quiz needs at least one card")
        if target is not None and target <= 0:
            raise ValueError("a target is a positive number of points")
        if round_seconds <= 0:
            raise ValueError("a round lasts a positive number of seconds")
        self.id = quiz_id or secrets.token_hex(6)
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.deck_id = deck_id
        self.deck_title = deck_title
        self.cards = tuple(cards)
        #: The deck's cards, each round's answers graded by meaning against the others (None: the card alone).
        self.deck_cards: tuple[tuple[int, Card], ...] | None = None
        self.round_seconds = float(round_seconds)
        self.clock = clock or utc_now
        self.starter_id = starter_id
        self.target = target
        self.rounds: list[QuizRound] = []
        #: Who joined: answered a round of this quiz, or pressed Answer.
        self.joined: set[int] = set()
        self.saved = False

    @classmethod
    def from_deck(
        cls,
        deck: PlayableDeck,
        *,
        guild_id: int,
        channel_id: int,
        rounds: int | None = None,
        round_seconds: float = DEFAULT_ROUND_SECONDS,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        starter_id: int | None = None,
        target: int | None = None,
    ) -> Quiz:
        """A quiz of ``rounds`` cards drawn at random from a deck's usable cards."""
        wanted = DEFAULT_ROUNDS if rounds is None else max(1, min(MAX_ROUNDS, rounds))
        chosen = (rng or random.Random()).sample(deck.usable, min(wanted, len(deck.usable)))
        by_id = dict(zip(deck.stored.card_ids, deck.stored.deck.cards, strict=True))
        quiz = cls(
            guild_id=guild_id,
            channel_id=channel_id,
            deck_id=deck.info.id,
            deck_title=deck.stored.deck.title,
            cards=[(card_id, by_id[card_id]) for card_id in chosen],
            round_seconds=round_seconds,
            clock=clock,
            starter_id=starter_id,
            target=target,
        )
        quiz.deck_cards = tuple(by_id.items())
        return quiz

    # ------------------------------------------------------------------------------------------ rounds

    @property
    def rounds_total(self) -> int:
        return len(self.cards)

    @property
    def current(self) -> QuizRound | None:
        """The round open for answers, if any."""
        if self.rounds and self.rounds[-1].open:
            return self.rounds[-1]
        return None

    @property
    def has_next(self) -> bool:
        return self.current is None and len(self.rounds) < self.rounds_total and self.winner is None

    @property
    def winner(self) -> Standing | None:
        """The leader once the target is reached (after a round is scored), else None."""
        if self.target is None:
            return None
        scored = [r for r in self.rounds if not r.open]
        if not scored:
            return None
        standings = self.standings(only=scored)
        return standings[0] if standings and standings[0].points >= self.target else None

    def join(self, member_id: int) -> None:
        """A member pressed Answer: the round now waits for their answer too (or for its time)."""
        self.joined.add(member_id)

    @property
    def everyone_answered(self) -> bool:
        """Whether everyone who joined has answered the open round (it can end now). Not in the first
        round: who plays is known once a round was played (the first answer must not end the race before
        the others have even opened the question)."""
        current = self.current
        return (
            current is not None
            and current.number > 1
            and bool(self.joined)
            and self.joined <= current.answers.keys()
        )

    def start_round(self) -> QuizRound:
        if not self.has_next:
            raise RuntimeError("a round is still open, or every round was played")
        card_id, card = self.cards[len(self.rounds)]
        now = self.clock()
        played = QuizRound(
            number=len(self.rounds) + 1,
            card_id=card_id,
            card=card,
            started_at=now,
            ends_at=now + timedelta(seconds=self.round_seconds),
        )
        self.rounds.append(played)
        return played

    def check_can_answer(self, member_id: int, round_number: int) -> QuizRound:
        """The open round ``round_number`` if ``member_id`` may still answer it; else :class:`QuizError`."""
        current = self.current
        if current is None or current.number != round_number:
            raise QuizError("quiz.error.round_closed", n=round_number)
        if member_id in current.answers:
            raise QuizError("quiz.error.already_answered", n=round_number)
        return current

    def others_for(self, card_id: int) -> list[tuple[Item, ...]] | None:
        """The items of the deck's other cards, which grading by meaning calibrates a round's answers
        against (None: the quiz knows only its own cards)."""
        if self.deck_cards is None:
            return None
        return [other.items for other_id, other in self.deck_cards if other_id != card_id]

    def submit(
        self,
        member_id: int,
        round_number: int,
        reply: str,
        *,
        grade: Grade | None = None,
        at: datetime | None = None,
    ) -> QuizAnswer:
        """Grade a member's first answer to the open round; later ones and late ones raise QuizError.

        ``grade`` and ``at``: the answer graded already (off the event loop) and when it arrived."""
        current = self.check_can_answer(member_id, round_number)
        now = at or self.clock()
        card = current.card
        if grade is None:
            grade = grade_reply(
                card.items,
                clean_text(reply[:MAX_ANSWER_CHARS]),
                question=card.question,
                others=self.others_for(current.card_id),
            )
        credited = round(grade.score * grade.total)
        seconds = max((now - current.started_at).total_seconds(), 0.0)
        base, bonus = answer_points(credited, seconds, self.round_seconds)
        answer = QuizAnswer(
            member_id=member_id,
            round_number=round_number,
            found=grade.found,
            credited=credited,
            total=grade.total,
            found_items=tuple(card.items[i].answer for i in grade.matched),
            base=base,
            bonus=bonus,
            seconds=seconds,
            answered_at=now,
            wrong=len(grade.unmatched),
        )
        current.answers[member_id] = answer
        self.joined.add(member_id)
        return answer

    def close_round(self) -> RoundResult:
        current = self.current
        if current is None:
            raise RuntimeError("no round is open")
        current.open = False
        return RoundResult(
            round=current,
            ranking=_ranked(list(current.answers.values())),
            standings=self.standings(),
            last=len(self.rounds) >= self.rounds_total or self.winner is not None,
        )

    def standings(self, only: Sequence[QuizRound] | None = None) -> tuple[Standing, ...]:
        """Everyone who answered at least once (in ``only`` those rounds), best first (points, then less
        time)."""
        totals: dict[int, list[float]] = {}
        for played in self.rounds if only is None else only:
            for answer in played.answers.values():
                row = totals.setdefault(answer.member_id, [0, 0, 0, 0.0])
                row[0] += answer.points
                row[1] += 1
                row[2] += answer.credited
                row[3] += answer.seconds
        order = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[1][3], kv[0]))
        out: list[Standing] = []
        for index, (member_id, (points, rounds, items, seconds)) in enumerate(order):
            tied = out and out[-1].points == points and out[-1].seconds == seconds
            rank = out[-1].rank if tied else index + 1
            out.append(Standing(rank, member_id, int(points), int(rounds), int(items), seconds))
        return tuple(out)

    @property
    def played(self) -> int:
        """Rounds started so far (the open one included)."""
        return len(self.rounds)

    async def save(self, store: Store, finished_at: datetime | None = None) -> int:
        """Keep every participant's result in the quiz leaderboard; returns how many. Saving twice rewrites
        the same rows (the store keys them by quiz id), so a quiz cut short and then saved again is safe."""
        at = finished_at or self.clock()
        standings = self.standings()
        await store.record_quiz_results(
            self.guild_id,
            self.id,
            [QuizResultRow(row.member_id, row.points, row.rounds) for row in standings],
            finished_at=at,
            deck_id=self.deck_id,
        )
        self.saved = True
        return len(standings)

    async def save_round(self, store: Store, result: RoundResult) -> None:
        """Keep a closed round's points at once: a crash before the end keeps the rounds played."""
        await store.record_quiz_round(
            self.guild_id,
            self.id,
            result.round.number,
            channel_id=self.channel_id,
            points={a.member_id: a.points for a in result.round.answers.values()},
            closed_at=self.clock(),
            deck_id=self.deck_id,
        )
