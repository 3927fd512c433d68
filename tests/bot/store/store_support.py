"""Constants and a sample deck for the store tests (imported by name: test folders are not packages)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.decks.model import Card, Deck, Item
from bot.store import Post

GUILD = 111
OTHER_GUILD = 222
MONDAY = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC

SAMPLE_DECK = Deck(
    title="Cours 2",
    language="fr",
    source="cours-2.yaml",
    cards=(
        Card(
            question="Les 4 forces ?",
            items=(
                Item("Transparence", "tout le monde voit tout", ("transparency",)),
                Item("Rapidité"),
                Item("Interactivité", "on répond"),
                Item("Mobilisation"),
            ),
            line=3,
        ),
        Card(question="Qui ? Quoi ?", items=(Item("Qui"), Item("Quoi")), line=10),
        Card(question="Nouveau métier du web", items=(Item("Community manager", "anime la communauté"),)),
    ),
)

#: The ``make_post`` fixture: ``await make_post(slot, guild_id=..., hours=..., card=..., sent=...)``.
MakePost = Callable[..., Awaitable[Post]]
