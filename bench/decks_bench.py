"""Deck import speed on hostile and worst-case files: each refused (or loaded) well within one second.

Issue 13's baseline: a 47 kB YAML deck reusing one card through anchors took 23 s and 350 MB to load, and a
100,000-character item froze grading. Each case here is timed as the best of three runs of
``load_deck_bytes`` (what ``/deck import`` and ``tutorbot deck check`` call), next to the one-second target:
the CPU time the import costs (the verdict), and the wall time, which also counts the other processes of a
shared machine.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

from bot.decks import DeckError, load_deck_bytes

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


if __name__ == "__main__":
    main()
