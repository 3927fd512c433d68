"""Grading quality on the labelled replies of tests/bot/grading: item precision, recall, F1, exact replies.

A labelled case names a card of ``labelled_cards.yaml`` and the items a fair teacher credits. The same
cases are graded with plain item strings (``"Key: detail"``, as the notes give them) and with the curated
deck's items (aliases included), whose cards and items keep the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from bot.decks import Item, load_deck
from bot.grading import grade_reply

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "bot" / "grading"
CURATED = ROOT / "data" / "decks" / "cours-2.yaml"

# (items, reply, question, the deck's other cards' items or None) -> credited item indices
Grader = Callable[[Sequence[Any], str, str, Sequence[Sequence[Any]] | None], list[int]]


@dataclass
class Quality:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    exact: int = 0
    cases: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    mistakes: list[tuple[str, str, list[int], list[int]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact_rate(self) -> float:
        return self.exact / self.cases if self.cases else 0.0

    def line(self) -> str:
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"exact {self.exact_rate:.0%} of {self.cases}"
        )


def load_cards() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((LABELLED / "labelled_cards.yaml").read_text(encoding="utf-8"))


def load_cases(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((LABELLED / f"labelled_{name}.yaml").read_text(encoding="utf-8"))


def plain_items() -> dict[str, tuple[list[str], str]]:
    return {card_id: (card["items"], card["question"]) for card_id, card in load_cards().items()}


def curated_items() -> dict[str, tuple[list[Item], str]]:
    deck = load_deck(CURATED)
    return {
        card_id: (list(card.items), card.question)
        for card_id, card in zip(load_cards(), deck.cards, strict=True)
    }


NEW_SETS = LABELLED / "labelled_new"


def _deck_of(card_id: str) -> str:
    """Card ids of the new sets are ``deck:index``; the original set is one deck."""
    return card_id.partition(":")[0] if ":" in card_id else ""


def new_deck_items(*, curated: bool = False) -> dict[str, tuple[list[Item], str]]:
    """The cards of the new decks (``labelled_new/decks``) as ``{"deck:index": (items, question)}``.

    With ``curated``, the chem-bio cards come from its curated copy (same cards and items, with aliases).
    """
    found: dict[str, tuple[list[Item], str]] = {}
    for path in sorted((NEW_SETS / "decks").glob("*.yaml")):
        name = path.stem
        if name.endswith("-curated"):
            continue
        curated_path = path.with_name(f"{name}-curated.yaml")
        deck = load_deck(curated_path if curated and curated_path.exists() else path)
        for index, card in enumerate(deck.cards):
            found[f"{name}:{index}"] = (list(card.items), card.question)
    return found


def load_new_cases(name: str) -> list[dict[str, Any]]:
    """The labelled replies of ``labelled_new/<name>.yaml``, with ``card`` as ``deck:index``."""
    cases = yaml.safe_load((NEW_SETS / f"{name}.yaml").read_text(encoding="utf-8"))
    return [{**case, "card": f"{case['deck']}:{case['card']}"} for case in cases]


def our_grader(
    items: Sequence[Any], reply: str, question: str, others: Sequence[Sequence[Any]] | None = None
) -> list[int]:
    return grade_reply(items, reply, question=question, others=others).matched


def lexical_grader(
    items: Sequence[Any], reply: str, question: str, others: Sequence[Sequence[Any]] | None = None
) -> list[int]:
    """The lexical stage alone (grading by meaning off)."""
    return grade_reply(items, reply, question=question, semantic=False).matched


def naive_grader(
    items: Sequence[Any], reply: str, question: str = "", others: Sequence[Sequence[Any]] | None = None
) -> list[int]:
    """The baseline the issue names: split on separators, WRatio of each item's key against each part, 86."""
    import re

    keys = [(i.answer if isinstance(i, Item) else str(i).split(":")[0]).strip() for i in items]
    parts = [p.strip() for p in re.split(r"[\n,;/•]|\s-\s|\d+[.)]", reply) if p.strip()]
    return sorted(
        index for index, key in enumerate(keys) if any(fuzz.WRatio(key, part) >= 86 for part in parts)
    )


def evaluate(
    cases: list[dict[str, Any]],
    items: dict[str, tuple[list[Any], str]],
    grader: Grader,
    *,
    deck: bool = True,
) -> Quality:
    """Item precision, recall and exact replies; with ``deck``, the grader is told the deck's other cards."""
    quality = Quality()
    others_of = {
        card_id: [
            other
            for other_id, (other, _q) in items.items()
            if other_id != card_id and _deck_of(other_id) == _deck_of(card_id)
        ]
        for card_id in items
    }
    for case in cases:
        card_items, question = items[case["card"]]
        others = others_of[case["card"]] if deck else None
        got = set(grader(card_items, case["reply"], question, others))
        want = set(case["credited"])
        quality.cases += 1
        quality.true_positives += len(got & want)
        quality.false_positives += len(got - want)
        quality.false_negatives += len(want - got)
        kind = quality.by_kind[case.get("kind", "?")]
        kind[1] += 1
        if got == want:
            quality.exact += 1
            kind[0] += 1
        else:
            quality.mistakes.append((case["card"], case["reply"], sorted(want), sorted(got)))
    return quality


def kinds_line(quality: Quality) -> str:
    return "  ".join(f"{kind} {exact}/{cases}" for kind, (exact, cases) in sorted(quality.by_kind.items()))


def recall_of(cases: list[dict[str, Any]], items: dict[str, tuple[list[Any], str]], kind: str) -> Quality:
    return evaluate([c for c in cases if c.get("kind") == kind], items, our_grader)


def main() -> None:
    new_items, new_curated = new_deck_items(), new_deck_items(curated=True)
    for name in ("dev", "holdout"):
        try:
            cases = load_new_cases(name)
        except FileNotFoundError:
            continue
        chem = [c for c in cases if c["deck"] == "chem-bio"]
        print(f"new decks, {name} set ({len(cases)} replies)")
        print(f"  naive baseline          : {evaluate(cases, new_items, naive_grader).line()}")
        print(f"  lexical stage alone     : {evaluate(cases, new_items, lexical_grader).line()}")
        print(f"  grade_reply, no deck    : {evaluate(cases, new_items, our_grader, deck=False).line()}")
        full = evaluate(cases, new_items, our_grader)
        print(f"  grade_reply, with deck  : {full.line()}")
        print(f"    by kind (exact/cases) : {kinds_line(full)}")
        for kind in ("paraphrase", "other-language"):
            print(f"    {kind:<21} : recall {recall_of(cases, new_items, kind).recall:.3f}")
        print(f"  chem-bio, plain         : {evaluate(chem, new_items, our_grader).line()}")
        print(f"  chem-bio, curated       : {evaluate(chem, new_curated, our_grader).line()}")
    plain, curated = plain_items(), curated_items()
    for name in ("dev", "holdout"):
        try:
            cases = load_cases(name)
        except FileNotFoundError:
            continue
        print(f"{name} set ({len(cases)} replies)")
        print(f"  naive baseline, plain items : {evaluate(cases, plain, naive_grader).line()}")
        print(f"  grade_reply, plain items    : {evaluate(cases, plain, our_grader).line()}")
        print(f"  grade_reply, curated deck   : {evaluate(cases, curated, our_grader).line()}")


if __name__ == "__main__":
    main()
