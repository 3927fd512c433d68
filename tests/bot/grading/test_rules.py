"""The grading rules of the design notes, one behaviour per test, on the course deck's real items."""

from pathlib import Path

import pytest
import yaml

from bot.decks import Item
from bot.grading import grade_reply

CARDS = yaml.safe_load((Path(__file__).parent / "labelled_cards.yaml").read_text(encoding="utf-8"))


def items(card_id: str) -> list[str]:
    return CARDS[card_id]["items"]


def credited(card_id: str, reply: str) -> list[int]:
    return grade_reply(items(card_id), reply).matched


@pytest.mark.parametrize(
    ("card_id", "reply", "expected"),
    [
        ("avantages", "recrutement, viral, cout faible, sentiment d appartenance", [1, 3, 6, 7]),
        ("avantages", "- Viralité\n - Recrutement de nouveaux employés\n - cout faible", [1, 3, 7]),
        ("avantages", "Monitorring, sentimant d'appartenance", [2, 6]),
        ("avantages", "mentoring", []),
        ("avantages", "viral viral viral, VIRAL", [1]),
        ("avantages", "transparence, authenticité, partage", []),
        ("defis", "accepter la critique mais surtout pas céder le contrôle aux internautes", [4]),
        ("etapes", "1. veille 2. identification des clientèles 3. choix des outils", [0, 1, 2]),
        ("etapes", "on observe la concurrence et notre portrait sur le web", [0]),
        ("politiques", "politique d'usage perso / gestion des comms", [2, 3]),
        ("editoriale", "qui? ou? résultats?", [0, 2, 4]),
        ("editoriale", "quoi comment", [1, 3]),
        ("metier", "c'est le community manager!", [0]),
        ("outils", "Google Analytics pis Radian6", [2, 3]),
        ("recommandations", "transparence, fiabilité, implication, engagement à long terme", [0, 5, 6, 8]),
        ("eviter", "faut pas juste parler de soi, faut se préparer", [0]),
        ("identite", "toutes les informations qu'on trouve sur toi sur internet", [0]),
        ("composantes", "réputation • expression • audience • achats", [0, 1, 2, 5]),
        ("composantes", "ce que j'achète, ce que je sais, mes passions", [5, 7, 8]),
        ("forces", "**connexion**, ||preuve||, `cohérence`", [0, 1, 2]),
        ("forces", "preuve, historique, notoriété", [1, 3]),
        ("forces", "aucune idée 😅", []),
    ],
)
def test_teacher_examples(card_id, reply, expected):
    assert credited(card_id, reply) == expected


def test_score_is_the_credited_fraction():
    grade = grade_reply(items("forces"), "preuve, historique, notoriété")
    assert grade.score == pytest.approx(2 / 4)
    assert grade.total == 4 and grade.found == 2


def test_feedback_says_which_part_earned_each_item_and_what_matched_nothing():
    grade = grade_reply(items("forces"), "Preuve, **historique**, notoriété")
    assert [(c.item, c.part) for c in grade.credits] == [(1, "Preuve"), (3, "historique")]
    assert grade.unmatched == ("notoriété",)


def test_key_or_detail_is_said_in_the_credit():
    grade = grade_reply(items("composantes"), "réputation, mes passions")
    vias = {c.item: c.via for c in grade.credits}
    assert vias == {0: "answer", 8: "detail"}


def test_spray_never_pays_better_than_knowing_the_answer():
    knowing = grade_reply(items("recommandations"), ", ".join(i for i in items("recommandations")))
    everything = [i.split(":")[0] for card in CARDS.values() for i in card["items"]]
    spray = grade_reply(items("recommandations"), "\n".join(everything))
    assert knowing.score == 1.0
    assert spray.matched == list(range(9))  # the correct items are still listed in the feedback
    assert spray.score < knowing.score
    assert spray.penalty > 0


def test_a_couple_of_wrong_parts_cost_nothing():
    grade = grade_reply(items("forces"), "connexion, preuve, notoriété, visibilité")
    assert grade.score == pytest.approx(0.5) and grade.penalty == 0


@pytest.mark.parametrize(
    "reply",
    ["pas la transparence", "sauf la transparence", "tout sauf la transparence", "not transparency"],
)
def test_negated_items_get_nothing(reply):
    assert credited("recommandations", reply) == []


def test_avoid_card_needs_the_negation_of_a_negative_item():
    assert credited("eviter", "ne pas se préparer") == [1]
    assert credited("eviter", "faut se préparer") == []
    assert credited("eviter", "pas de relève") == [2]


def test_items_of_another_card_earn_nothing():
    assert credited("forces", "réputation, expression, audience") == []


def test_aliases_of_deck_items_are_accepted():
    job = [Item("Community manager", "anime la communauté", ("gestionnaire de communauté",))]
    assert grade_reply(job, "gestionnaire de communautés web").matched == [0]
    assert grade_reply(job, "un CM").matched == [0]


def test_answer_inside_a_long_paragraph():
    reply = (
        "Bon, selon moi il y a plusieurs choses. D'abord une entreprise devrait regarder ce que font "
        "ses concurrents en ligne. Ensuite il faut choisir les bons outils et créer les profils. "
        "Après ça, l'évaluation et l'ajustement de la stratégie sont importants."
    )
    assert credited("etapes", reply) == [0, 2, 9]


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   \n\t ",
        "😅🔥🎉",
        "?!.,;:-–—•",
        "\x00\x01\x02 viral \x7f",
        "<@123456789012345678> <@&987654321098765432> @everyone @here",
        "x" * 20_000,
        "viral, " * 3_000,
        "\ud800 broken surrogate",
        "٣ ٤ 𝕧𝕚𝕣𝕒𝕝",
    ],
)
def test_never_raises_on_any_string(reply):
    grade = grade_reply(items("avantages"), reply)
    assert 0.0 <= grade.score <= 1.0
    assert grade.matched == sorted(set(grade.matched))


def test_control_characters_and_mentions_around_an_answer():
    assert credited("avantages", "<@123456789012345678> \x00viral\x07") == [1]


def test_empty_item_list():
    assert grade_reply([], "anything").score == 0.0


def test_each_line_is_its_own_part():
    grade = grade_reply(items("avantages"), "veille\nidentification des clientèles")
    assert grade.unmatched == ("veille", "identification des clientèles")


def test_the_opposite_good_practice_is_not_the_bad_one():
    assert credited("eviter", "choisir le bon outil pour sa clientèle") == []
    curated = [Item("Utiliser le mauvais outil", aliases=("outil inadapté",))]
    assert grade_reply(curated, "le bon outil").matched == []


def test_a_short_alias_is_matched_whole():
    card = [Item("Création de contenus", aliases=("contenus adaptés",)), Item("Distribution des contenus")]
    assert grade_reply(card, "des contenus adaptés").matched == [0]
    assert grade_reply(card, "adaptés").matched == []


def test_repeating_the_question_is_not_answering_it():
    card = [Item("Respect de la logique des médias sociaux"), Item("Transparence")]
    question = "Quelles sont les recommandations sur les médias sociaux ?"
    assert grade_reply(card, "les médias sociaux c'est important", question=question).matched == []
    assert grade_reply(card, "respecter la logique des médias sociaux", question=question).matched == [0]


def test_a_hyphenated_compound_with_a_conjunction_is_one_word_and_negates_nothing():
    types = ["Integer — a whole number", "Boolean — a yes-or-no value", "String — text"]
    assert grade_reply(types, "a yes-or-no value", semantic=False).matched == [1]
    assert grade_reply(types, "not a yes-or-no value", semantic=False).matched == []
    assert grade_reply(types, "integer or string", semantic=False).matched == [
        0,
        2,
    ]  # a plain "or" still joins
