"""What the teacher service hands its surfaces: a /stats view, an import preview, a /stats question choice,
an accepted alias as /deck show lists it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.decks import Card, Deck
from bot.store import DeckInfo, PostStats

from .aliases import Loop


@dataclass(frozen=True, slots=True)
class StatsView:
    stats: PostStats
    card: Card | None
    labels: list[str]
    open: bool
    chart_png: bytes | None
    #: What the class typed that earned nothing, and the aliases the guild's teachers accepted for the card.
    loop: Loop | None = None


@dataclass(frozen=True, slots=True)
class ImportPreview:
    guild_id: int
    filename: str
    name: str
    deck: Deck
    existing: DeckInfo | None


@dataclass(frozen=True, slots=True)
class QuestionChoice:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class DeckAlias:
    """An alias a teacher accepted, as /deck show lists it: the card's number in the deck, the item's key."""

    card_number: int
    answer: str
    alias: str
