"""The deck model every format loads into: a deck of cards, each card a question with expected items.

Plain frozen dataclasses, so decks can be shared between tasks and cached without copying.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Item:
    """One expected list item: the key a student must name, an optional explanation, accepted alternatives."""

    answer: str
    detail: str = ""
    aliases: tuple[str, ...] = ()

    def as_text(self) -> str:
        """The item as course notes write it: ``Key: detail``."""
        return f"{self.answer}: {self.detail}" if self.detail else self.answer


@dataclass(frozen=True, slots=True)
class Card:
    question: str
    items: tuple[Item, ...]
    line: int | None = None  # where the question stands in its source file, for messages


@dataclass(frozen=True, slots=True)
class DeckWarning:
    """Something a teacher should review; the deck still loads."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class Deck:
    title: str
    cards: tuple[Card, ...]
    language: str = "fr"
    warnings: tuple[DeckWarning, ...] = field(default=())
    source: str | None = None  # the file it was loaded from


class DeckError(ValueError):
    """A deck that cannot be loaded: says which file, which line, what is wrong and how to fix it."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, hint: str = ""):
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<deck>"
        if self.line:
            where += f":{self.line}"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text
