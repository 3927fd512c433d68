"""The leaderboard's pure rules: how a ranking is cut into pages, and a member's history as chart points."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store import HistoryEntry

#: Rows on one page of the leaderboard.
PAGE_SIZE = 10


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for ``total`` ranked members; at least one."""
    return max(1, -(-total // size))


def offset_of(page: int, total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """(page, offset) for a 0-based page, clamped to the pages that exist."""
    page = min(max(page, 0), page_count(total, size) - 1)
    return page, page * size


def score_points(history: Sequence[HistoryEntry]) -> list[tuple[datetime, float]]:
    """A member's history (newest first, as the store gives it) as chart points, oldest first."""
    return [(entry.answered_at, entry.score) for entry in reversed(history)]
