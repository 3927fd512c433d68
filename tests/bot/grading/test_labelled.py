"""Quality gates on the labelled replies: a fair teacher's labels, never the grader's own output.

The dev set is the one the grader was tuned on; the held-out set was written separately and only scored.
"""

import pytest

from bench.quality import curated_items, evaluate, load_cases, naive_grader, our_grader, plain_items


@pytest.fixture(scope="module", params=["dev", "holdout"])
def cases(request):
    loaded = load_cases(request.param)
    assert len(loaded) >= 240
    return loaded


def test_plain_item_strings_reach_the_issue_targets(cases):
    quality = evaluate(cases, plain_items(), our_grader)
    assert quality.precision >= 0.97, quality.line()
    assert quality.f1 >= 0.92, quality.line()


def test_the_curated_deck_with_aliases_does_better(cases):
    plain = evaluate(cases, plain_items(), our_grader)
    curated = evaluate(cases, curated_items(), our_grader)
    assert curated.f1 >= 0.95, curated.line()
    assert curated.f1 > plain.f1


def test_far_past_the_naive_baseline(cases):
    ours = evaluate(cases, plain_items(), our_grader)
    naive = evaluate(cases, plain_items(), naive_grader)
    assert ours.f1 >= naive.f1 + 0.2
    assert ours.exact_rate > naive.exact_rate


def test_junk_and_wrong_card_replies_earn_nothing(cases):
    bad = [c for c in cases if c["kind"] in ("junk", "wrong-card")]
    quality = evaluate(bad, plain_items(), our_grader)
    assert quality.false_positives == 0, quality.mistakes


def test_sprays_score_below_a_clean_answer(cases):
    from bot.grading import grade_reply

    items = plain_items()
    for case in (c for c in cases if c.get("spray")):
        card_items, question = items[case["card"]]
        grade = grade_reply(card_items, case["reply"], question=question)
        assert grade.score < 1.0 or len(grade.unmatched) <= 2, case["reply"][:80]
