"""Grading by meaning: what it credits and refuses, the batch entry point, the switch, the cached vectors."""

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.decks import load_deck
from bot.grading import (
    GradeRequest,
    deck_texts,
    embeddings_blob,
    grade_many,
    grade_reply,
    prepare_deck,
    restore_embeddings,
    semantic_status,
    set_semantic,
)
from bot.grading import semantic as sem

DECKS = Path(__file__).parent / "labelled_new" / "decks"
ADVANTAGES = ["Recrutement", "Viral", "Monitoring"]
LOI_25 = ["Droit à l'oubli", "Consentement", "Portabilité des données"]


@pytest.fixture(autouse=True)
def stage_on():
    set_semantic(True)
    yield
    set_semantic(True)


def card(deck: str, question_part: str):
    loaded = load_deck(DECKS / f"{deck}.yaml")
    found = next(c for c in loaded.cards if question_part.lower() in c.question.lower())
    return found, [c.items for c in loaded.cards if c is not found]


def test_the_other_language_earns_the_item_by_meaning():
    grade = grade_reply(LOI_25, "the right to be forgotten")
    assert grade.matched == [0]
    assert grade.credits[0].via == "meaning"
    assert grade.credits[0].part == "the right to be forgotten"


def test_a_paraphrase_earns_the_item_with_the_deck():
    law, others = card("histoire-qc", "Loi 25")
    grade = grade_reply(
        law.items, "data portability, the right to be forgotten", question=law.question, others=others
    )
    assert grade.matched == [4, 6]
    assert {c.via for c in grade.credits} == {"meaning"}


def test_a_part_closer_to_another_card_earns_nothing():
    assert grade_reply(ADVANTAGES, "hiring new staff", others=[["Faibles coûts"]]).matched == [0]
    calibrated = grade_reply(ADVANTAGES, "hiring new staff", others=[["Embauche de personnel", "Formation"]])
    assert calibrated.matched == []
    assert calibrated.unmatched == ("hiring new staff",)


def test_deck_items_are_accepted_as_others():
    law, others = card("histoire-qc", "Loi 25")
    as_text = [[item.as_text() for item in items] for items in others]
    reply = "the right to be forgotten"
    assert (
        grade_reply(law.items, reply, others=others).matched
        == grade_reply(law.items, reply, others=as_text).matched
    )


def test_an_item_credited_in_words_is_not_credited_again_by_meaning():
    grade = grade_reply(LOI_25, "droit à l'oubli, the right to be forgotten")
    assert grade.matched == [0]
    assert [c.via for c in grade.credits] == ["answer"]
    assert grade.unmatched == ("the right to be forgotten",)


def graded(deck: str, question_part: str, reply: str, *, with_deck: bool = True) -> list[int]:
    found, others = card(deck, question_part)
    return grade_reply(
        found.items, reply, question=found.question, others=others if with_deck else None
    ).matched


def test_a_paraphrase_of_the_detail_earns_the_item_when_the_deck_is_known():
    # Mutualisme: "les deux espèces y gagnent (abeille + fleur)"
    assert graded("ecologie", "relations", "when both species win") == [2]
    assert graded("ecologie", "relations", "when both species win, like bees and flowers") == [2]
    # Without the deck to check against, a detail's wording is too loose a match.
    assert graded("ecologie", "relations", "when both species win", with_deck=False) == []


def test_parts_that_each_name_their_own_near_neighbour_are_both_credited():
    # Each is close to both items; each is closer to its own than the other part is.
    assert graded("histoire-qc", "1791", "Upper Canada, Lower Canada") == [0, 1]
    assert graded("histoire-qc", "1791", "Upper Canada, Lower Canada", with_deck=False) == [0, 1]
    assert graded("histoire-qc", "conscription", "World War One, World War Two") == [0, 3]
    assert graded("chem-bio", "subatomic", "the positive one, the neutral one") == [0, 1]
    # One part alone still has to prefer one item clearly.
    assert graded("histoire-qc", "1791", "Lower Canada") == []


def test_a_conjunction_opening_a_part_is_a_separator_not_meaning():
    # "and" before the last list entry says nothing about the item; read as content, it blurs a paraphrase.
    assert graded(
        "chem-bio", "subatomic", "the positive one, and the negative one that zooms around the outside"
    ) == [
        0,
        2,
    ]


def test_a_word_several_items_share_does_not_say_which_item_is_meant():
    # "données" is in two items of the Loi 25 card, "proteins" in three organelles: what is left must name it.
    assert graded("histoire-qc", "Loi 25", "protéger les données") == []
    assert graded("histoire-qc", "Loi 25", "chiffrer toutes les données") == []
    assert graded("chem-bio", "organelles", "it packs proteins") == []
    # The word of its own still names the item: "paroi" beside "cellulaire", "Upper" beside "Canada".
    assert graded("chem-bio", "organelles", "noyau, paroi cellulaire") == [4]
    assert graded("histoire-qc", "1791", "Upper Canada, Lower Canada") == [0, 1]
    assert graded("histoire-qc", "Loi 25", "data portability") == [4]


def test_a_weaker_preference_suffices_when_a_word_only_that_item_has_confirms_it():
    # "powder" is in the detail of Surface area only, "Borden" in that of the Military Service Act only.
    assert graded("chem-bio", "reaction rate", "crushing the solid into a powder") == [2]
    assert graded("histoire-qc", "conscription", "Borden oblige les hommes à aller se battre en 1917") == [1]
    # "cell" is in two items' names: no confirmation, and the model's weak preference is not enough.
    assert graded("chem-bio", "organelles", "the post office of the cell") == []


def test_a_word_refused_for_its_form_may_earn_its_item_by_meaning_when_no_other_item_has_it():
    # "décimal": the one word of Float's detail "decimal numbers" (a detail of two words needs both in words).
    assert graded("computing", "data types", "décimal") == [1]
    assert graded("computing", "data types", "entier, décimal") == [0, 1]
    # A word that other items have too stays refused ("Nelson": Wolfred and Robert), and so does one word of
    # a two-word alias (see test_rules: "adaptés" for the alias "contenus adaptés").
    assert graded("histoire-qc", "Rébellions", "Nelson") == []


def test_an_item_earned_by_another_part_leaves_the_rest_to_compete():
    # "invasive species" sits a little closer to "Destruction des habitats", which "habitat loss" earned.
    assert graded("ecologie", "biodiversit", "habitat loss, invasive species") == [0, 2]
    assert graded("ecologie", "biodiversit", "invasive species") == []


def test_one_real_word_in_the_other_language_earns_its_item_but_not_an_abbreviation():
    assert graded("ecologie", "abiotiques", "water") == [2]
    assert graded("ecologie", "abiotiques", "temperature, water") == [0, 2]
    assert graded("computing", "storage", "Mo") == []


def test_a_negation_may_earn_an_item_that_holds_one_but_never_one_it_names():
    assert graded("computing", "security", "jamais réutiliser le même mot de passe") == [3]
    assert graded("computing", "security", "mots de passe longs, jamais réutiliser le même mot de passe") == [
        0,
        3,
    ]
    # Neutron: "no charge"; naming it to reject it earns nothing, in words or by meaning.
    assert graded("chem-bio", "subatomic", "not the neutron") == []
    assert graded("chem-bio", "subatomic", "pas le neutron") == []


def test_a_negated_paraphrase_earns_nothing():
    assert grade_reply(LOI_25, "not the right to be forgotten").matched == []
    # A sentence with a negation is left to words; the next line is read on its own.
    others = [["Faibles coûts"]]
    assert grade_reply(ADVANTAGES, "hiring new staff, but no word of mouth", others=others).matched == []
    assert grade_reply(ADVANTAGES, "hiring new staff\nno word of mouth", others=others).matched == [0]


def test_one_word_near_an_item_is_not_that_item():
    assert grade_reply(ADVANTAGES, "mentoring", others=[["Faibles coûts"]]).matched == []


def test_another_name_sharing_the_first_word_is_not_the_item():
    tools = ["Google Analytics", "Hootsuite", "Radian6"]
    assert grade_reply(tools, "Google Ads", others=[["Veille", "Publicité"]]).matched == []


def test_meaning_credits_count_against_the_spray_allowance_no_more():
    law, others = card("histoire-qc", "Loi 25")
    pasted = [item.answer for items in others for item in items][:12]
    pasted += ["Consentement", "the right to be forgotten"]
    grade = grade_reply(law.items, "\n".join(pasted), question=law.question, others=others)
    assert grade.matched == [0]  # the spray earns only what it names in words
    assert grade.penalty == 1 and grade.score == 0


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("un catalyseur accélère une réaction chimique sans être consommé", [0]),
        ("something that makes a reaction go faster without getting used up", [0]),
        ("a catalyst", []),
        ("it catalyzes the reaction lol", []),
        ("reaction", []),
        ("like enzymes in your body", []),
    ],
)
def test_a_definition_card_is_graded_on_the_whole_reply(reply, expected):
    definition, others = card("chem-bio", "catalyst?")
    assert (
        grade_reply(definition.items, reply, question=definition.question, others=others).matched == expected
    )


def test_grade_many_gives_each_reply_its_own_grade_in_one_model_call(monkeypatch):
    law, others = card("histoire-qc", "Loi 25")
    requests = [
        GradeRequest(law.items, "the right to be forgotten", law.question, others),
        GradeRequest(ADVANTAGES, "viral, hiring new staff", "", [["Faibles coûts"]]),
        GradeRequest(LOI_25, "consentement"),
        GradeRequest(LOI_25, ""),
    ]
    singles = [grade_reply(r.expected, r.reply, question=r.question, others=r.others) for r in requests]
    sem.forget_recent_parts()
    calls = []
    encode = sem.encode
    monkeypatch.setattr(sem, "encode", lambda texts: calls.append(list(texts)) or encode(texts))
    assert grade_many(requests) == singles
    assert len(calls) == 1  # every reply part in one call; deck vectors were computed before


def test_a_part_the_class_typed_lately_is_not_embedded_again(monkeypatch):
    law, others = card("histoire-qc", "Loi 25")
    first = grade_reply(law.items, "the right to be forgotten", question=law.question, others=others)
    calls = []
    encode = sem.encode
    monkeypatch.setattr(sem, "encode", lambda texts: calls.append(list(texts)) or encode(texts))
    again = grade_many([GradeRequest(law.items, "the right to be forgotten", law.question, others)] * 3)
    assert again == [first] * 3
    assert calls == []


def test_item_vectors_are_computed_once_per_card(monkeypatch):
    items = ["Photosynthèse", "Respiration cellulaire", "Fermentation"]
    grade_reply(items, "how plants make sugar from light")
    computed = []
    deck_vectors = sem.deck_vectors
    monkeypatch.setattr(
        sem, "deck_vectors", lambda texts: computed.append(list(texts)) or deck_vectors(texts)
    )
    for reply in ("making energy without oxygen", "cells burning sugar", "how plants make sugar from light"):
        grade_reply(items, reply)
    assert computed == []


def test_the_switch_turns_meaning_off_and_on():
    set_semantic(False)
    assert grade_reply(LOI_25, "the right to be forgotten").matched == []
    assert semantic_status().enabled is False
    set_semantic(True)
    assert grade_reply(LOI_25, "the right to be forgotten").matched == [0]
    assert grade_reply(LOI_25, "the right to be forgotten", semantic=False).matched == []


def test_a_missing_model_package_leaves_the_lexical_grader_and_says_why(caplog):
    try:
        sem._reset_for_tests("no_such_model_package")
        with caplog.at_level(logging.WARNING, logger="bot.grading.semantic"):
            first = grade_reply(LOI_25, "the right to be forgotten, consentement")
            second = grade_reply(LOI_25, "portabilité")
        assert first.matched == [1] and second.matched == [2]
        status = semantic_status()
        assert status.available is False and "no_such_model_package" in status.reason
        assert len([r for r in caplog.records if "meaning is off" in r.getMessage()]) == 1
        assert prepare_deck([LOI_25]) == b""
    finally:
        sem._reset_for_tests()
    assert semantic_status().reason == "not loaded yet"
    assert grade_reply(LOI_25, "the right to be forgotten").matched == [0]


def test_deck_vectors_persist_and_restore():
    cards = [["Évaporation", "Condensation"], ["Producteurs: les plantes vertes"]]
    blob = prepare_deck(cards)
    texts = deck_texts(cards)
    assert texts == [
        "Évaporation",
        "Condensation",
        "Producteurs",
        "Producteurs: les plantes vertes",
        "les plantes vertes",
    ]
    before = np.stack([sem._state.cache[t] for t in texts])
    for text in texts:
        del sem._state.cache[text]
    assert restore_embeddings(blob, texts) == len(texts)
    after = np.stack([sem._state.cache[t] for t in texts])
    assert np.allclose(before, after, atol=2e-3)  # stored as float16
    assert prepare_deck(cards, blob=blob) == embeddings_blob(texts)


@pytest.mark.parametrize("blob", [b"", b"not a blob", b"TUTORSEM1garbage"])
def test_a_damaged_or_foreign_blob_restores_nothing(blob):
    assert restore_embeddings(blob, ["Évaporation"]) == 0
