"""What the class typed that earned nothing: the pure rules that turn the unmatched parts of the stored
replies into phrases a teacher may accept as aliases, most frequent first.

Two parts are the same phrase when they differ only by case, accents, spacing or the punctuation around
them ("Pas  Chèr !" and "pas cher"). A phrase is counted once per reply, so one member repeating it does not
outweigh the class.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

#: Phrases offered at most (Discord shows 25 options in a select menu).
MAX_PHRASES = 25
#: Longer parts are explanations, not names of an item: never offered as an alias.
MAX_PHRASE_CHARS = 80
_SPACES = re.compile(r"\s+")
# Punctuation, symbols and spaces around a phrase (not inside it: "e-réputation", "C++" keep theirs).
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase the class typed: as most of them wrote it, its normalised key, and how many replies had it."""

    text: str
    key: str
    count: int


def shown(part: str) -> str:
    """A part as it is offered: its spacing collapsed, the punctuation around it removed."""
    return _EDGES.sub("", _SPACES.sub(" ", part).strip())


def phrase_key(text: str) -> str:
    """The form two spellings of one phrase share: no case, no accents, single spaces, no edge punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return shown(bare)


def count_phrases(replies: Iterable[Iterable[str]], limit: int = MAX_PHRASES) -> tuple[Phrase, ...]:
    """The unmatched parts of each reply, grouped by :func:`phrase_key`, most frequent first (ties by key);
    each shown as most replies wrote it (ties: the first written)."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for parts in replies:
        seen: set[str] = set()
        for part in parts:
            text = shown(part)
            key = phrase_key(text)
            if not key or len(text) > MAX_PHRASE_CHARS or key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            spellings.setdefault(key, Counter())[text] += 1
    ranked = sorted(counts.items(), key=lambda entry: (-entry[1], entry[0]))[:limit]
    return tuple(Phrase(spellings[key].most_common(1)[0][0], key, count) for key, count in ranked)
