"""The course-notes importer on the real deck and on each quirk it must handle."""

from pathlib import Path

import pytest

from bot.decks import DeckError, load_deck
from bot.decks.text_import import parse_notes

RAW = Path(__file__).resolve().parents[3] / "data" / "decks" / "cours-2-flashcards.txt"


@pytest.fixture(scope="module")
def deck():
    return load_deck(RAW)


def card(deck, start: str):
    return next(c for c in deck.cards if c.question.startswith(start))


def answers(card) -> list[str]:
    return [item.answer for item in card.items]


def test_raw_notes_give_thirteen_cards_with_title(deck):
    assert deck.title == "Cours 2 Flashcards"
    assert len(deck.cards) == 13
    assert deck.language == "fr"


def test_ten_steps_card_has_ten_items_with_sub_items_and_glued_bullet(deck):
    steps = card(deck, "Quelles sont les 10 étapes")
    assert len(steps.items) == 10
    politiques = steps.items[4]
    assert politiques.answer == "Création des politiques"
    for sub in ("Guide d’utilisation", "Politique éditoriale", "Gestion des commentaires", "usage personnel"):
        assert sub in politiques.detail
    assert "Formation et mobilisation" not in politiques.detail
    assert steps.items[5].answer == "Formation et mobilisation"
    assert steps.items[5].detail.startswith("Sur l’impact des médias sociaux")
    assert steps.items[0].answer == "Veille et observation"
    assert steps.items[0].detail.startswith("Regarder ce que fait les concurrents")


def test_bullets_run_together_on_one_line_and_a_glued_note(deck):
    parts = card(deck, "Quelles sont les composantes")
    assert len(parts.items) == 12
    assert answers(parts)[0] == "Réputation" and parts.items[0].detail == "Ce qu’on dit sur moi"
    assert parts.items[-1].answer == "Profession"
    assert "Ces éléments" not in parts.items[-1].detail


def test_four_forces_and_the_note_after_the_list(deck):
    forces = card(deck, "Les 4 forces")
    assert answers(forces) == ["Connexion", "Preuve", "Cohérence", "Historique"]
    assert all("Ces 4 forces" not in item.detail for item in forces.items)
    assert any("Ces 4 forces" in w.message for w in deck.warnings)


def test_question_words_line_is_an_answer_not_a_question(deck):
    editorial = card(deck, "Qu’est-ce qu’une politique éditoriale")
    assert answers(editorial) == ["Qui", "Quoi", "Où", "Comment", "Résultats"]
    assert not any(c.question.startswith("Qui ?") for c in deck.cards)


def test_heading_without_punctuation_is_a_question(deck):
    challenges = card(deck, "Défis de l’intégration des médias sociaux")
    assert len(challenges.items) == 6
    assert challenges.items[4].answer == "Accepter la critique"


def test_plain_line_answers_and_doubled_apostrophe(deck):
    job = card(deck, "Quel est le nouveau métier du web")
    assert job.items[0].answer == "COMMUNITY MANAGER À l’interne"
    policies = card(deck, "Quelles sont les politiques à créer")
    assert answers(policies) == [
        "Guide d’utilisation",
        "Politique éditoriale",
        "Gestion des commentaires",
        "Politique d’usage personnel",
    ]
    assert any("asks for one thing" in w.message for w in deck.warnings if w.line == job.line)


def test_inline_list_of_tools_is_split(deck):
    tools = card(deck, "Quels sont les outils d’évaluation")
    assert answers(tools)[:4] == ["ROI", "Outils de veille", "Google analytics", "Radian 6"]
    assert "Nb de followers" in answers(tools) and "Nb de visionnements" in answers(tools)


def test_count_in_question_that_disagrees_is_a_warning():
    deck = parse_notes("Les 3 forces:\n- Un\n- Deux\n", path="f.txt")
    assert any("announces 3 answers but 2" in w.message and w.line == 1 for w in deck.warnings)
    agreeing = parse_notes("Les 2 forces:\n- Un\n- Deux\n", path="f.txt")
    assert not agreeing.warnings


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("Titre\nQuestion sans réponse?\nAutre question?\n- a\n", "has no answers", 2),
        ("juste du texte\nsans question\n", "no question found", None),
        ("- une réponse\nQuestion?\n", "answer comes before any question", 1),
    ],
)
def test_notes_errors_name_the_line(text, message, line):
    with pytest.raises(DeckError) as error:
        parse_notes(text, path="notes.txt")
    assert message in str(error.value)
    assert error.value.line == line
    assert str(error.value).startswith("notes.txt")
