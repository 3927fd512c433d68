"""Leaderboards without Discord: pages of a guild's ranking with the caller's own rank, and a member's card.

A :class:`BoardRequest` fixes what was asked (period, deck, category, caller) and the moment it was asked,
so turning pages never shifts a period. Rankings come from the store; pictures (the /rank chart) are drawn
in a thread so the event loop keeps serving other members.
"""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot import charts
from bot.clock import Clock, checked_now
from bot.decks.library import DeckLibrary
from bot.rules.scoring import Category, Period
from bot.store import Leaderboard, Store

from .results import BoardPage, BoardRequest, RankCard
from .rules import PAGE_SIZE, offset_of, page_count, score_points

#: Recent answers drawn on the /rank chart.
RANK_HISTORY = 20


class LeaderboardService:
    def __init__(self, store: Store, decks: DeckLibrary, clock: Clock) -> None:
        self.store = store
        self.decks = decks
        self.clock = clock

    async def timezone(self, guild_id: int) -> ZoneInfo:
        """The guild's timezone for weeks and months; UTC before /tutor setup."""
        settings = await self.store.get_guild(guild_id)
        return settings.tz if settings is not None else ZoneInfo("UTC")

    async def request(
        self,
        guild_id: int,
        caller_id: int,
        period: str = "all",
        deck: str | None = None,
        category: str = "daily",
    ) -> BoardRequest:
        """What was asked, checked. Raises UserError for a deck name that is bad or unknown."""
        chosen: Period = period if period in ("week", "month", "all") else "all"  # type: ignore[assignment]
        kind: Category = category if category in ("daily", "practice", "quiz") else "daily"  # type: ignore[assignment]
        info = await self.decks.find(guild_id, deck) if deck is not None else None
        return BoardRequest(
            guild_id, caller_id, chosen, kind, info, checked_now(self.clock), await self.timezone(guild_id)
        )

    async def page(self, request: BoardRequest, page: int) -> BoardPage:
        """One page (0-based, clamped to the pages that exist) with the caller's own row."""

        async def read(offset: int) -> Leaderboard:
            return await self.store.leaderboard(
                request.guild_id,
                request.period,
                now=request.now,
                tz=request.tz,
                deck_id=request.deck.id if request.deck is not None else None,
                limit=PAGE_SIZE,
                offset=offset,
                member_id=request.caller_id,
                category=request.category,
            )

        board = await read(max(page, 0) * PAGE_SIZE)
        page, offset = offset_of(page, board.total)
        if not board.rows and board.total:  # fewer members now than when the pager was made
            board = await read(offset)
        return BoardPage(request, board, page, page_count(board.total))

    async def has_answered(self, guild_id: int, member_id: int) -> bool:
        """Whether the member has daily results in the guild (before drawing their /rank card)."""
        return await self.store.member_stats(guild_id, member_id, checked_now(self.clock)) is not None

    async def rank(self, guild_id: int, member_id: int, lang: str) -> RankCard | None:
        """A member's card for /rank, with its chart; None when they never answered."""
        stats = await self.store.member_stats(guild_id, member_id, checked_now(self.clock))
        if stats is None:
            return None
        history = await self.store.member_history(guild_id, member_id, limit=RANK_HISTORY)
        tz = await self.timezone(guild_id)
        points = score_points(history)
        png = await asyncio.to_thread(charts.recent_scores_chart, points, tz=tz, lang=lang)
        return RankCard(stats, tuple(history), tz, png)
