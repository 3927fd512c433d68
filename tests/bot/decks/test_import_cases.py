"""The importer's choices where notes could mean two things, and the warning saying how to mean the other."""

from __future__ import annotations

import pytest

from bot.decks import DeckError, load_deck_bytes
from bot.decks.text_import import parse_notes


def shape(text: str, *, markdown: bool = False) -> list[tuple[str, list[str]]]:
    deck = parse_notes(text, path="notes.txt", markdown=markdown)
    return [(card.question, [item.answer for item in card.items]) for card in deck.cards]


def keys(text: str, *, markdown: bool = False) -> list[tuple[str, int | None]]:
    return [(w.key, w.line) for w in parse_notes(text, path="notes.txt", markdown=markdown).warnings]


def test_a_numbered_list_under_a_question_stays_its_answers():
    assert shape("Quelles sont les étapes ?\n1. Veille\n2. Identification\n3. Choix\n") == [
        ("Quelles sont les étapes ?", ["Veille", "Identification", "Choix"])
    ]


def test_numbered_questions_with_numbered_answers_below_each():
    text = "1. Quelles sont les causes ?\n   1. La crise\n   2. Les idées\n2. Qui gouverne ?\n   1. Le roi\n"
    assert shape(text) == [
        ("Quelles sont les causes ?", ["La crise", "Les idées"]),
        ("Qui gouverne ?", ["Le roi"]),
    ]


def test_an_answer_that_starts_with_a_verb_is_not_a_question():
    text = "What affects prices?\nState regulation\nSupply and demand\nList building\n"
    assert shape(text) == [
        ("What affects prices?", ["State regulation", "Supply and demand", "List building"])
    ]
    assert shape("Quels défis ?\n- Accepter la critique\n- Rester authentique\n")[0][1] == [
        "Accepter la critique",
        "Rester authentique",
    ]


def test_an_instruction_after_a_list_is_a_new_question_and_says_how_to_keep_it_an_answer():
    deck = parse_notes(
        "Quels océans ?\n- Pacifique\nNommez deux provinces\n- Québec\n- Ontario\n", path="n.txt"
    )
    assert [len(card.items) for card in deck.cards] == [1, 2]
    (warning,) = deck.warnings
    assert (warning.key, warning.line) == ("decks.text.instruction_question", 3)
    assert "write it as a bullet ('- …')" in warning.message
    assert "écrivez-le en puce" in warning.describe("fr")


def test_a_question_without_its_mark_after_plain_answers():
    text = (
        "Quel est le rôle du maire ?\nDiriger le conseil\n"
        "Quelles sont les compétences de la ville\nVoirie\nLoisirs\n"
    )
    assert [len(items) for _, items in shape(text)] == [1, 2]
    assert keys(text) == [("decks.text.unmarked_question", 3)]


def test_lettered_lines_under_a_question_are_items_under_an_item_details():
    under_question = shape("Quelles colonies ?\na) Le Bas-Canada\nb) Le Haut-Canada\n")
    assert under_question == [("Quelles colonies ?", ["Le Bas-Canada", "Le Haut-Canada"])]
    deck = parse_notes(
        "Quelles politiques ?\n- Création:\na. Guide\nb. Politique\n- Formation\n", path="n.txt"
    )
    assert [(i.answer, i.detail) for i in deck.cards[0].items] == [
        ("Création", "Guide; Politique"),
        ("Formation", ""),
    ]
    assert not deck.warnings  # letters under an item are the usual way to write its details


@pytest.mark.parametrize(
    "notes",
    [
        "Q ?\n- Producteurs\n\t- Plantes\n\t- Algues\n- Consommateurs\n",  # a tab, the same marker
        "Q ?\n- Producteurs\n    – Plantes\n    – Algues\n- Consommateurs\n",  # spaces and an en dash
        "Q ?\n•\tProducteurs\no\tPlantes\no\tAlgues\n•\tConsommateurs\n",  # Word's export: "o" with no indent
        "Q ?\n* Producteurs\n  ◦ Plantes\n  ◦ Algues\n* Consommateurs\n",
    ],
)
def test_deeper_bullets_fold_into_their_item_with_a_warning(notes):
    deck = parse_notes(notes, path="n.txt")
    assert [(i.answer, i.detail) for i in deck.cards[0].items] == [
        ("Producteurs", "Plantes; Algues"),
        ("Consommateurs", ""),
    ]
    (warning,) = deck.warnings
    assert (warning.key, warning.line, warning.values["count"]) == ("decks.text.sub_bullets_folded", 2, 2)
    assert "at the level of the other bullets" in warning.message


def test_a_dash_list_of_its_own_is_not_a_sub_level():
    assert shape("Quelles couleurs ?\n– Bleu\n– Blanc\n") == [("Quelles couleurs ?", ["Bleu", "Blanc"])]


def test_a_section_title_over_a_question_is_dropped_with_a_warning():
    text = "Histoire\nQui ?\n- Champlain\nPartie 2 : la Conquête\nQuand ?\n- 1760\n"
    assert shape(text) == [("Qui ?", ["Champlain"]), ("Quand ?", ["1760"])]
    assert keys(text) == [("decks.text.section_heading", 4)]


def test_a_question_without_answers_is_still_an_error():
    with pytest.raises(DeckError) as caught:
        parse_notes("Titre\nQui ?\nQuand ?\n- 1760\n", path="n.txt")
    assert (caught.value.key, caught.value.line) == ("decks.text.no_answers", 2)


def test_qa_pairs_with_several_answer_lines():
    text = "Q: What are the states of matter?\nA: solid\nliquid\ngas\nQ: What is ice?\nA: Frozen water\n"
    assert shape(text) == [
        ("What are the states of matter?", ["solid", "liquid", "gas"]),
        ("What is ice?", ["Frozen water"]),
    ]


def test_markdown_keeps_underscores_inside_words_and_strips_emphasis():
    text = "# Python\n## What does `snake_case` mean?\n- a **lower_case** name with _underscores_\n"
    deck = parse_notes(text, path="n.md", markdown=True)
    assert deck.title == "Python"
    assert deck.cards[0].question == "What does snake_case mean?"
    assert deck.cards[0].items[0].answer == "a lower_case name with underscores"


def test_a_yaml_deck_saved_as_txt_and_a_tab_sheet_saved_as_txt_are_read_as_such():
    yaml_deck = load_deck_bytes(b"title: T\ncards:\n  - question: Q?\n    items: [a, b]\n", "deck.txt")
    assert [i.answer for i in yaml_deck.cards[0].items] == ["a", "b"]
    sheet = load_deck_bytes(b"Q1 ?\tun\tdeux\nQ2 ?\ttrois\n", "export.txt")
    assert [len(c.items) for c in sheet.cards] == [2, 1]
    assert sheet.warnings[0].key == "decks.file.read_as_sheet"


def test_a_sheet_row_without_question_continues_the_card_above():
    deck = load_deck_bytes(
        "Question,Réponses\nQuelles couleurs ?,Bleu\n,Blanc\nQui ?,Moi\n".encode(), "deck.csv"
    )
    assert [[i.answer for i in c.items] for c in deck.cards] == [["Bleu", "Blanc"], ["Moi"]]
    assert [(w.key, w.line) for w in deck.warnings] == [("decks.csv.continued_row", 3)]


def test_a_sheet_header_names_detail_alias_and_ignored_columns():
    text = (
        "Question,Réponse,Détail,Synonymes,Tags\n"
        "Qui a fondé Québec ?,Champlain,en 1608,Samuel de Champlain,h\n"
    )
    deck = load_deck_bytes(text.encode(), "deck.csv")
    (item,) = deck.cards[0].items
    assert (item.answer, item.detail, item.aliases) == ("Champlain", "en 1608", ("Samuel de Champlain",))
    assert [w.key for w in deck.warnings] == ["decks.csv.ignored_columns"]


def test_a_sheet_without_header_keeps_its_first_row():
    deck = load_deck_bytes(b"Question 1?,Answer\nQuestion 2?,Other\n", "deck.csv")
    assert [c.question for c in deck.cards] == ["Question 1?", "Question 2?"]


def test_the_delimiter_is_the_one_that_leaves_a_question_in_the_first_cell():
    english = load_deck_bytes(
        b"What are the colours?,red; yellow; blue\nWhat is ice?,frozen water\n", "d.csv"
    )
    assert [[i.answer for i in c.items] for c in english.cards] == [
        ["red", "yellow", "blue"],
        ["frozen water"],
    ]
    french = load_deck_bytes(b"Quels sont, en bref, les pronoms ?;je;tu\nQui ?;moi\n", "d.csv")
    assert [c.question for c in french.cards] == ["Quels sont, en bref, les pronoms ?", "Qui ?"]


def test_numbered_answers_that_ask_stay_answers():
    text = "Quelles questions pose une politique éditoriale ?\n1. Qui ?\n2. Quoi ?\n3. Où ?\nSuite ?\n- a\n"
    assert shape(text) == [
        ("Quelles questions pose une politique éditoriale ?", ["Qui ?", "Quoi ?", "Où ?"]),
        ("Suite ?", ["a"]),
    ]


def test_an_outline_whose_questions_are_bullets():
    text = "Plan\n•\tLes causes :\no\tLa crise\no\tLes idées\n•\tLes effets :\no\tLa guerre\n"
    assert shape(text) == [("Les causes :", ["La crise", "Les idées"]), ("Les effets :", ["La guerre"])]
    assert [k for k, _ in keys(text)] == ["decks.text.bullet_question"] * 2


def test_a_bullet_list_with_tabs_after_the_markers_is_notes_not_a_sheet():
    deck = load_deck_bytes("Quelles causes ?\n•\tLa crise\n•\tLes idées\n".encode(), "notes.txt")
    assert [i.answer for i in deck.cards[0].items] == ["La crise", "Les idées"] and not deck.warnings
