"""Checking an uploaded deck before and after downloading it: size, format, and the importer's verdict.

Refusals are :class:`UploadError`s (user errors) naming the file; a ``DeckError`` value is the importer's
explanation, which quotes the file, shown in the guild's language and escaped like user text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from bot.content import Markup
from bot.decks import MAX_DECK_BYTES, SUPPORTED_SUFFIXES, Deck, DeckError, deck_name, load_deck_bytes
from bot.errors import UserError


class UploadError(UserError):
    """An uploaded deck the bot refuses."""


def check_upload(filename: str, size: int) -> None:
    """Refuse, before downloading anything, a file that is too large or of a format no importer reads."""
    if size > MAX_DECK_BYTES:
        # Rounded up to the hundredth: a file just over the limit must not read "1 MB, at most 1 MB".
        megabytes = math.ceil(size / 10_000) / 100
        raise UploadError(
            "teacher.deck.too_large",
            user={"file": filename},
            size=megabytes,
            limit=MAX_DECK_BYTES / 1_000_000,
        )
    if Path(filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadError("teacher.deck.bad_extension", user={"file": filename})


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
        if len(error.errors) > 1:
            raise UploadError(
                "teacher.deck.invalid_many", user={"file": filename}, errors=_EveryError(error)
            ) from None
        if error.line:
            raise UploadError(
                "teacher.deck.invalid", user={"file": filename}, line=error.line, error=error
            ) from None
        raise UploadError("teacher.deck.invalid_no_line", user={"file": filename}, error=error) from None


@dataclass(frozen=True, slots=True)
class _EveryError:
    """Every problem of a deck that does not load, a line each (they quote the file: escaped)."""

    error: DeckError

    def render(self, lang: str, markup: Markup) -> str:
        return "\n".join(f"• {markup.text(line, 300)}" for line in self.error.describe_all(lang))


def import_name(filename: str) -> str:
    """The name an imported deck is stored under: its file name in lower-case letters, digits and dashes."""
    return deck_name(Path(filename).name)
