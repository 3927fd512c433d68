"""Decks: the model, loading any supported format by its extension, and writing the canonical YAML form.

``load_deck(path)`` is the one entry point: ``.yaml``/``.yml`` (canonical), ``.txt``/``.md`` (course notes),
``.csv``/``.tsv`` (spreadsheets, Anki's plain-text export). A deck loads whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from .csv_import import parse_csv
from .model import SCHEMA_VERSION, Card, Deck, DeckError, DeckWarning, Item
from .names import MAX_DECK_NAME, BadDeckName, check_deck_name, deck_name
from .source import MAX_DECK_BYTES, decode_deck_bytes
from .text_import import parse_notes
from .yaml_format import dump_deck, parse_yaml

__all__ = [
    "MAX_DECK_BYTES",
    "MAX_DECK_NAME",
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


def load_deck_bytes(data: bytes, filename: str) -> Deck:
    """Parse an uploaded or read deck; the format comes from the file name's extension."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if not suffix:
            raise DeckError("decks.file.no_extension", path=filename)
        raise DeckError("decks.file.unknown_format", path=filename, suffix=suffix)
    text = decode_deck_bytes(data, path=filename)
    if suffix in (".yaml", ".yml"):
        return parse_yaml(text, path=filename)
    if suffix in (".csv", ".tsv"):
        return parse_csv(text, path=filename, title=Path(filename).stem)
    return parse_notes(text, path=filename, fallback_title=Path(filename).stem)


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
