"""Grading speed: this grader against the naive baseline on one fixed corpus, in the same run.

The corpus is every labelled reply (dev and held-out sets) graded against its own card, plus a 4,000-character
reply on the 10-item card. Cards are prepared once and cached, as in the bot; the first pass warms that cache
and is not timed. Each reply's time is its best over several passes; rates are replies per second of those
times summed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.quality import load_cases, naive_grader, plain_items
from bot.grading import grade_reply

LONG_REPLY = (
    "Pour intégrer les médias sociaux, une entreprise commence par la veille et l'observation: regarder ce "
    "que font les concurrents et ce qui se dit sur elle. Ensuite elle identifie ses clientèles et ses "
    "objectifs, choisit ses outils et crée ses profils. "
) * 14


def _corpus() -> list[tuple[list[str], str, str]]:
    items = plain_items()
    corpus = []
    for name in ("dev", "holdout"):
        try:
            cases = load_cases(name)
        except FileNotFoundError:
            continue
        corpus.extend((items[c["card"]][0], c["reply"], items[c["card"]][1]) for c in cases)
    return corpus


def _time_each(grader: Callable[[Sequence[Any], str, str], Any], corpus: list, rounds: int) -> list[float]:
    """Each reply's best time over ``rounds`` passes (as timeit does: other load on the machine only ever
    adds time, so the minimum is the steadiest estimate of the grader's own cost)."""
    for card_items, reply, question in corpus:  # warm the per-card caches
        grader(card_items, reply, question)
    best = [float("inf")] * len(corpus)
    for _ in range(rounds):
        for index, (card_items, reply, question) in enumerate(corpus):
            start = time.perf_counter()
            grader(card_items, reply, question)
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def ours(card_items: Sequence[Any], reply: str, question: str) -> list[int]:
    return grade_reply(card_items, reply, question=question).matched


def main() -> None:
    corpus = _corpus()
    if not corpus:
        print("grading: no labelled replies found")
        return
    steps_items, steps_question = plain_items()["etapes"]
    typical = [c for c in corpus if len(c[0]) == 10]
    print(f"grading: {len(corpus)} labelled replies ({len(typical)} on the 10-item card)")
    ours_all = _time_each(ours, corpus, rounds=5)
    naive_all = _time_each(naive_grader, corpus, rounds=5)
    ours_rate = len(ours_all) / sum(ours_all)
    naive_rate = len(naive_all) / sum(naive_all)
    print(
        f"  naive baseline : {naive_rate:10,.0f} replies/s  "
        f"median {statistics.median(naive_all) * 1e3:.3f} ms"
    )
    print(
        f"  grade_reply    : {ours_rate:10,.0f} replies/s  median {statistics.median(ours_all) * 1e3:.3f} ms"
    )
    print(f"  ratio          : grade_reply runs at {ours_rate / naive_rate:.2f}x the baseline's rate")
    typical_times = _time_each(ours, typical, rounds=20)
    print(
        f"  typical reply on the 10-item card: median {statistics.median(typical_times) * 1e3:.3f} ms "
        "(target < 0.1 ms)"
    )
    long_corpus = [(steps_items, LONG_REPLY[:4000], steps_question)]
    long_times = _time_each(ours, long_corpus, rounds=50)
    naive_long = _time_each(naive_grader, long_corpus, rounds=50)
    print(
        f"  4,000-character reply: median {statistics.median(long_times) * 1e3:.3f} ms (target < 2 ms); "
        f"baseline {statistics.median(naive_long) * 1e3:.3f} ms"
    )


if __name__ == "__main__":
    main()
