"""What the leaderboard service hands its surfaces: a request fixed in time, a page, a /rank card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rules.scoring import Category, Period
from bot.store import DeckInfo, HistoryEntry, Leaderboard, MemberStats


@dataclass(frozen=True, slots=True)
class BoardRequest:
    guild_id: int
    caller_id: int
    period: Period
    category: Category
    deck: DeckInfo | None
    now: datetime
    tz: ZoneInfo


@dataclass(frozen=True, slots=True)
class BoardPage:
    request: BoardRequest
    board: Leaderboard
    page: int  # 0-based, the one actually shown
    pages: int


@dataclass(frozen=True, slots=True)
class RankCard:
    stats: MemberStats
    history: tuple[HistoryEntry, ...]
    tz: ZoneInfo
    chart_png: bytes
