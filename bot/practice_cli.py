"""``tutorbot practice``: the terminal session wired to the SQLite store and spaced repetition.

The deck is stored as a bundled deck (re-importing keeps card ids, so reviews survive edits); the person at
the terminal is member 0 with no guild. Cards due for review come first, then new ones.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from .decks import deck_name, load_deck
from .grading import Grade
from .i18n import t
from .practice import run_session
from .spaced import practice_order, review
from .store import Store, StoreError

TERMINAL_MEMBER = 0
DEFAULT_DB = "tutorbot.db"


def database_path(explicit: str | None) -> str:
    return explicit or os.environ.get("TUTOR_DB") or DEFAULT_DB


def run_terminal_practice(*, deck_path: Path, count: int | None, lang: str | None, db: str | None) -> int:
    deck = load_deck(deck_path)
    language = lang or deck.language
    if not deck.cards:
        print(t("cli.error.empty_deck", language, deck=deck.title), file=sys.stderr)
        return 1
    with asyncio.Runner() as runner:
        try:
            store = runner.run(Store.connect(database_path(db)))
        except StoreError as exc:
            print(f"tutorbot: {exc}", file=sys.stderr)
            return 1
        try:
            deck_id = runner.run(store.save_deck(None, deck_name(str(deck_path)), deck))
            stored = runner.run(store.load_deck(deck_id))
            reviews = {r.card_id: r for r in runner.run(store.deck_reviews(TERMINAL_MEMBER, deck_id))}
            now = datetime.now(UTC)
            ordered_ids = practice_order(stored.card_ids, {c: r.due for c, r in reviews.items()}, now)
            index_of = {card_id: index for index, card_id in enumerate(stored.card_ids)}

            def record(index: int, _reply: str, grade: Grade) -> None:
                card_id = stored.card_ids[index]
                previous = reviews.get(card_id)
                answered_at = datetime.now(UTC)
                state, due = review(previous.state if previous else None, grade.score, answered_at)
                runner.run(
                    store.record_practice(
                        None, TERMINAL_MEMBER, card_id, state=state, due=due, score=grade.score,
                        answered_at=answered_at,
                    )
                )  # fmt: skip

            run_session(
                stored.deck,
                lang=language,
                stdin=sys.stdin,
                stdout=sys.stdout,
                count=count,
                record=record,
                order=[index_of[c] for c in ordered_ids],
            )
        except StoreError as exc:
            print(f"tutorbot: {exc}", file=sys.stderr)
            return 1
        finally:
            runner.run(store.close())
    return 0
