"""Live quizzes without Discord: the game loop of each running quiz, one per channel, and the answers to them.

Each running quiz is a :class:`RunningQuiz` with its own task: post a round's question, wait the round's time
(through the service's ``sleep``, which tests replace), close the round, post its results and the standings,
pause, and at the end the final scoreboard; the results go to the quiz leaderboard before the final message.
Where the quiz is played is a :class:`QuizTable`, which the cog implements on a channel; it raises
:class:`TableGone` when it can no longer post (a lost permission, Discord unreachable), which ends the quiz
with the rounds played kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.content import PLAIN, Content, Markup, clean_text
from bot.decks.library import DeckLibrary
from bot.errors import UserError
from bot.grading.pool import GradingPool
from bot.i18n import t
from bot.names import MemberNames
from bot.store import Store

from . import render
from .game import (
    DEFAULT_ROUND_SECONDS,
    MAX_ANSWER_CHARS,
    MAX_ROUND_SECONDS,
    MAX_TARGET,
    MIN_ROUND_SECONDS,
    MIN_TARGET,
    Quiz,
    QuizAnswer,
    QuizError,
    QuizRound,
)

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
#: Seconds between a round's scoreboard and the next question.
PAUSE_SECONDS = 8.0


class TableGone(Exception):
    """The quiz's channel can no longer be posted in (the surface's own error, as text for the log)."""


class QuizTable(Protocol):
    """Where a quiz is played. Content is rendered by the service; the table only shows it."""

    async def show_round(self, content: Content, quiz: Quiz, played: QuizRound) -> None:
        """Post the round's question with its Answer button."""
        ...

    async def close_round(self, content: Content) -> None:
        """The round's question without its button (a deleted question is no reason to fail)."""
        ...

    async def say(self, content: Content | str) -> None: ...


class RunningQuiz:
    """One quiz being played: its loop in its own task, with its own error handling."""

    def __init__(self, service: QuizService, quiz: Quiz, table: QuizTable, lang: str) -> None:
        self.service = service
        self.quiz = quiz
        self.table = table
        self.lang = lang
        self.task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._answered = asyncio.Event()
        self._round_open = False

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def request_stop(self) -> None:
        """End after the round in progress is scored (its time is cut short)."""
        self._stopping.set()

    def answered(self) -> None:
        """An answer came in: the round ends now if everyone who joined has answered it."""
        if self._round_open and self.quiz.everyone_answered:
            self._answered.set()

    async def run(self) -> None:
        try:
            await self._play()
        except asyncio.CancelledError:
            # The bot is shutting down: keep the rounds played; the channel is not told (Discord may be gone).
            await self._save_quietly()
            raise
        except TableGone as error:
            ref = secrets.token_hex(3)
            log.warning(
                "quiz %s in channel %s stopped (ref %s): %s", self.quiz.id, self.quiz.channel_id, ref, error
            )
            await self._save_quietly()
            await self._say_failed(ref)
        except Exception:
            ref = secrets.token_hex(3)
            log.exception("quiz %s failed (ref %s)", self.quiz.id, ref)
            await self._save_quietly()
            await self._say_failed(ref)
        finally:
            self.service.forget(self)

    async def _play(self) -> None:
        quiz, lang, table, service = self.quiz, self.lang, self.table, self.service
        markup = service.markup
        while quiz.has_next and not self.stopping:
            played = quiz.start_round()
            await table.show_round(render.question(quiz, played, lang, markup), quiz, played)
            self._answered.clear()
            self._round_open = True
            await self._wait(quiz.round_seconds, until_answered=True)
            result = quiz.close_round()
            self._round_open = False
            try:
                await quiz.save_round(service.store, result)
            except Exception:  # the quiz plays on; its end saves everything again
                log.exception("could not record round %d of quiz %s", played.number, quiz.id)
            await table.close_round(render.question(quiz, played, lang, markup, open_=False))
            pause = quiz.has_next and not self.stopping
            next_at = quiz.clock() + timedelta(seconds=service.pause_seconds) if pause else None
            names = await service.player_names(quiz)
            await table.say(render.round_result(quiz, result, lang, next_at, markup, names))
            if pause:
                await self._wait(service.pause_seconds)
        # Saved before the final message: whoever reads the scoreboard can already find it on the leaderboard.
        await quiz.save(service.store)
        await table.say(render.final(quiz, lang, markup, await service.player_names(quiz)))

    async def _wait(self, seconds: float, *, until_answered: bool = False) -> None:
        """The service's sleep, cut short by a stop request (and, for a round, once everyone who joined
        has answered it)."""
        if self.stopping or (until_answered and self._answered.is_set()):
            return
        waiters = [
            asyncio.ensure_future(self.service.sleep(seconds)),
            asyncio.ensure_future(self._stopping.wait()),
        ]
        if until_answered:
            waiters.append(asyncio.ensure_future(self._answered.wait()))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    async def _save_quietly(self) -> None:
        if self.quiz.saved or not self.quiz.standings():
            return
        try:
            await self.quiz.save(self.service.store)
        except Exception:
            log.exception("could not save the results of quiz %s", self.quiz.id)

    async def _say_failed(self, ref: str) -> None:
        # The open round's button first (a click would only be told the quiz is over), then the notice.
        current = self.quiz.current
        if self._round_open and current is not None:
            with contextlib.suppress(TableGone):
                await self.table.close_round(
                    render.question(self.quiz, current, self.lang, self.service.markup, open_=False)
                )
        try:
            await self.table.say(t("quiz.error.failed", self.lang, ref=ref))
        except TableGone:
            log.warning("could not tell channel %s that quiz %s stopped", self.quiz.channel_id, self.quiz.id)


class QuizService:
    """Every running quiz of this process, by channel and by quiz id (for their buttons and forms)."""

    def __init__(
        self,
        store: Store,
        decks: DeckLibrary,
        clock: Clock,
        *,
        sleep: Sleep = asyncio.sleep,
        round_seconds: float = DEFAULT_ROUND_SECONDS,
        pause_seconds: float = PAUSE_SECONDS,
        names: MemberNames | None = None,
        grader: GradingPool | None = None,
    ) -> None:
        self.store = store
        #: Grades off the event loop (the daily question's pool, shared).
        self.grader = grader or GradingPool()
        self.decks = decks
        self.clock = clock
        #: How a round's time passes; tests replace it with a timer they fire themselves.
        self.sleep = sleep
        self.round_seconds = round_seconds
        self.pause_seconds = pause_seconds
        #: The cards drawn; tests fix it.
        self.rng: random.Random | None = None
        #: How the loop writes members and times; the cog sets Discord's.
        self.markup: Markup = PLAIN
        #: Players' display names (they all pressed Answer: the bot has seen them).
        self.names = names
        self.by_channel: dict[int, RunningQuiz] = {}
        self.by_id: dict[str, RunningQuiz] = {}

    async def prepare(
        self,
        guild_id: int,
        channel_id: int,
        deck: str | None,
        rounds: int | None,
        starter_id: int,
        *,
        seconds: int | None = None,
        target: int | None = None,
    ) -> Quiz:
        """A quiz for the channel, not started yet: ``seconds`` per round (default: the service's),
        ``target`` points to end it. Raises QuizError when one runs there or a value is out of bounds,
        UserError for an unknown or empty deck."""
        if seconds is not None and not MIN_ROUND_SECONDS <= seconds <= MAX_ROUND_SECONDS:
            raise QuizError("quiz.error.seconds", low=MIN_ROUND_SECONDS, high=MAX_ROUND_SECONDS)
        if target is not None and not MIN_TARGET <= target <= MAX_TARGET:
            raise QuizError("quiz.error.target", low=MIN_TARGET, high=MAX_TARGET)
        if channel_id in self.by_channel:
            raise QuizError("quiz.error.busy")
        if rounds is not None and (isinstance(rounds, bool) or not isinstance(rounds, int)):
            raise UserError("common.error.bad_value", user={"value": str(rounds)})  # a forged client's
        playable = await self.decks.playable(guild_id, deck, "quiz")
        if channel_id in self.by_channel:  # another /quiz start won the race while the deck loaded
            raise QuizError("quiz.error.busy")
        return Quiz.from_deck(
            playable,
            guild_id=guild_id,
            channel_id=channel_id,
            rounds=rounds,
            round_seconds=float(seconds) if seconds is not None else self.round_seconds,
            clock=self.clock,
            rng=self.rng,
            starter_id=starter_id,
            target=target,
        )

    async def player_names(self, quiz: Quiz) -> dict[int, str]:
        """The display names of the quiz's starter and players, as the bot last saw them."""
        if self.names is None:
            return {}
        ids = {m for played in quiz.rounds for m in played.answers} | quiz.joined
        if quiz.starter_id is not None:
            ids.add(quiz.starter_id)
        return await self.names.names(quiz.guild_id, sorted(ids))

    def claim(self, quiz: Quiz, table: QuizTable, lang: str) -> RunningQuiz:
        """Register ``quiz`` as its channel's quiz (before announcing it); ``start`` then runs it."""
        if quiz.channel_id in self.by_channel:
            raise QuizError("quiz.error.busy")
        running = RunningQuiz(self, quiz, table, lang)
        self.by_channel[quiz.channel_id] = running
        self.by_id[quiz.id] = running
        return running

    def start(self, running: RunningQuiz) -> None:
        running.task = asyncio.create_task(running.run(), name=f"quiz {running.quiz.id}")

    def forget(self, running: RunningQuiz) -> None:
        if self.by_channel.get(running.quiz.channel_id) is running:
            del self.by_channel[running.quiz.channel_id]
        self.by_id.pop(running.quiz.id, None)

    def stop(self, channel_id: int, member_id: int, *, teacher: bool) -> None:
        """/quiz stop: who started it, or a teacher. Raises QuizError otherwise."""
        running = self.by_channel.get(channel_id)
        if running is None:
            raise QuizError("quiz.error.not_running")
        if member_id != running.quiz.starter_id and not teacher:
            raise QuizError("quiz.error.not_starter")
        running.request_stop()

    def _running(self, quiz_id: str, guild_id: int | None, channel_id: int | None = None) -> RunningQuiz:
        running = self.by_id.get(quiz_id)
        # A button or form of another server's (or another channel's) quiz is not this member's to answer.
        if running is None or running.quiz.guild_id != guild_id:
            raise QuizError("quiz.error.over")
        if channel_id is not None and running.quiz.channel_id != channel_id:
            raise QuizError("quiz.error.over")
        return running

    def language_of(self, quiz_id: str) -> str | None:
        running = self.by_id.get(quiz_id)
        return running.lang if running is not None else None

    def can_answer(
        self,
        quiz_id: str,
        guild_id: int | None,
        member_id: int,
        round_number: int,
        channel_id: int | None = None,
    ) -> tuple[Quiz, QuizRound]:
        """The quiz and its open round, if the member may answer it (the Answer button, in the quiz's
        channel when ``channel_id`` is given). Raises QuizError."""
        running = self._running(quiz_id, guild_id, channel_id)
        played = running.quiz.check_can_answer(member_id, round_number)
        running.quiz.join(member_id)  # pressed Answer: the round waits for them too
        return running.quiz, played

    async def submit(
        self,
        quiz_id: str,
        guild_id: int | None,
        member_id: int,
        round_number: int,
        reply: str,
        channel_id: int | None = None,
    ) -> QuizAnswer:
        """Grade a member's answer to a round (sent from the quiz's channel when ``channel_id`` is given),
        off the event loop with the other answers arriving at the same time. Raises QuizError (over,
        closed, already answered)."""
        quiz = self._running(quiz_id, guild_id, channel_id).quiz
        card = quiz.check_can_answer(member_id, round_number).card
        at = quiz.clock()  # the speed bonus counts from arrival, not from the end of grading
        text = clean_text(reply[:MAX_ANSWER_CHARS])
        played = quiz.check_can_answer(member_id, round_number)
        others = quiz.others_for(played.card_id)
        grade = await self.grader.grade(card.items, text, question=card.question, others=others)
        running = self._running(quiz_id, guild_id, channel_id)  # still running; checked again below
        answer = running.quiz.submit(member_id, round_number, reply, grade=grade, at=at)
        running.answered()
        return answer

    async def recover(self, present: Callable[[int], bool]) -> list[tuple[int, Content]]:
        """After a crash: every quiz whose rounds were recorded but whose results never were, in a channel
        this process can reach (``present``), ends now with the rounds played. Their results go to the quiz
        leaderboard; returns what to post in each channel (the quiz's visible end)."""
        ended: list[tuple[int, Content]] = []
        for unfinished in await self.store.unfinished_quizzes():
            if unfinished.quiz_id in self.by_id or not present(unfinished.channel_id):
                continue
            await self.store.record_quiz_results(
                unfinished.guild_id,
                unfinished.quiz_id,
                unfinished.results,
                finished_at=self.clock(),
                deck_id=unfinished.deck_id,
            )
            settings = await self.store.get_guild(unfinished.guild_id)
            info = await self.store.get_deck_info(unfinished.deck_id) if unfinished.deck_id else None
            lang = settings.language if settings is not None else "en"
            title = info.title if info is not None else "—"
            names = None
            if self.names is not None:
                names = await self.names.names(unfinished.guild_id, [r.member_id for r in unfinished.results])
            ended.append(
                (unfinished.channel_id, render.interrupted(unfinished, title, lang, self.markup, names))
            )
            log.info("quiz %s ended after a restart with %d rounds", unfinished.quiz_id, unfinished.rounds)
        return ended

    async def close(self) -> None:
        """Stop every quiz with the process, keeping the rounds played."""
        running = list(self.by_channel.values())
        for quiz in running:
            if quiz.task is not None:
                quiz.task.cancel()
        await asyncio.gather(*(q.task for q in running if q.task is not None), return_exceptions=True)
