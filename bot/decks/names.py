"""The one rule for deck names: what a deck is stored under, and what a member may type to name one.

A name is 1 to 64 characters: letters and digits of any script, single spaces and dashes. A deck made from
a file is named after it, reduced to lower-case ASCII letters, digits and dashes (``Cours 2.yaml`` →
``cours-2``), so it is safe to show and easy to type. A typed name with anything else (markdown's
``* _ ~ ` | >``, mentions' ``@ < > #``, emoji) is refused, never looked up nor echoed raw.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_DECK_NAME = 64
_TYPED_NAME = re.compile(r"[^\W_]+(?:[ \-][^\W_]+|-)*")


class BadDeckName(ValueError):
    """A deck name with characters no deck name has, or of the wrong length."""


def deck_name(path_or_title: str) -> str:
    """The name a deck file (or a title) is stored under: lower-case letters, digits and dashes."""
    stem = Path(path_or_title).stem if "/" in path_or_title or "." in path_or_title else path_or_title
    ascii_only = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")
    return slug[:MAX_DECK_NAME].rstrip("-") or "deck"


def check_deck_name(name: str) -> str:
    """``name`` with its spaces collapsed, or :class:`BadDeckName`."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_DECK_NAME or not _TYPED_NAME.fullmatch(cleaned):
        raise BadDeckName(name)
    return cleaned
