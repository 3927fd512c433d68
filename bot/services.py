"""Every feature's service, built once from the store, the clock and the settings: what the cogs receive.

The runner makes one :class:`Services` when it has opened the store; each cog reaches the core only through
it (``bot.services.daily``, ``bot.services.practice``...), never the store. Tests build one the same way on
a store of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock, utc_now
from .daily.rules import Shards
from .daily.scheduler import DailyRunner
from .daily.service import DailyService
from .decks.library import DeckLibrary
from .grading.pool import GradingPool
from .leaderboard.service import LeaderboardService
from .names import MemberNames
from .practice.service import PracticeService
from .quiz.service import QuizService
from .store import GuildSettings, Store
from .teacher.service import TeacherService


@dataclass(frozen=True, slots=True)
class Services:
    store: Store
    clock: Clock
    decks: DeckLibrary
    daily: DailyService
    #: Posts and reveals the daily question on the publisher the daily cog attaches.
    posting: DailyRunner
    practice: PracticeService
    quiz: QuizService
    leaderboard: LeaderboardService
    teacher: TeacherService
    #: Members' display names as the bot last saw them (in memory, and kept in the store).
    names: MemberNames

    @classmethod
    def build(
        cls,
        store: Store,
        clock: Clock = utc_now,
        *,
        shards: Shards | None = None,
        grading_process: bool = False,
    ) -> Services:
        """``shards``: the shards this process runs, whose guilds alone it posts for (None: every guild);
        ``grading_process``: answers are graded in a process of their own (else in a worker thread)."""
        decks = DeckLibrary(store)
        grader = GradingPool(process=grading_process)
        daily = DailyService(store, clock, decks, shards=shards, grader=grader)
        names = MemberNames(store)
        return cls(
            store=store,
            clock=clock,
            decks=decks,
            daily=daily,
            posting=DailyRunner(daily),
            practice=PracticeService(store, decks, clock=clock),
            quiz=QuizService(store, decks, clock, names=names, grader=daily.grader),
            leaderboard=LeaderboardService(store, decks, clock),
            teacher=TeacherService(store, decks, clock, card_changed=daily.forget_card),
            names=names,
        )

    async def language(self, guild_id: int | None, locale: str | None) -> str:
        """The guild's chosen language; before set-up, the language of ``locale`` (its preferred one)."""
        return await self.daily.language(guild_id, locale)

    async def guild_settings(self, guild_id: int) -> GuildSettings | None:
        """The guild's set-up (briefly cached): its language, its teacher role."""
        return await self.daily.settings(guild_id)

    async def close(self) -> None:
        """End what runs on its own (live quizzes, re-grading catch-ups), keeping what was played and the
        names not yet written."""
        await self.quiz.close()
        await self.teacher.aliases.close()
        await self.names.close()
        await self.decks.close()
        self.daily.grader.close()
