"""Grading speed: the lexical stage alone, the full grader (words then meaning), and the naive baseline.

The corpus is every labelled reply (the original dev and held-out sets and the new decks' sets) graded
against its own card with the deck's other cards, plus a 4,000-character reply on the 10-item card. Cards are
prepared and deck vectors computed once, as in the bot; the first pass warms those caches and is not timed.
Each reply's time is its best over several passes (other load on the machine only ever adds time); rates are
replies per second of those times summed. The model runs on one core (``USE(threads=1)``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.quality import (
    _deck_of,
    load_cases,
    load_new_cases,
    naive_grader,
    new_deck_items,
    plain_items,
)
from bot.grading import GradeRequest, grade_many, grade_reply, semantic_status, warm_up
from bot.grading.semantic import forget_recent_parts

LONG_REPLY = (
    "Pour intégrer les médias sociaux, une entreprise commence par la veille et l'observation: regarder ce "
    "que font les concurrents et ce qui se dit sur elle. Ensuite elle identifie ses clientèles et ses "
    "objectifs, choisit ses outils et crée ses profils. "
) * 14

Case = tuple[Sequence[Any], str, str, list[Sequence[Any]]]


def _corpus() -> list[Case]:
    corpus: list[Case] = []
    for items, cases in (
        (plain_items(), [c for name in ("dev", "holdout") for c in _try(load_cases, name)]),
        (new_deck_items(), [c for name in ("dev", "holdout") for c in _try(load_new_cases, name)]),
    ):
        for case in cases:
            card_items, question = items[case["card"]]
            others = [
                o
                for k, (o, _q) in items.items()
                if k != case["card"] and _deck_of(k) == _deck_of(case["card"])
            ]
            corpus.append((card_items, case["reply"], question, others))
    return corpus


def _try(loader: Callable[[str], list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    try:
        return loader(name)
    except FileNotFoundError:
        return []


def _time_each(grader: Callable[[Case], Any], corpus: list[Case], rounds: int) -> list[float]:
    for case in corpus:  # warm the per-card caches and the deck vectors
        grader(case)
    best = [float("inf")] * len(corpus)
    for _ in range(rounds):
        for index, case in enumerate(corpus):
            start = time.perf_counter()
            grader(case)
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def lexical(case: Case) -> list[int]:
    items, reply, question, others = case
    return grade_reply(items, reply, question=question, others=others, semantic=False).matched


def full(case: Case) -> list[int]:
    """A reply whose parts were never typed before: their vectors are computed (the grader keeps the
    parts typed lately, which would make every pass after the first free)."""
    items, reply, question, others = case
    forget_recent_parts()
    return grade_reply(items, reply, question=question, others=others).matched


def full_repeated(case: Case) -> list[int]:
    """A reply whose parts the class typed lately ("je sais pas", a common wrong answer)."""
    items, reply, question, others = case
    return grade_reply(items, reply, question=question, others=others).matched


def naive(case: Case) -> list[int]:
    items, reply, question, _others = case
    return naive_grader(items, reply, question)


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (
        f"  {name:<22}: {len(times) / sum(times):10,.0f} replies/s"
        f"  median {statistics.median(times) * 1e3:.3f} ms  p99 {p99 * 1e3:.3f} ms"
        f"  max {ordered[-1] * 1e3:.2f} ms"
    )


def main() -> None:
    corpus = _corpus()
    if not corpus:
        print("grading: no labelled replies found")
        return
    loading = time.perf_counter()
    available = warm_up()
    loading = time.perf_counter() - loading
    status = semantic_status()
    print(
        f"grading: {len(corpus)} labelled replies; meaning stage "
        f"{'on' if available else 'off (' + status.reason + ')'}, model loaded in {loading:.1f} s"
    )
    lexical_times = _time_each(lexical, corpus, rounds=3)
    full_times = _time_each(full, corpus, rounds=3)
    repeated_times = _time_each(full_repeated, corpus, rounds=3)
    naive_times = _time_each(naive, corpus, rounds=3)
    print(_line("naive baseline", naive_times))
    print(_line("lexical stage alone", lexical_times))
    print(_line("full grader", full_times))
    print(_line("full, parts seen again", repeated_times))
    share = 1 - sum(lexical_times) / sum(full_times)
    print(
        f"  meaning stage's share : {share:.0%} of the full grader's time"
        " (targets: p99 <= 30 ms, median <= 5 ms)"
    )
    steps_items, steps_question = plain_items()["etapes"]
    typical = [c for c in corpus if len(c[0]) == 10]
    typical_times = _time_each(lexical, typical, rounds=10)
    print(
        f"  typical reply on a 10-item card, lexical: median {statistics.median(typical_times) * 1e3:.3f} ms"
    )
    long_case: Case = (steps_items, LONG_REPLY[:4000], steps_question, [])
    for name, grader in (("lexical", lexical), ("full", full), ("naive", naive)):
        times = _time_each(grader, [long_case], rounds=20)
        print(f"  4,000-character reply, {name:<7}: median {statistics.median(times) * 1e3:.3f} ms")
    # Answers arriving together are graded in one call, their parts embedded in one model call.
    batch = [GradeRequest(items, reply, question, others) for items, reply, question, others in corpus]
    grade_many(batch)
    forget_recent_parts()
    start = time.perf_counter()
    grade_many(batch)
    elapsed = time.perf_counter() - start
    print(f"  grade_many, all {len(batch)} at once: {len(batch) / elapsed:,.0f} replies/s ({elapsed:.2f} s)")


if __name__ == "__main__":
    main()
