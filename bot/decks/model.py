"""The deck model every format loads into: a deck of cards, each card a question with expected items.

Plain frozen dataclasses, so decks can be shared between tasks and cached without copying.

Errors and warnings are catalogue keys of ``bot/i18n/messages/decks/`` with their values, not sentences:
``DeckError("decks.yaml.no_items", path=..., line=3, card=1, question="Q?")``. ``describe(lang)`` gives the
explanation in a language (the message, then the ``<key>.hint`` entry in parentheses when there is one);
``.message``, ``.hint`` and ``str()`` are English, for the command line and the logs. Values that are user
text (questions, answers, file names, YAML keys) are inserted as they are, never translated nor escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.i18n import MESSAGES, format_number, t

_ENGLISH = "en"


def _check_key(key: str) -> None:
    """A key-shaped ``decks.…`` text must be in the catalogue: a typo is a bug, as with ``t()``."""
    if key not in MESSAGES and key.startswith("decks.") and not any(c.isspace() for c in key):
        raise KeyError(f"unknown deck message key {key!r}: add it to bot/i18n/messages/decks/")


def _shown(values: Mapping[str, object], lang: str) -> dict[str, object]:
    """Values ready for a template: phrases translated, decimals written the language's way."""
    shown: dict[str, object] = {}
    for name, value in values.items():
        if isinstance(value, Phrase):
            shown[name] = value.describe(lang)
        elif isinstance(value, float):
            shown[name] = format_number(value, lang, decimals=1)
        else:
            shown[name] = value
    return shown


def _message(key: str, lang: str, values: Mapping[str, object]) -> str:
    # Text that is not a catalogue key (``DeckError("no cards")`` from code outside the importers) is shown
    # as written; the importers themselves only use keys (tests/bot/decks checks it).
    return t(key, lang, **_shown(values, lang)) if key in MESSAGES else key


def _hint(key: str, lang: str, values: Mapping[str, object]) -> str:
    hint_key = f"{key}.hint"
    return t(hint_key, lang, **_shown(values, lang)) if hint_key in MESSAGES else ""


def _describe(key: str, lang: str, values: Mapping[str, object]) -> str:
    message, hint = _message(key, lang, values), _hint(key, lang, values)
    return f"{message} ({hint})" if hint else message


@dataclass(frozen=True, slots=True, init=False)
class Phrase:
    """A translated part of a message: ``Phrase("decks.what.card", card=3)`` is “card 3” / « la carte 3 »."""

    key: str
    arguments: tuple[tuple[str, object], ...]

    def __init__(self, key: str, /, **values: object) -> None:
        if key not in MESSAGES:
            raise KeyError(f"unknown deck message key {key!r}: add it to bot/i18n/messages/decks/")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "arguments", tuple(sorted(values.items())))

    def describe(self, lang: str) -> str:
        return t(self.key, lang, **_shown(dict(self.arguments), lang))


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


@dataclass(frozen=True, slots=True, init=False)
class DeckWarning:
    """Something a teacher should review; the deck still loads.

    ``DeckWarning("decks.text.duplicate_answer", 12, answer="Viral")``: a catalogue key, the line, the values.
    """

    key: str
    line: int | None
    arguments: tuple[tuple[str, object], ...]

    def __init__(self, key: str, /, line: int | None = None, **values: object) -> None:
        _check_key(key)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "arguments", tuple(sorted(values.items())))

    @property
    def values(self) -> dict[str, object]:
        return dict(self.arguments)

    @property
    def message(self) -> str:
        """The warning in English."""
        return _message(self.key, _ENGLISH, self.values)

    def describe(self, lang: str) -> str:
        """The warning in ``lang``, with its hint when it has one; without the line."""
        return _describe(self.key, lang, self.values)

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
    """A deck that cannot be loaded: says which file, which line, what is wrong and how to fix it.

    ``DeckError("decks.yaml.no_items", path="deck.yaml", line=3, card=1, question="Q?")``; the hint is the
    catalogue's ``decks.yaml.no_items.hint``. ``str()`` is ``deck.yaml:3: message (hint)`` in English.
    """

    def __init__(self, key: str, /, *, path: str | None = None, line: int | None = None, **values: object):
        _check_key(key)
        self.key = key
        self.values = values
        self.path = path
        self.line = line
        self.others: tuple[DeckError, ...] = ()
        self.omitted = 0  # errors found beyond the ones kept in ``others``
        super().__init__(str(self))

    @classmethod
    def several(cls, errors: Sequence[DeckError], *, omitted: int = 0) -> DeckError:
        """One error standing for all those found in a file: the first, with the others after it.

        ``key``, ``line`` and ``describe()`` are the first error's (what a one-line reader shows); ``errors``
        lists them all and ``str()`` gives one line each, so a teacher fixes the whole file in one go.
        """
        first = errors[0]
        first.others = tuple(errors[1:])
        first.omitted = omitted
        first.args = (str(first),)
        return first

    @property
    def errors(self) -> tuple[DeckError, ...]:
        """Every error found in the file, this one first."""
        return (self, *self.others)

    def describe_all(self, lang: str) -> list[str]:
        """Every error in ``lang``, one ``line N: message (hint)`` each."""
        lines = []
        for error in self.errors:
            where = t("decks.where.line", lang, line=error.line) + " " if error.line else ""
            lines.append(where + error.describe(lang))
        if self.omitted:
            lines.append(t("decks.where.more_errors", lang, count=self.omitted))
        return lines

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return _message(self.key, _ENGLISH, self.values)

    @property
    def hint(self) -> str:
        """How to fix it, in English; empty when the catalogue has no hint for this error."""
        return _hint(self.key, _ENGLISH, self.values)

    def describe(self, lang: str) -> str:
        """What is wrong and how to fix it, in ``lang``: ``message (hint)``, without the file and line."""
        return _describe(self.key, lang, self.values)

    def _one_line(self) -> str:
        where = self.path or "<deck>"
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.describe(_ENGLISH)}"

    def __str__(self) -> str:
        lines = [error._one_line() for error in self.errors]
        if self.omitted:
            lines.append(
                f"{self.path or '<deck>'}: " + t("decks.where.more_errors", _ENGLISH, count=self.omitted)
            )
        return "\n".join(lines)
