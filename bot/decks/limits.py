"""The caps every deck must respect, whatever its format, checked before a deck is built.

They bound the work a deck can cause: the importers' patterns (line length), the store and the previews
(cards, items) and above all grading, whose cost grows with the length of an item times the length of an
answer (issue 13: one 100,000-character item froze the bot for every server). A real course deck is far
below every one of them: the bundled 13-card deck has at most 12 items a card and 110 characters an answer.
Each error says the cap, so a teacher knows how to cut the deck.
"""

from __future__ import annotations

from .model import DeckError

MAX_DECK_BYTES = 1_000_000  # a deck of a whole course is ~10 kB; a megabyte is a wrong file, not a deck
MAX_LINE_CHARS = 10_000  # any one line (or CSV row) of a file, checked before any pattern reads it
MAX_CARDS = 500
MAX_ITEMS = 30  # per card
MAX_ALIASES = 20  # per item
MAX_TITLE_CHARS = 200
MAX_QUESTION_CHARS = 300
MAX_ANSWER_CHARS = 200  # what a student must name: a few words, never a paragraph
MAX_DETAIL_CHARS = 1000
MAX_ALIAS_CHARS = 100
MAX_WARNINGS = 100  # kept per file, then one "and N more": a preview a teacher can read


def too_many_cards(path: str, line: int | None) -> DeckError:
    return DeckError("decks.limits.too_many_cards", path=path, line=line, limit=MAX_CARDS)


def check_card_size(
    question: str, answers: list[tuple[str, str, tuple[str, ...]]], *, path: str, line: int | None, card: int
) -> DeckError | None:
    """The first cap a card breaks, as an error, or None. ``answers`` are (answer, detail, aliases)."""
    if len(question) > MAX_QUESTION_CHARS:
        return DeckError(
            "decks.limits.question_too_long",
            path=path,
            line=line,
            card=card,
            length=len(question),
            limit=MAX_QUESTION_CHARS,
        )
    if len(answers) > MAX_ITEMS:
        return DeckError(
            "decks.limits.too_many_items",
            path=path,
            line=line,
            card=card,
            question=question[:60],
            count=len(answers),
            limit=MAX_ITEMS,
        )
    for answer, detail, aliases in answers:
        error = check_item_size(answer, detail, aliases, path=path, line=line)
        if error:
            return error
    return None


def check_item_size(
    answer: str, detail: str, aliases: tuple[str, ...], *, path: str, line: int | None
) -> DeckError | None:
    if len(answer) > MAX_ANSWER_CHARS:
        return DeckError(
            "decks.limits.answer_too_long",
            path=path,
            line=line,
            text=answer[:40],
            length=len(answer),
            limit=MAX_ANSWER_CHARS,
        )
    if len(detail) > MAX_DETAIL_CHARS:
        return DeckError(
            "decks.limits.detail_too_long",
            path=path,
            line=line,
            answer=answer[:40],
            length=len(detail),
            limit=MAX_DETAIL_CHARS,
        )
    if len(aliases) > MAX_ALIASES:
        return DeckError(
            "decks.limits.too_many_aliases",
            path=path,
            line=line,
            answer=answer[:40],
            count=len(aliases),
            limit=MAX_ALIASES,
        )
    for alias in aliases:
        if len(alias) > MAX_ALIAS_CHARS:
            return DeckError(
                "decks.limits.alias_too_long",
                path=path,
                line=line,
                text=alias[:40],
                length=len(alias),
                limit=MAX_ALIAS_CHARS,
            )
    return None
