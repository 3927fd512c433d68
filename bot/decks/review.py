"""An imported deck written as canonical YAML with each import warning as a comment beside its card.

``tutorbot deck convert`` writes this, so the teacher reviews the importer's guesses in the file itself and
deletes each comment once checked. Comments are written by ruamel.yaml (PyYAML cannot write them); the
values are the same as ``dump_deck``'s, so the file loads back to the same deck (round-trip tested).
"""

from __future__ import annotations

import bisect
import io
import itertools
import re

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.i18n import t

from .model import Deck, DeckWarning
from .yaml_format import deck_to_data

_LINE_BREAKS = re.compile(r"[\r\n\t ]+")


def _comment(warning: DeckWarning, lang: str) -> str:
    where = t("decks.where.line", lang, line=warning.line) + " " if warning.line else ""
    # One line each (a comment cannot span lines); no-break spaces of French typography are kept.
    return _LINE_BREAKS.sub(" ", f"{where}{warning.describe(lang)}").strip()


def warnings_by_card(deck: Deck) -> tuple[list[DeckWarning], dict[int, list[DeckWarning]]]:
    """The warnings about the whole file, and those about each card (by index), from their lines."""
    starts = [card.line or 0 for card in deck.cards]
    general: list[DeckWarning] = []
    by_card: dict[int, list[DeckWarning]] = {}
    ordered = all(a <= b for a, b in itertools.pairwise(starts)) and all(starts)
    for warning in deck.warnings:
        if not warning.line or not ordered or warning.line < starts[0]:
            general.append(warning)
            continue
        index = bisect.bisect_right(starts, warning.line) - 1
        by_card.setdefault(index, []).append(warning)
    return general, by_card


def dump_deck_for_review(deck: Deck, *, lang: str | None = None, source: str | None = None) -> str:
    """Canonical YAML with every warning as a ``#`` comment above the card it concerns."""
    lang = lang or deck.language
    data = deck_to_data(deck)
    cards = CommentedSeq()
    for card in data["cards"]:
        entry = CommentedMap(question=card["question"])
        items = CommentedSeq()
        for item in card["items"]:
            items.append(CommentedMap(item))
        entry["items"] = items
        cards.append(entry)
    root = CommentedMap(schema=data["schema"], title=data["title"], language=data["language"], cards=cards)
    general, by_card = warnings_by_card(deck)
    header = []
    if source:
        header.append(t("decks.review.imported", lang, source=source))
    if deck.warnings:
        header.append(t("decks.review.warnings", lang, count=len(deck.warnings)))
    header.extend(_comment(warning, lang) for warning in general)
    if header:
        root.yaml_set_start_comment("\n".join(header))
    for index, warnings in sorted(by_card.items()):
        cards.yaml_set_comment_before_after_key(
            index, before="\n".join(_comment(w, lang) for w in warnings), indent=2
        )
    writer = YAML()
    writer.width = 110
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.allow_unicode = True
    out = io.StringIO()
    writer.dump(root, out)
    return out.getvalue()
