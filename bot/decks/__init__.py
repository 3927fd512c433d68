"""Decks: the model, loading any supported format, and writing the canonical YAML form.

``load_deck(path)`` and ``load_deck_bytes(data, filename)`` are the entry points: ``.yaml``/``.yml``
(canonical), ``.txt``/``.md`` (course notes, Markdown stripped), ``.csv``/``.tsv`` (spreadsheets). The format
comes from the content as well as the extension: Anki's own export (``#separator:tab``...) and a
tab-separated sheet are spreadsheets whatever their extension, a YAML deck saved as ``.txt`` is YAML. The
bytes are checked first (size, binary kinds, encoding, control characters, line length, see ``source.py``)
and every importer checks the caps of ``limits.py`` before it builds a card. A deck loads whole or not at all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .csv_import import parse_csv
from .limits import MAX_CARDS, MAX_DECK_BYTES, MAX_ITEMS, MAX_WARNINGS
from .model import SCHEMA_VERSION, Card, Deck, DeckError, DeckWarning, Item
from .names import MAX_DECK_NAME, BadDeckName, check_deck_name, deck_name
from .source import read_deck_text
from .text_import import parse_notes
from .yaml_format import dump_deck, parse_yaml

__all__ = [
    "MAX_CARDS",
    "MAX_DECK_BYTES",
    "MAX_DECK_NAME",
    "MAX_ITEMS",
    "SCHEMA_VERSION",
    "SUPPORTED_SUFFIXES",
    "BadDeckName",
    "Card",
    "Deck",
    "DeckError",
    "DeckWarning",
    "Item",
    "check_deck_name",
    "deck_name",
    "dump_deck",
    "load_deck",
    "load_deck_bytes",
]

SUPPORTED_SUFFIXES = (".yaml", ".yml", ".txt", ".md", ".csv", ".tsv")


_ANKI_HEADER = re.compile(r"#(?:separator|html|notetype|deck|tags|columns|guid)\b[^:\n]*:", re.IGNORECASE)
# A cell, a tab, another cell. Word writes its bullets as "•<TAB>text": a marker is no cell.
_CELL_TAB = re.compile(r"^\s*[^\t]{3,}\t\s*\S")
_YAML_START = re.compile(r"(?:schema|title)\s*:")
_YAML_CARDS = re.compile(r"^cards\s*:", re.MULTILINE)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.MULTILINE)


def _looks_tab_separated(text: str) -> bool:
    """Most lines are ``question<TAB>answer``: a sheet saved as text (Excel's "Unicode Text", Anki)."""
    lines = [line for line in text.split("\n")[:200] if line.strip()]
    if len(lines) < 2:
        return False
    tabbed = [line for line in lines if _CELL_TAB.match(line)]
    return len(tabbed) * 5 >= len(lines) * 4


def _format_of(text: str, suffix: str) -> str:
    """``yaml``, ``csv``, ``markdown`` or ``notes``: by the content first, then by the extension."""
    first = text.lstrip()[:200]
    if _ANKI_HEADER.match(first):
        return "csv"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".tsv"):
        return "csv"
    first_line = next((line for line in text.split("\n", 50)[:50] if line.strip() and line[0] != "#"), "")
    if _YAML_START.match(first_line) and _YAML_CARDS.search(text):
        return "yaml"
    if _looks_tab_separated(text):
        return "csv"
    # Notes saved as .txt are Markdown when they have its headings (two at least: one "# 3 pages" line is
    # no heading); "**" alone may be what the teacher typed.
    if suffix == ".md" or len(_MARKDOWN_HEADING.findall(text[:100_000])) >= 2:
        return "markdown"
    return "notes"


def load_deck_bytes(data: bytes, filename: str) -> Deck:
    """Parse an uploaded or read deck; the format comes from the content and the file name's extension."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if not suffix:
            raise DeckError("decks.file.no_extension", path=filename)
        raise DeckError("decks.file.unknown_format", path=filename, suffix=suffix)
    decoded = read_deck_text(data, path=filename)
    text = decoded.text
    kind = _format_of(text, suffix)
    if kind == "yaml":
        deck = parse_yaml(text, path=filename)
    elif kind == "csv":
        deck = parse_csv(text, path=filename, title=Path(filename).stem)
        if suffix in (".txt", ".md"):
            deck = _with_warnings(deck, DeckWarning("decks.file.read_as_sheet", None))
    else:
        deck = parse_notes(
            text, path=filename, fallback_title=Path(filename).stem, markdown=kind == "markdown"
        )
    return _with_warnings(deck, *decoded.warnings)


def _with_warnings(deck: Deck, *first: DeckWarning) -> Deck:
    """The deck with ``first`` ahead of its own warnings, at most MAX_WARNINGS of them then "and N more"."""
    warnings = (*first, *deck.warnings)
    more = [w for w in warnings if w.key == "decks.where.more_warnings"]
    kept = [w for w in warnings if w.key != "decks.where.more_warnings"]
    hidden = sum(int(str(w.values["count"])) for w in more) + max(0, len(kept) - MAX_WARNINGS)
    if hidden:
        kept = [*kept[:MAX_WARNINGS], DeckWarning("decks.where.more_warnings", None, count=hidden)]
    return deck if tuple(kept) == deck.warnings else replace(deck, warnings=tuple(kept))


def load_deck(path: str | Path) -> Deck:
    """Load a deck file of any supported format, or raise :class:`DeckError` naming the place at fault."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeckError("decks.file.missing", path=str(path)) from None
    except IsADirectoryError:
        raise DeckError("decks.file.folder", path=str(path)) from None
    except OSError as exc:
        raise DeckError("decks.file.unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    return load_deck_bytes(data, str(path))
