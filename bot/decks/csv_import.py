"""Importing spreadsheets and Anki's plain-text export: one card a row, question then answers.

Answers are in the second column, separated by ``|`` or by newlines inside the cell; each may be
``Key: detail``. The header row is optional. Anki's ``#separator:tab`` lines and its HTML (``<br>``,
``<div>``) are understood.
"""

from __future__ import annotations

import csv
import html
import io
import re

from .model import Card, Deck, DeckError, DeckWarning, Item
from .text_import import guess_language

_HEADER_WORDS = {"question", "questions", "front", "recto", "prompt", "q"}
_BREAKS = re.compile(r"<\s*br\s*/?\s*>|</\s*(?:div|p|li)\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


def _cell_text(cell: str) -> str:
    if "<" in cell:
        cell = _TAGS.sub("", _BREAKS.sub("\n", cell))
    return html.unescape(cell).strip()


def _split_answers(cell: str) -> list[str]:
    return [part.strip(" -•\t") for part in re.split(r"\||\n", cell) if part.strip(" -•\t")]


def _item(text: str) -> Item:
    key, sep, detail = text.partition(":")
    if sep and key.strip() and detail.strip() and len(key) <= 80:
        return Item(key.strip(), detail.strip())
    return Item(text.strip())


def parse_csv(text: str, *, path: str = "<deck.csv>", title: str = "Deck") -> Deck:
    """Parse a CSV/TSV deck, or raise :class:`DeckError` naming the row at fault."""
    directives: dict[str, str] = {}
    body_lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith("#") and ":" in line and not any(body_lines):
            key, _, value = line[1:].partition(":")
            directives[key.strip().lower()] = value.strip()
            body_lines.append("")  # keep line numbers true
        else:
            body_lines.append(line)
    body = "\n".join(body_lines)
    delimiter = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
        directives.get("separator", "")
    )
    if delimiter is None:
        first = next((line for line in body_lines if line.strip()), "")
        delimiter = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    cards: list[Card] = []
    warnings: list[DeckWarning] = []
    try:
        for row in reader:
            row_line = reader.line_num
            cells = [_cell_text(c) for c in row]
            if not any(cells):
                continue
            if not cards and cells[0].lower().strip() in _HEADER_WORDS:
                continue
            if len(cells) < 2 or not cells[1]:
                raise DeckError("decks.csv.no_answers", path=path, line=row_line)
            if not cells[0]:
                raise DeckError("decks.csv.no_question", path=path, line=row_line)
            if len(cells) > 2 and any(cells[2:]):
                warnings.append(DeckWarning("decks.csv.extra_columns", row_line))
            answers = _split_answers(cells[1])
            if not answers:
                raise DeckError("decks.csv.empty_answers", path=path, line=row_line)
            cards.append(Card(cells[0], tuple(_item(a) for a in answers), line=row_line))
    except csv.Error as exc:
        raise DeckError("decks.csv.unreadable", path=path, line=reader.line_num, reason=str(exc)) from None
    if not cards:
        raise DeckError("decks.csv.no_question_found", path=path)
    return Deck(
        title=title, cards=tuple(cards), language=guess_language(text), warnings=tuple(warnings), source=path
    )
