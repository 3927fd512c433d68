"""Deck import speed on hostile and worst-case files: each refused (or loaded) well within one second.

Issue 13's baseline: a 47 kB YAML deck reusing one card through anchors took 23 s and 350 MB to load, and a
100,000-character item froze grading. Each case here is timed as the best of three runs of
``load_deck_bytes`` (what ``/deck import`` and ``tutorbot deck check`` call), next to the one-second target:
the CPU time the import costs (the verdict), and the wall time, which also counts the other processes of a
shared machine.

Last, the first answer on a 100-card deck after a restart (a new store and library on the same database,
no vector in memory, the model loaded): its vectors embedded again (what every restart cost before they
were stored) against restored from the store.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bot.decks import Card, Deck, DeckError, Item, load_deck_bytes
from bot.decks.library import DeckLibrary
from bot.grading import deck_texts, grade_reply, meaning, semantic, warm_up
from bot.store import Store

TARGET_S = 1.0


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("deck.txt", "Q?\n- a\n" * 1000)
    return buffer.getvalue()


def _cases() -> dict[str, Callable[[], bytes]]:
    card = "  - &card\n    question: Q?\n    items: [" + ", ".join(["a"] * 1000) + "]\n"
    yaml_500 = "title: T\ncards:\n" + "".join(
        f"  - question: Question {i}?\n    items:\n"
        + "".join(f"      - answer: Answer {j} of card {i}\n        detail: {'d' * 40}\n" for j in range(20))
        for i in range(500)
    )
    notes_500 = "".join(
        f"Question {i}?\n" + "".join(f"- Answer {j}: detail {'d' * 40}\n" for j in range(30))
        for i in range(500)
    )
    return {
        "10 MB notes": lambda: b"Question?\n- a\n" * 700_000,
        "10,000 cards (YAML)": lambda: (
            "title: T\ncards:\n" + "  - question: Q?\n    items: [a]\n" * 10_000
        ).encode(),
        "10,000 cards (notes)": lambda: b"".join(b"Q%d?\n- a\n" % i for i in range(10_000)),
        "10,000 cards (CSV)": lambda: b"".join(b"Q%d?,a|b\n" % i for i in range(10_000)),
        "100,000-character item": lambda: ("Q?\n- " + "mot " * 25_000 + "\n").encode(),
        "5,000 [ (YAML)": lambda: b"title: T\ncards: " + b"[" * 5000,
        "anchors: 47 kB -> 5M items": lambda: ("title: T\ncards:\n" + card + "  - *card\n" * 5000).encode(),
        "Python object tag": lambda: b"title: !!python/object/apply:os.system ['id']\ncards: []\n",
        "control characters": lambda: b"Q?\n- a" + bytes(range(1, 9)) * 100 + b"\n",
        "zip renamed .txt": _zip,
        "worst: 1 MB valid YAML, 500 cards": lambda: (
            yaml_500[:990_000].rsplit("\n  - question", 1)[0].encode()
        ),
        "worst: 1 MB notes, 500 cards": lambda: notes_500[:990_000].rsplit("\nQuestion", 1)[0].encode(),
        "worst: 1 MB of text after a list": lambda: (
            "T\nQ?\n- a\n" + "du texte qui suit la liste\n" * 36_000
        ).encode(),
        "worst: 1 MB Markdown, 9,600 '*' a line": lambda: (
            ("# T\n## Q?\n- " + "**a " * 2400 + "\n").encode() * 100
        ),
    }


def main() -> None:
    names = {"notes": "deck.txt", "YAML": "deck.yaml", "CSV": "deck.csv", "Markdown": "deck.md"}
    print(f"{'case':<42} {'size':>8} {'CPU':>7} {'wall':>7}  target {TARGET_S:.0f} s  outcome")
    for label, make in _cases().items():
        data = make()
        filename = next((name for word, name in names.items() if word in label), "deck.txt")
        if "[" in label or "anchors" in label or "tag" in label:
            filename = "deck.yaml"
        best_cpu = best_wall = float("inf")
        outcome = ""
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                deck = load_deck_bytes(data, filename)
                outcome = f"loaded, {len(deck.cards)} cards"
            except DeckError as error:
                outcome = f"{error.key}" + (f" (line {error.line})" if error.line else "")
            best_cpu = min(best_cpu, time.process_time() - cpu)
            best_wall = min(best_wall, time.perf_counter() - wall)
        verdict = "ok" if best_cpu < TARGET_S else "SLOW"
        print(
            f"{label:<42} {len(data) / 1000:>6.0f}kB {best_cpu:>6.3f}s {best_wall:>6.3f}s"
            f"  {verdict:<9} {outcome}"
        )
    restart_figure()


def _deck_100() -> Deck:
    """100 cards of 4 items, each with a detail and an alias: about 1,200 texts to embed."""
    return Deck(
        title="Cent cartes",
        language="fr",
        cards=tuple(
            Card(
                f"Question {i} sur le chapitre {i % 7} ?",
                tuple(
                    Item(
                        f"Notion {j} du thème {i}",
                        f"ce que la notion {j} décrit au thème {i}",
                        (f"idée {i}.{j}",),
                    )
                    for j in range(4)
                ),
            )
            for i in range(100)
        ),
    )


def _forget_vectors() -> None:
    """A restarted process: no deck vector in memory (the model itself stays loaded)."""
    semantic._state.cache.clear()
    meaning._card_vectors.cache_clear()
    meaning._deck_matrix.cache_clear()


async def _first_answer(path: Path, deck_id: int) -> float:
    """A new store and library on the database: the first answer's grading, from loading the deck."""
    async with Store.open(path) as store:
        library = DeckLibrary(store)
        started = time.perf_counter()
        stored = await store.load_deck(deck_id, guild_id=1)
        others = await library.others(deck_id, stored.card_ids[0], 1)
        first = stored.deck.cards[0]
        grade_reply(
            first.items, "une idée voisine de la première notion", question=first.question, others=others
        )
        elapsed = time.perf_counter() - started
        await library.close()
    return elapsed


def restart_figure() -> None:
    """First-answer latency of a 100-card deck after a restart: its vectors restored vs embedded again."""
    if not warm_up():
        print("deck vectors after a restart: meaning stage off, nothing to restore")
        return
    deck = _deck_100()
    texts = len(deck_texts([card.items for card in deck.cards]))

    async def run() -> tuple[float, float]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "tutor.db"
            async with Store.open(path) as store:
                deck_id = await store.save_deck(None, "cent", deck)
            _forget_vectors()
            recomputed = await _first_answer(path, deck_id)  # nothing stored yet: embedded, then stored
            _forget_vectors()
            restored = await _first_answer(path, deck_id)
            return recomputed, restored

    recomputed, restored = asyncio.run(run())
    print(
        f"deck vectors after a restart, 100 cards ({texts} texts), first answer: "
        f"embedded again {recomputed * 1e3:,.0f} ms (the baseline: every restart), "
        f"restored {restored * 1e3:,.0f} ms"
    )


if __name__ == "__main__":
    main()
