"""Spaced repetition for practice, on the ``fsrs`` package: partial credit becomes a recall rating.

Pure functions of the stored card state, the grade and the clock. A card's state is kept as fsrs's own JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from fsrs import Card, Rating, Scheduler

# Fuzzing spreads due dates randomly; practice must be reproducible in tests and fair between members.
_SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(score: float) -> Rating:
    """Partial recall maps to a rating: nearly all items is Easy, most is Good, some is Hard, few is Again."""
    if score >= 0.9:
        return Rating.Easy
    if score >= 0.6:
        return Rating.Good
    if score >= 0.3:
        return Rating.Hard
    return Rating.Again


def review(state: str | None, score: float, now: datetime) -> tuple[str, datetime]:
    """The card's next state (fsrs JSON) and when it is due again, after an answer scoring ``score``."""
    card = Card.from_json(state) if state else Card()
    card, _log = _SCHEDULER.review_card(card, rating_for(score), review_datetime=now)
    return card.to_json(), card.due


def practice_order(card_ids: Iterable[int], due: Mapping[int, datetime], now: datetime) -> list[int]:
    """Cards to ask: those due first (most overdue first), then new ones, then the rest by due date."""
    ids = list(card_ids)
    overdue = sorted((c for c in ids if c in due and due[c] <= now), key=lambda c: due[c])
    new = [c for c in ids if c not in due]
    later = sorted((c for c in ids if c in due and due[c] > now), key=lambda c: due[c])
    return overdue + new + later
