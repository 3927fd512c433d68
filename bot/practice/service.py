"""Private practice sessions for Discord, without Discord: choose cards, grade answers, remember the session.

A member practises one deck at a time per guild. ``PracticeService.start`` picks the cards by spaced
repetition (those due for review first, then new ones, then the rest soonest due first) and saves the
session; ``answer`` grades a reply with the same grader as the daily question, records the card's new fsrs
state and the practice points (kept apart from the daily competition) and returns the full feedback;
``advance`` moves to the next question and ``stop`` ends the session with its summary.

The session is saved in the store after every step, as JSON owned by this module, so buttons pressed after a
restart of the bot carry on where the member was. A session nobody touched for ``IDLE_LIFETIME`` expires:
the member is told so clearly (``Gone("expired")``) and the stored session is dropped. A button of a session
that was stopped, finished or replaced by a newer ``/practice`` answers ``Gone("ended")``.

Each step carries the session id and the card position it was shown for, so a double click or an old
message can never answer a card twice nor skip one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock, utc_now
from bot.content import clean_text
from bot.decks import Card
from bot.decks.library import DeckLibrary
from bot.errors import UserError
from bot.grading import grade_reply
from bot.rules import scoring
from bot.rules.spaced import practice_order, review
from bot.store import Store

#: A session left alone this long expires (its buttons then say so).
IDLE_LIFETIME = timedelta(hours=1)
DEFAULT_COUNT = 5
MAX_COUNT = 25
#: Replies longer than this are graded on their beginning (Discord's modal allows 4,000 characters).
MAX_ANSWER_CHARS = 4000

_STATE_VERSION = 1


# ----------------------------------------------------------------------------------------------- errors


class PracticeError(UserError):
    """Something about a practice session the member must be told (already answered, stale button)."""


# ----------------------------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class SessionState:
    """What is saved between steps. ``position`` indexes ``card_ids``; ``answered`` says whether the card at
    ``position`` has been answered (its feedback shown, waiting for Next)."""

    id: str
    deck_id: int
    deck_name: str
    deck_title: str
    card_ids: tuple[int, ...]
    position: int = 0
    answered: bool = False
    scores: tuple[float, ...] = ()
    points: int = 0
    #: The card of each score, in the same order (sessions saved before it was kept have none).
    answered_ids: tuple[int, ...] = ()

    @property
    def finished(self) -> bool:
        return self.position >= len(self.card_ids)

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": _STATE_VERSION,
                "id": self.id,
                "deck_id": self.deck_id,
                "deck_name": self.deck_name,
                "deck_title": self.deck_title,
                "card_ids": list(self.card_ids),
                "position": self.position,
                "answered": self.answered,
                "scores": list(self.scores),
                "points": self.points,
                "answered_ids": list(self.answered_ids),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> SessionState | None:
        """The state, or None when it is not one this version wrote (treated as an ended session)."""
        try:
            data = json.loads(text)
            if data.get("v") != _STATE_VERSION:
                return None
            return cls(
                id=str(data["id"]),
                deck_id=int(data["deck_id"]),
                deck_name=str(data["deck_name"]),
                deck_title=str(data["deck_title"]),
                card_ids=tuple(int(c) for c in data["card_ids"]),
                position=int(data["position"]),
                answered=bool(data["answered"]),
                scores=tuple(float(s) for s in data["scores"]),
                points=int(data["points"]),
                answered_ids=tuple(int(c) for c in data.get("answered_ids", ())),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


# ----------------------------------------------------------------------------------------------- steps


@dataclass(frozen=True, slots=True)
class Question:
    """A question to show, with what its buttons must carry (``session_id``, ``position``)."""

    session_id: str
    position: int
    number: int  # 1-based
    total: int
    deck_title: str
    card_id: int
    question: str
    item_count: int


@dataclass(frozen=True, slots=True)
class Started:
    """A new session and its first question; ``due``/``new``/``ahead`` count the chosen cards by kind."""

    question: Question
    deck_name: str
    due: int
    new: int
    ahead: int
    mode: Mode = "spaced"


@dataclass(frozen=True, slots=True)
class FoundItem:
    answer: str
    part: str  # the words of the reply that earned it
    via: str  # "answer", "alias" or "detail"


@dataclass(frozen=True, slots=True)
class MissedItem:
    answer: str
    detail: str


@dataclass(frozen=True, slots=True)
class WeakCard:
    """A card of the session that went worst: its question and score."""

    question: str
    score: float


@dataclass(frozen=True, slots=True)
class Summary:
    deck_title: str
    answered: int
    total: int
    average: float
    best: float
    points: int
    #: The session's weakest cards (missed something), worst first.
    weakest: tuple[WeakCard, ...] = ()
    #: When spaced repetition next asks a card of this deck.
    next_review: datetime | None = None


@dataclass(frozen=True, slots=True)
class Feedback:
    """Everything about one graded answer. ``summary`` is set when it was the session's last card."""

    question: Question
    found: tuple[FoundItem, ...]
    missed: tuple[MissedItem, ...]
    unmatched: tuple[str, ...]
    penalty: int
    score: float
    found_count: int
    total: int
    points: int  # earned by this answer
    practice_points: int  # the member's practice points in the guild, this answer included
    due: datetime  # when spaced repetition brings this card back
    summary: Summary | None = None
    #: The member pressed "I don't know": a miss, shown with every item and detail.
    gave_up: bool = False

    @property
    def last(self) -> bool:
        return self.summary is not None


@dataclass(frozen=True, slots=True)
class Gone:
    """A button of a session that is no longer there: ``"expired"`` (idle too long) or ``"ended"``."""

    reason: Literal["expired", "ended"]


Step = Question | Summary
Mode = Literal["spaced", "mistakes"]
#: Cards of a session's summary listed as the weakest.
WEAKEST_SHOWN = 3


# ----------------------------------------------------------------------------------------------- service


class PracticeService:
    """The practice sessions of every member, on the store. One instance per bot; safe across tasks."""

    def __init__(
        self,
        store: Store,
        decks: DeckLibrary,
        *,
        clock: Clock | None = None,
        lifetime: timedelta = IDLE_LIFETIME,
    ) -> None:
        self.store = store
        self.decks = decks
        self.clock = clock or utc_now
        self.lifetime = lifetime
        # One lock per member and guild: a double click must not grade or advance twice.
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def _member(self, guild_id: int, member_id: int) -> AsyncIterator[None]:
        key = (guild_id, member_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            # Keep the table small: drop a lock nobody holds or waits for.
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]

    # -------------------------------------------------------------------------------------- operations

    async def start(
        self,
        guild_id: int,
        member_id: int,
        deck_name: str | None = None,
        count: int | None = None,
        mode: Mode = "spaced",
    ) -> Started:
        """Start a session (replacing the member's previous one in this guild) and return its first question.

        ``mode``: ``"spaced"`` (due cards first, then new ones) or ``"mistakes"`` (the cards the member got
        wrong the last time they answered them, the most recent first). Raises
        ``UserError("practice.error.…")`` for an unknown or empty deck, or no mistakes to practise, before
        anything is stored.
        """
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            # Discord's client sends a whole number; a forged or outdated one may send anything.
            raise UserError("common.error.bad_value", user={"value": str(count)})
        wanted = DEFAULT_COUNT if count is None else max(1, min(MAX_COUNT, count))
        deck = await self.decks.playable(guild_id, deck_name, "practice")
        info, stored, usable = deck.info, deck.stored, list(deck.usable)
        async with self._member(guild_id, member_id):
            now = self.clock()
            due = {r.card_id: r.due for r in await self.store.deck_reviews(member_id, info.id)}
            if mode == "mistakes":
                playable = set(usable)
                mistakes = await self.store.recent_mistakes(guild_id, member_id, info.id, limit=MAX_COUNT)
                chosen = [c for c in mistakes if c in playable][:wanted]
                if not chosen:
                    raise UserError("practice.error.no_mistakes", user={"name": info.name})
            else:
                chosen = practice_order(usable, due, now)[:wanted]
            state = SessionState(
                id=secrets.token_hex(4),
                deck_id=info.id,
                deck_name=info.name,
                deck_title=stored.deck.title,
                card_ids=tuple(chosen),
            )
            question = await self._question(state, guild_id, member_id)
            if not isinstance(question, Question):  # every card vanished meanwhile (a deck removed)
                raise UserError("practice.error.empty_deck", user={"name": info.name})
            return Started(
                question=question,
                deck_name=info.name,
                due=sum(1 for c in chosen if c in due and due[c] <= now),
                new=sum(1 for c in chosen if c not in due),
                ahead=sum(1 for c in chosen if c in due and due[c] > now),
                mode=mode,
            )

    async def question(self, guild_id: int, member_id: int, session_id: str) -> Question | Summary | Gone:
        """The session's current question (for the Answer button).

        Raises ``PracticeError("practice.error.already_answered")`` when it was answered already.
        """
        async with self._member(guild_id, member_id):
            state = await self._load(guild_id, member_id, session_id)
            if isinstance(state, Gone):
                return state
            if state.answered:
                raise PracticeError("practice.error.already_answered")
            return await self._question(state, guild_id, member_id)

    async def give_up(self, guild_id: int, member_id: int, session_id: str, position: int) -> Feedback | Gone:
        """ "I don't know — show me": the card counts as a miss (spaced repetition records a fail, no points)
        and the feedback shows every item with its details."""
        return await self.answer(guild_id, member_id, session_id, position, "", gave_up=True)

    async def answer(
        self,
        guild_id: int,
        member_id: int,
        session_id: str,
        position: int,
        reply: str,
        *,
        gave_up: bool = False,
    ) -> Feedback | Gone:
        """Grade ``reply`` to the card shown at ``position``, record it, and return the full feedback.

        Raises ``PracticeError("practice.error.already_answered")`` for a card already answered or no longer
        current (a second modal of the same question, an old message).
        """
        async with self._member(guild_id, member_id):
            state = await self._load(guild_id, member_id, session_id)
            if isinstance(state, Gone):
                return state
            if state.answered or position != state.position or state.finished:
                raise PracticeError("practice.error.already_answered")
            # With the aliases the guild's teachers accepted (none in direct messages).
            stored = await self.store.get_card(state.card_ids[position], guild_id=guild_id)
            if stored is None:  # its deck was removed meanwhile: nothing to grade against
                await self.store.delete_practice_session(guild_id, member_id)
                return Gone("ended")
            card = stored.card
            others = await self.decks.others(stored.deck_id, stored.id, guild_id)
            # A session started before this card became the open daily question: no missed items shown.
            secret = stored.id in await self.decks.hidden_cards(guild_id)
            grade = grade_reply(
                card.items,
                "" if gave_up else clean_text(reply[:MAX_ANSWER_CHARS]),
                question=card.question,
                others=others,
            )
            now = self.clock()
            previous = await self.store.get_review(member_id, stored.id)
            fsrs_state, due = review(previous.state if previous else None, grade.score, now)
            earned = scoring.points_for(grade.score)
            total_points = await self.store.record_practice(
                guild_id, member_id, stored.id, state=fsrs_state, due=due, score=grade.score,
                answered_at=now, points=earned,
            )  # fmt: skip
            state = replace(
                state,
                answered=True,
                scores=(*state.scores, grade.score),
                points=state.points + earned,
                answered_ids=(*state.answered_ids, stored.id),
            )
            last = state.position + 1 >= len(state.card_ids)
            if last:
                await self.store.delete_practice_session(guild_id, member_id)
            else:
                await self._save(state, guild_id, member_id)
            return Feedback(
                question=_as_question(state, position, stored.id, card),
                found=tuple(
                    FoundItem(card.items[c.item].answer, c.part, c.via)
                    for c in sorted(grade.credits, key=lambda c: c.item)
                ),
                missed=()
                if secret
                else tuple(
                    MissedItem(item.answer, item.detail)
                    for index, item in enumerate(card.items)
                    if index not in grade.matched
                ),
                unmatched=tuple(grade.unmatched),
                penalty=grade.penalty,
                score=grade.score,
                found_count=grade.found,
                total=grade.total,
                points=earned,
                practice_points=total_points,
                due=due,
                summary=await self._summary(state, member_id) if last else None,
                gave_up=gave_up,
            )

    async def advance(self, guild_id: int, member_id: int, session_id: str, position: int) -> Step | Gone:
        """Next: leave the answered card at ``position`` for the next question, or the summary after the last.

        Idempotent: pressing Next twice for the same card moves once; the current step is returned.
        """
        async with self._member(guild_id, member_id):
            state = await self._load(guild_id, member_id, session_id)
            if isinstance(state, Gone):
                return state
            if state.answered:
                if state.position != position:  # a Next of an earlier card: its card was moved past
                    raise PracticeError("practice.error.stale")
                state = replace(state, position=position + 1, answered=False)
            return await self._question(state, guild_id, member_id)

    async def stop(self, guild_id: int, member_id: int, session_id: str) -> Summary | Gone:
        """End the session now and return its summary."""
        async with self._member(guild_id, member_id):
            state = await self._load(guild_id, member_id, session_id)
            if isinstance(state, Gone):
                return state
            await self.store.delete_practice_session(guild_id, member_id)
            return await self._summary(state, member_id)

    # -------------------------------------------------------------------------------------- internals

    async def _summary(self, state: SessionState, member_id: int) -> Summary:
        """The session's figures, its weakest cards (worst first) and when the deck's next review is due."""
        scores = state.scores
        scored = list(zip(state.answered_ids, scores, strict=False))
        weak = sorted(((score, index, card_id) for index, (card_id, score) in enumerate(scored) if score < 1))
        weakest: list[WeakCard] = []
        for score, _index, card_id in weak[:WEAKEST_SHOWN]:
            card = await self.store.get_card(card_id)
            if card is not None:
                weakest.append(WeakCard(card.card.question, score))
        reviews = await self.store.deck_reviews(member_id, state.deck_id)
        return Summary(
            deck_title=state.deck_title,
            answered=len(scores),
            total=len(state.card_ids),
            average=sum(scores) / len(scores) if scores else 0.0,
            best=max(scores) if scores else 0.0,
            points=state.points,
            weakest=tuple(weakest),
            next_review=reviews[0].due if reviews else None,
        )

    async def _load(self, guild_id: int, member_id: int, session_id: str) -> SessionState | Gone:
        saved = await self.store.load_practice_session(guild_id, member_id)
        state = SessionState.from_json(saved.state) if saved is not None else None
        if saved is None or state is None or state.id != session_id:
            return Gone("ended")
        if saved.expires_at <= self.clock():
            await self.store.delete_practice_session(guild_id, member_id)
            return Gone("expired")
        return state

    async def _save(self, state: SessionState, guild_id: int, member_id: int) -> None:
        expires = self.clock() + self.lifetime
        await self.store.save_practice_session(guild_id, member_id, state.to_json(), expires_at=expires)

    async def _question(self, state: SessionState, guild_id: int, member_id: int) -> Question | Summary:
        """The question at ``state.position``, skipping cards removed since the session started; the session
        is saved at that position, or dropped with its summary when no card is left."""
        position = state.position
        while position < len(state.card_ids):
            stored = await self.store.get_card(state.card_ids[position])
            if stored is not None and stored.card.items:
                if position != state.position:
                    state = replace(state, position=position)
                await self._save(state, guild_id, member_id)
                return _as_question(state, position, stored.id, stored.card)
            position += 1
        await self.store.delete_practice_session(guild_id, member_id)
        return await self._summary(state, member_id)


def _as_question(state: SessionState, position: int, card_id: int, card: Card) -> Question:
    return Question(
        session_id=state.id,
        position=position,
        number=position + 1,
        total=len(state.card_ids),
        deck_title=state.deck_title,
        card_id=card_id,
        question=card.question,
        item_count=len(card.items),
    )
