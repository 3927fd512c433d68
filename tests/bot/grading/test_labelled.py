"""Quality gates on the labelled replies: a fair teacher's labels, never the grader's own output.

The dev sets are the ones the grader was tuned on; the held-out sets were written separately and only scored.
Each evaluation runs once per test session (see ``_quality``): the whole module stays well under a minute.
"""

from functools import cache

import pytest

from bench.quality import (
    Quality,
    curated_items,
    evaluate,
    lexical_grader,
    load_cases,
    load_new_cases,
    naive_grader,
    new_deck_items,
    our_grader,
    plain_items,
)

# Replies graded exactly right per kind before grading by meaning (the grader of issue 8's start), on the
# original sets: (set, items) -> {kind: exact}. No kind may get worse.
BEFORE = {
    ("dev", "plain"): {"abbrev": 11, "accents": 13, "bullets": 12, "detail-only": 6, "duplicates": 13,
                       "english": 1, "junk": 14, "key-only": 14, "markdown": 12, "mixed": 9, "negation": 15,
                       "numbering": 13, "paragraph": 11, "paraphrase": 4, "plausible-wrong": 15,
                       "separators": 14, "spray": 11, "typo": 10, "wrong-card": 13},
    ("dev", "curated"): {"abbrev": 11, "accents": 13, "bullets": 12, "detail-only": 8, "duplicates": 13,
                         "english": 9, "junk": 14, "key-only": 14, "markdown": 12, "mixed": 11,
                         "negation": 15, "numbering": 13, "paragraph": 15, "paraphrase": 13,
                         "plausible-wrong": 15,
                         "separators": 14, "spray": 11, "typo": 10, "wrong-card": 13},
    ("holdout", "plain"): {"abbrev": 10, "accents": 13, "bullets": 12, "detail-only": 8, "duplicates": 13,
                           "english": 2, "junk": 13, "key-only": 13, "markdown": 13, "mixed": 11,
                           "negation": 11, "numbering": 13, "paragraph": 12, "paraphrase": 1,
                           "plausible-wrong": 16, "separators": 13, "spray": 12, "typo": 6, "wrong-card": 13},
    ("holdout", "curated"): {"abbrev": 11, "accents": 13, "bullets": 12, "detail-only": 10, "duplicates": 13,
                             "english": 10, "junk": 13, "key-only": 13, "markdown": 13, "mixed": 11,
                             "negation": 11, "numbering": 14, "paragraph": 13, "paraphrase": 7,
                             "plausible-wrong": 16, "separators": 13, "spray": 11, "typo": 8,
                             "wrong-card": 11},
}  # fmt: skip

ITEMS = {"plain": plain_items, "curated": curated_items}
GRADERS = {"ours": our_grader, "lexical": lexical_grader, "naive": naive_grader}


_GRADED: dict[tuple[str, str, str, bool], dict[tuple[str, str], list[int]]] = {}


def _remembering(key: tuple[str, str, str, bool]):
    """The grader of ``key``, each reply graded once per session (kind subsets reuse the grades)."""
    grades = _GRADED.setdefault(key, {})
    grader = GRADERS[key[2]]

    def grade(card_items, reply, question, others):
        found = grades.get((question, reply))
        if found is None:
            found = grades[(question, reply)] = grader(card_items, reply, question, others)
        return found

    return grade


@cache
def _quality(name: str, items: str, grader: str = "ours", deck: bool = True, kind: str = "") -> Quality:
    """One evaluation: the original sets by name, the new decks' sets as ``new-<name>``."""
    if name.startswith("new-"):
        cases = load_new_cases(name.removeprefix("new-"))
        if items.startswith("chem-bio"):
            cases = [c for c in cases if c["deck"] == "chem-bio"]
        curated = items.endswith("-curated")
        card_items = new_deck_items(curated=curated)
        key = ("new", "curated" if curated else "plain", grader, deck)
    else:
        cases = load_cases(name)
        card_items = ITEMS[items]()
        key = ("original", items, grader, deck)
    if kind:
        cases = [c for c in cases if c.get("kind") == kind]
    return evaluate(cases, card_items, _remembering(key), deck=deck)


@pytest.fixture(scope="module", params=["dev", "holdout"])
def name(request):
    assert len(load_cases(request.param)) >= 240
    return request.param


def test_plain_item_strings_reach_the_issue_targets(name):
    quality = _quality(name, "plain")
    assert quality.precision >= 0.98, quality.line()
    assert quality.f1 >= 0.95, quality.line()


def test_the_curated_deck_with_aliases_does_better(name):
    plain, curated = _quality(name, "plain"), _quality(name, "curated")
    assert curated.f1 >= 0.97, curated.line()
    assert curated.exact_rate >= 0.88, curated.line()
    assert curated.f1 > plain.f1


def test_far_past_the_naive_baseline(name):
    ours, naive = _quality(name, "plain"), _quality(name, "plain", "naive")
    assert ours.f1 >= naive.f1 + 0.2
    assert ours.exact_rate > naive.exact_rate


@pytest.mark.parametrize("items", ["plain", "curated"])
@pytest.mark.parametrize("deck", [True, False], ids=["with-deck", "card-alone"])
def test_no_kind_of_reply_does_worse_than_before_meaning(name, items, deck):
    quality = _quality(name, items, deck=deck)
    worse = {
        kind: (quality.by_kind[kind][0], before)
        for kind, before in BEFORE[(name, items)].items()
        if quality.by_kind[kind][0] < before
    }
    assert not worse, worse


def test_junk_and_wrong_card_replies_earn_nothing(name):
    cases = [c for c in load_cases(name) if c["kind"] in ("junk", "wrong-card")]
    quality = evaluate(cases, plain_items(), our_grader)
    assert quality.false_positives == 0, quality.mistakes


def test_sprays_score_below_a_clean_answer(name):
    from bot.grading import grade_reply

    items = plain_items()
    for case in (c for c in load_cases(name) if c.get("spray")):
        card_items, question = items[case["card"]]
        others = [other for card_id, (other, _q) in items.items() if card_id != case["card"]]
        grade = grade_reply(card_items, case["reply"], question=question, others=others)
        assert grade.score < 1.0 or len(grade.unmatched) <= 2, case["reply"][:80]


# The new decks (other subjects, English and French, paraphrases and the other language): gates a little under
# the held-out figures measured when they were set; the issue's targets are higher (see the README).
@pytest.fixture(scope="module", params=["new-dev", "new-holdout"])
def new_set(request):
    assert len(load_new_cases(request.param.removeprefix("new-"))) >= 300
    return request.param


def test_new_decks_plain_items(new_set):
    quality = _quality(new_set, "plain")
    assert quality.precision >= 0.95, quality.line()
    assert quality.f1 >= 0.89, quality.line()


def test_meaning_lifts_the_new_decks_over_the_lexical_stage(new_set):
    full, lexical = _quality(new_set, "plain"), _quality(new_set, "plain", "lexical")
    assert full.f1 >= lexical.f1 + 0.05, (full.line(), lexical.line())
    assert full.precision >= lexical.precision - 0.015, (full.line(), lexical.line())


# Recall floors per set: the held-out ones a little under the figures measured when they were set (paraphrase
# 0.453, other-language 0.786), the dev ones just under what the dev set shows now (paraphrase 0.597,
# other-language 0.874, F1 0.951, precision 0.993).
RECALL_FLOORS = {
    "new-holdout": {"paraphrase": 0.44, "other-language": 0.76},
    "new-dev": {"paraphrase": 0.58, "other-language": 0.86},
}


@pytest.mark.parametrize("kind", ["paraphrase", "other-language"])
def test_paraphrases_and_the_other_language_are_recalled(new_set, kind):
    quality = _quality(new_set, "plain", kind=kind)
    assert quality.recall >= RECALL_FLOORS[new_set][kind], quality.line()


def test_new_decks_dev_set_keeps_what_tuning_reached():
    quality = _quality("new-dev", "plain")
    assert quality.precision >= 0.985, quality.line()
    assert quality.f1 >= 0.945, quality.line()


def test_the_curated_chem_bio_deck_does_better_than_its_notes(new_set):
    plain, curated = _quality(new_set, "chem-bio"), _quality(new_set, "chem-bio-curated")
    assert curated.f1 >= 0.915, curated.line()
    assert curated.f1 > plain.f1


@pytest.mark.parametrize(
    ("kind", "floor"), [("definition", 0.8), ("numbers", 0.85), ("negation", 0.8), ("near-neighbour", 0.85)]
)
def test_the_hard_cases_of_the_issue(new_set, kind, floor):
    quality = _quality(new_set, "plain", kind=kind)
    assert quality.exact_rate >= floor, quality.line()
