"""Discord-free glue for the teacher tools: checking an uploaded deck, its preview, deck names, /stats text.

Everything a member reads is built from the catalogue, the importer's explanations included (a ``DeckError``
or ``DeckWarning`` describes itself in the guild's language). User text (file names, deck titles, questions,
items, those explanations, which quote the file) goes through an ``escape`` function the caller passes in,
so the Discord side decides how to neutralise markdown and mentions (``cogs.common.safe``) while this
module stays free of discord.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .decks import MAX_DECK_BYTES, SUPPORTED_SUFFIXES, Card, Deck, DeckError, deck_name, load_deck_bytes
from .i18n import format_number, format_percent, t, tn
from .store import DeckInfo, ItemStat, PostStats

__all__ = [
    "FORGOTTEN_BELOW",
    "BadDeckName",
    "UploadError",
    "card_lines",
    "cards_text",
    "check_deck_name",
    "check_upload",
    "deck_line",
    "fit_lines",
    "forgotten",
    "forgotten_lines",
    "import_name",
    "item_labels",
    "item_lines",
    "items_text",
    "language_name",
    "parse_upload",
    "question_choice",
    "warning_lines",
]

Escape = Callable[[str], str]

#: An item found by fewer participants than this share is "what the class keeps forgetting".
FORGOTTEN_BELOW = 0.5
# Letters and digits of any script, spaces and dashes: what deck_name() produces and what people type.
# Everything else (markdown's * _ ~ ` | >, mentions' @ < > #, emoji) is refused, never looked up.
_DECK_NAME = re.compile(r"[^\W_]+(?:[ \-][^\W_]+|-)*")
_MAX_NAME = 64
# Runs of whitespace other than the no-break space.
_SPACES = re.compile(r"[^\S\u00a0]+")


def _plain(text: str) -> str:
    return text


class UploadError(Exception):
    """An uploaded deck the bot refuses, as a catalogue key and its values (user text not yet escaped).

    A ``DeckError`` value is the importer's explanation, shown in the message's language.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, lang: str, escape: Escape = _plain) -> str:
        shown = {
            name: escape(value)
            if isinstance(value, str)
            else escape(value.describe(lang))
            if isinstance(value, DeckError)
            else format_number(value, lang)
            if isinstance(value, float)
            else value
            for name, value in self.values.items()
        }
        return t(self.key, lang, **shown)


def check_upload(filename: str, size: int) -> None:
    """Refuse, before downloading anything, a file that is too large or of a format no importer reads."""
    if size > MAX_DECK_BYTES:
        # Rounded up to the hundredth: a file just over the limit must not read "1 MB, at most 1 MB".
        megabytes = math.ceil(size / 10_000) / 100
        raise UploadError(
            "teacher.deck.too_large", file=filename, size=megabytes, limit=MAX_DECK_BYTES / 1_000_000
        )
    if Path(filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadError("teacher.deck.bad_extension", file=filename)


def parse_upload(data: bytes, filename: str) -> Deck:
    """The deck in an uploaded file, through the core importer, or an UploadError saying what is wrong.

    Too large or of an unknown format: the same message as before downloading (``check_upload``). Anything
    else the importer refuses (binary, not UTF-8, empty, a card without answers...) is its ``DeckError``,
    shown with the file, the line and the importer's explanation in the guild's language.
    """
    check_upload(filename, len(data))
    try:
        return load_deck_bytes(data, filename)
    except DeckError as error:
        if error.line:
            raise UploadError("teacher.deck.invalid", file=filename, line=error.line, error=error) from None
        raise UploadError("teacher.deck.invalid_no_line", file=filename, error=error) from None


def import_name(filename: str) -> str:
    """The name an imported deck is stored under: its file name in lower-case letters, digits and dashes."""
    return deck_name(Path(filename).name)


class BadDeckName(ValueError):
    """A typed deck name with markdown, mentions or other characters no deck name has."""


def check_deck_name(name: str) -> str:
    """The name as typed, trimmed, or BadDeckName: such a name is refused, not looked up nor echoed raw."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > _MAX_NAME or not _DECK_NAME.fullmatch(cleaned):
        raise BadDeckName(name)
    return cleaned


# ------------------------------------------------------------------------------------------- deck texts


def cards_text(count: int, lang: str) -> str:
    return tn("teacher.deck.cards", count, lang, count=format_number(count, lang))


def items_text(count: int, lang: str) -> str:
    return tn("teacher.deck.items", count, lang, count=format_number(count, lang))


def language_name(code: str, lang: str) -> str:
    if code == "fr":
        return t("teacher.deck.language.fr", lang)
    if code == "en":
        return t("teacher.deck.language.en", lang)
    return code


def _shorten(text: str, limit: int) -> str:
    # One line; French no-break spaces (« », before ":") stay, so a colon never starts a wrapped line.
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def fit_lines(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> str:
    """As many lines as fit in ``limit`` characters (Discord's embed limits), then ``more(left_out)``."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        left = len(lines) - index - 1
        tail = len(more(left)) + 1 if left else 0
        if used + len(line) + 1 + tail > limit:
            kept.append(more(len(lines) - index))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def card_lines(
    cards: Sequence[Card], lang: str, escape: Escape = _plain, *, answers: bool = False
) -> list[str]:
    """``1. Question — 4 items`` per card; with ``answers``, the items' keys follow on the same line."""
    lines = []
    for number, card in enumerate(cards, start=1):
        line = t(
            "teacher.deck.card_line",
            lang,
            number=number,
            question=escape(_shorten(card.question, 90)),
            items=items_text(len(card.items), lang),
        )
        if answers:
            keys = " · ".join(escape(_shorten(item.answer, 40)) for item in card.items)
            line = f"{line}\n  {keys}"
        lines.append(line)
    return lines


def warning_lines(deck: Deck, lang: str, escape: Escape = _plain) -> list[str]:
    """The importer's warnings in ``lang``, each with its line when known."""
    lines = []
    for warning in deck.warnings:
        message = escape(_shorten(warning.describe(lang), 180))
        lines.append(
            t("teacher.deck.warning_line", lang, line=warning.line, message=message)
            if warning.line
            else message
        )
    return lines


def deck_line(info: DeckInfo, lang: str, escape: Escape = _plain, *, active: bool = False) -> str:
    """``“name” — Title (12 cards)``, marked when it is the guild's active deck."""
    line = t(
        "teacher.deck.list_line",
        lang,
        name=escape(info.name),
        title=escape(_shorten(info.title, 60)),
        cards=cards_text(info.card_count, lang),
    )
    return t("teacher.deck.list_active", lang, line=line) if active else line


# ------------------------------------------------------------------------------------------------ stats


def item_labels(card: Card | None, count: int, lang: str) -> list[str]:
    """The key of each item of a posted card; ``Item 3`` for items of a card that no longer exists."""
    labels = []
    for position in range(count):
        if card is not None and position < len(card.items):
            labels.append(card.items[position].answer)
        else:
            labels.append(t("teacher.stats.item_unknown", lang, number=position + 1))
    return labels


def item_lines(stats: PostStats, labels: Sequence[str], lang: str, escape: Escape = _plain) -> list[str]:
    """``83 % — Transparence (5/6)`` per item, in card order."""
    return [
        t(
            "teacher.stats.item_line",
            lang,
            rate=format_percent(item.rate, lang),
            item=escape(_shorten(labels[item.position], 60)),
            hits=item.hits,
            participants=stats.participants,
        )
        for item in stats.items
    ]


def forgotten(items: Sequence[ItemStat], limit: int = 3) -> list[ItemStat]:
    """The items found by fewer than half the participants, least found first (ties in card order)."""
    low = [item for item in items if item.rate < FORGOTTEN_BELOW]
    return sorted(low, key=lambda item: (item.rate, item.position))[:limit]


def forgotten_lines(stats: PostStats, labels: Sequence[str], lang: str, escape: Escape = _plain) -> list[str]:
    """What the class keeps forgetting, or one line saying nothing stands out."""
    low = forgotten(stats.items)
    if not low:
        return [t("teacher.stats.nothing_forgotten", lang)]
    return [
        f"**{escape(_shorten(labels[item.position], 60))}** — {format_percent(item.rate, lang)}"
        for item in low
    ]


def question_choice(slot: datetime, question: str | None, tz: ZoneInfo, lang: str) -> str:
    """An autocomplete label for a posted question: its local date and the question, within 100 characters."""
    local = slot.astimezone(tz)
    text = question if question is not None else t("teacher.stats.removed_question", lang)
    date = local.date().isoformat()
    room = 100 - len(t("teacher.stats.choice", lang, date=date, question=""))
    return t("teacher.stats.choice", lang, date=date, question=_shorten(text, room))
