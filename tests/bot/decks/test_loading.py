"""Loading decks of every format, and the bad inputs a teacher may give."""

from pathlib import Path

import pytest

from bot.decks import DeckError, Item, dump_deck, load_deck
from bot.decks.yaml_format import parse_yaml

DATA = Path(__file__).resolve().parents[3] / "data" / "decks"


def test_curated_deck_loads_with_aliases_and_matches_the_notes_card_for_card():
    curated = load_deck(DATA / "cours-2.yaml")
    raw = load_deck(DATA / "cours-2-flashcards.txt")
    assert len(curated.cards) == len(raw.cards) == 13
    assert not curated.warnings
    job = curated.cards[6]
    assert [i.answer for i in job.items] == ["Community manager"]
    assert "gestionnaire de communauté" in job.items[0].aliases
    assert sum(len(c.items) for c in curated.cards) >= 70


def test_yaml_round_trip_keeps_everything(tmp_path):
    deck = load_deck(DATA / "cours-2.yaml")
    out = tmp_path / "again.yaml"
    out.write_text(dump_deck(deck), encoding="utf-8")
    again = load_deck(out)
    assert again.cards == tuple(
        c.__class__(c.question, c.items, again.cards[i].line) for i, c in enumerate(deck.cards)
    )
    assert again.title == deck.title


def test_yaml_bare_string_items():
    deck = parse_yaml("title: T\ncards:\n  - question: Q?\n    items: [A, B]\n")
    assert deck.cards[0].items == (Item("A"), Item("B"))


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("title: T\ncards:\n  - question: Q?\n", "has no items", 3),
        ("title: T\ncards:\n  - question: Q?\n    items:\n      - answer: [1, 2]\n", "must be text", 5),
        ("title: T\ncards:\n  - question: Q?\n    items:\n      - detail: d\n", "has no 'answer'", 5),
        ("title: T\ncards:\n  - question: Q?\n    itmes: [a]\n", "unknown key 'itmes'", 4),
        ("title: T\ncards: 3\n", "non-empty list", 2),
        ("cards:\n  - question: Q?\n    items: [a]\n", "no 'title'", 1),
        ("schema: 9\ntitle: T\ncards:\n  - {question: Q, items: [a]}\n", "unsupported schema", 1),
        ("title: T\ncards:\n  - question: Q?\n     items: [a]\n", "not valid YAML", 4),
        ("title: T\nlanguage: de\ncards:\n  - {question: Q, items: [a]}\n", "unknown language", 2),
    ],
)
def test_yaml_errors_name_file_line_and_problem(text, message, line):
    with pytest.raises(DeckError) as error:
        parse_yaml(text, path="deck.yaml")
    assert message in str(error.value)
    assert error.value.line == line
    assert str(error.value).startswith(f"deck.yaml:{line}")


def test_csv_with_header_pipes_and_newlines(tmp_path):
    path = tmp_path / "deck.csv"
    path.write_text(
        'question,answers\n"Les forces?","Connexion | Preuve: des témoignages"\n'
        '"Outils?","Google Analytics\nRadian 6"\n',
        encoding="utf-8",
    )
    deck = load_deck(path)
    assert [c.question for c in deck.cards] == ["Les forces?", "Outils?"]
    assert deck.cards[0].items == (Item("Connexion"), Item("Preuve", "des témoignages"))
    assert [i.answer for i in deck.cards[1].items] == ["Google Analytics", "Radian 6"]


def test_anki_plain_text_export(tmp_path):
    path = tmp_path / "anki.txt"
    path = tmp_path / "anki.tsv"
    path.write_text("#separator:tab\n#html:true\nLes forces?\tConnexion<br>Preuve\n", encoding="utf-8")
    deck = load_deck(path)
    assert [i.answer for i in deck.cards[0].items] == ["Connexion", "Preuve"]


def test_csv_missing_column_names_the_row(tmp_path):
    path = tmp_path / "deck.csv"
    path.write_text("Q1?,A\nQ2 sans réponse\n", encoding="utf-8")
    with pytest.raises(DeckError) as error:
        load_deck(path)
    assert error.value.line == 2 and "no answers column" in str(error.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.yaml", b"   \n\n", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("big.txt", b"Question?\n- a\n" * 800_000, "at most"),
        ("deck.pdf", b"%PDF-1.4", "unknown deck format"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DeckError) as error:
        load_deck(path)
    assert message in str(error.value)
    assert name in str(error.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DeckError, match="no such file"):
        load_deck(tmp_path / "nope.yaml")
    with pytest.raises(DeckError, match="folder"):
        load_deck(tmp_path)
