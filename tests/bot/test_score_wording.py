"""A penalised score reads the same everywhere: "2 items found, 7 wrong parts cost 2: 0%", never "2/4 (0%)".

The daily feedback is checked end to end in tests/cogs/test_daily_e2e.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.decks import Card, Item
from bot.grading import grade_reply
from bot.i18n import NBSP, format_score
from bot.practice.render import feedback as practice_feedback
from bot.practice.service import Feedback, FoundItem, Question
from bot.practice.terminal import feedback_lines
from bot.quiz.game import QuizAnswer
from bot.quiz.render import receipt

FORCES = Card(
    "Quelles sont les 4 forces ?",
    (Item("Connexion"), Item("Preuve"), Item("Cohérence"), Item("Historique")),
)
SPRAY = "Connexion\nPreuve\nVeille\nObjectifs\nMesure\nBudget\nRecrutement\nFormation\nCalendrier"
PENALISED = {
    "en": "2 items found, 7 wrong parts cost 2: 0%",
    "fr": f"2 éléments trouvés, 7 parties fausses coûtent 2{NBSP}: 0{NBSP}%",
}


def sprayed():
    grade = grade_reply(FORCES.items, SPRAY, question=FORCES.question)
    assert (grade.found, grade.penalty, len(grade.unmatched), grade.score) == (2, 2, 7, 0.0)
    return grade


def test_format_score_plain_penalised_and_plural_forms() -> None:
    assert format_score(6, 8, 0.75, "en") == "6/8 (75%)"
    assert format_score(6, 8, 0.75, "fr") == f"6/8 (75{NBSP}%)"
    assert format_score(3, 4, 0.5, "en", cost=1, wrong=1) == "3 items found, 1 wrong part costs 1: 50%"
    assert format_score(1, 4, 0.0, "fr", cost=1, wrong=1) == (
        f"1 élément trouvé, 1 partie fausse coûte 1{NBSP}: 0{NBSP}%"
    )
    assert format_score(3, 4, 0.5, "en", cost=1) == "3 items found, wrong parts cost 1: 50%"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_terminal_says_what_was_found_and_what_the_wrong_parts_cost(lang: str) -> None:
    lines = feedback_lines(FORCES, sprayed(), lang)
    assert any(PENALISED[lang] in line for line in lines)
    assert not any("2/4" in line for line in lines)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_practice_feedback_title_and_score_line(lang: str) -> None:
    grade = sprayed()
    question = Question("s", 0, 1, 3, "Cours", 1, FORCES.question, 4)
    content = practice_feedback(
        Feedback(
            question=question,
            found=tuple(
                FoundItem(FORCES.items[i].answer, FORCES.items[i].answer, "answer") for i in grade.matched
            ),
            missed=(),
            unmatched=grade.unmatched,
            penalty=grade.penalty,
            score=grade.score,
            found_count=grade.found,
            total=grade.total,
            points=0,
            practice_points=0,
            due=datetime(2025, 3, 4, tzinfo=UTC),
        ),
        lang,
    )
    assert content.title is not None and content.title.endswith(PENALISED[lang])
    assert PENALISED[lang] in content.description
    assert "2/4" not in content.title + content.description
    assert content.kind == "poor"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_quiz_receipt_says_what_the_wrong_parts_cost(lang: str) -> None:
    answer = QuizAnswer(
        member_id=1,
        round_number=1,
        found=2,
        credited=0,
        total=4,
        found_items=("Connexion", "Preuve"),
        base=0,
        bonus=0,
        seconds=3.0,
        answered_at=datetime(2025, 3, 4, tzinfo=UTC),
        wrong=7,
    )
    text = receipt(answer, lang)
    assert PENALISED[lang] in text and "Connexion, Preuve" in text
    assert "0/4" not in text
