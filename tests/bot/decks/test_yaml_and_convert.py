"""YAML decks report every mistake at once; ``deck convert`` writes warnings as comments and loads back
unchanged; legacy encodings are read and named."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.decks import Card, Deck, DeckError, Item, load_deck, load_deck_bytes
from bot.decks.review import dump_deck_for_review
from bot.decks.yaml_format import MAX_ERRORS, parse_yaml
from bot.i18n import NBSP

FOLDER = Path(__file__).resolve().parent / "teacher_files"


def yaml_errors(text: str) -> DeckError:
    with pytest.raises(DeckError) as caught:
        parse_yaml(text, path="deck.yaml")
    return caught.value


def test_every_mistake_is_reported_with_its_line():
    error = yaml_errors(
        "title: T\ncards:\n"
        "  - question: Q1?\n    items:\n      - answer Gas\n      - answer:Solid\n"
        "  - question: Q2?\n    items: []\n"
        "  - qestion: Q3?\n    items: [a]\n"
    )
    assert [(e.key, e.line) for e in error.errors] == [
        ("decks.yaml.key_without_colon", 5),
        ("decks.yaml.key_without_colon", 6),
        ("decks.yaml.no_items", 8),
        ("decks.yaml.unknown_key", 9),
    ]
    assert (
        error.errors[0].message
        == "item 1 of card 1 reads 'answer Gas': it looks like the key 'answer' without its colon"
    )
    assert error.errors[0].hint == "write 'answer: Gas', with a space after the colon"
    assert str(error).split("\n")[1].startswith("deck.yaml:6: item 2 of card 1 reads 'answer:Solid'")
    french = error.describe_all("fr")
    assert french[0].startswith(f"ligne 5{NBSP}: l'élément 1 de la carte 1 se lit «{NBSP}answer Gas{NBSP}»")
    assert len(french) == 4


def test_at_most_twenty_errors_then_a_count():
    error = yaml_errors("title: T\ncards:\n" + "  - question: Q?\n    itmes: [a]\n" * 30)
    assert len(error.errors) == MAX_ERRORS
    assert error.omitted == 10
    assert str(error).endswith("and 10 more error(s) not shown")


def test_a_single_error_keeps_its_one_line_shape():
    error = yaml_errors("title: T\ncards:\n  - question: Q?\n")
    assert error.errors == (error,)
    assert (
        str(error)
        == "deck.yaml:3: card 1 ('Q?') has no items (add 'items:' with at least one '- answer: ...')"
    )


def test_yes_no_and_numbers_are_read_as_the_teacher_wrote_them():
    deck = parse_yaml("title: T\ncards:\n  - question: Vrai ?\n    items: [No, yes, 1914, 3.50, 1_000, ~x]\n")
    assert [i.answer for i in deck.cards[0].items] == ["No", "yes", "1914", "3.50", "1_000", "~x"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_convert_writes_each_warning_next_to_its_card_and_loads_back_unchanged(tmp_path):
    source = FOLDER / "ecology-sub-bullets.txt"
    out = tmp_path / "ecology.yaml"
    code, printed, _ = run("deck", "convert", str(source), "-o", str(out))
    assert code == 0 and "4 warnings to review" in printed
    text = out.read_text(encoding="utf-8")
    lines = text.split("\n")
    # The warnings about card 2 ("Desert", line 15 of the notes) stand right above card 2.
    card2 = next(
        i for i, line in enumerate(lines) if line.startswith("  - question: What are the main biomes?")
    )
    assert lines[card2 - 1].strip().startswith("# line 15: 1 deeper line(s) under 'Desert'")
    card1 = next(i for i, line in enumerate(lines) if "What are the trophic levels" in line)
    assert [line.strip()[:10] for line in lines[card1 - 3 : card1]] == [
        "# line 4: ",
        "# line 7: ",
        "# line 10:",
    ]
    again = load_deck(out)
    original = load_deck(source)
    assert not again.warnings
    assert again.title == original.title and again.language == original.language
    assert [(c.question, c.items) for c in again.cards] == [(c.question, c.items) for c in original.cards]


def test_convert_comments_are_in_the_decks_language_unless_asked(tmp_path):
    source = FOLDER / "geographie-consignes.txt"
    run("deck", "convert", str(source), "-o", str(tmp_path / "fr.yaml"))
    assert f"# ligne 3{NBSP}: «{NBSP}Citez" in (tmp_path / "fr.yaml").read_text(encoding="utf-8")
    run("deck", "convert", str(source), "-o", str(tmp_path / "en.yaml"), "--lang", "en")
    assert "# line 3: 'Citez" in (tmp_path / "en.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FOLDER.iterdir() if p.suffix in (".txt", ".csv", ".md"))
)
def test_every_importable_teacher_file_converts_and_loads_back_unchanged(tmp_path, name):
    try:
        original = load_deck(FOLDER / name)
    except DeckError:
        return  # the binary files: refused, nothing to convert
    out = tmp_path / "out.yaml"
    assert run("deck", "convert", str(FOLDER / name), "-o", str(out))[0] == 0
    again = load_deck(out)
    assert not again.warnings
    assert (again.title, [(c.question, c.items) for c in again.cards]) == (
        original.title,
        [(c.question, c.items) for c in original.cards],
    )


def test_text_that_yaml_would_misread_round_trips():
    tricky = ["No", "yes", "null", "~", "1914", "3.0", "0x1F", "1_000", "2024-01-01", "a: b", "#hashtag",
              "- dash", "'quote", '"double"', "@everyone", "%50", "*star", "&amp", "!bang", "{brace}", "[x]",
              "colon:", "trailing space ", "l’été « ici »", "tab\there"]  # fmt: skip
    cleaned = [text.strip() for text in tricky]
    deck = Deck(
        title="#1: Tricky — « titre »",
        cards=(
            Card(
                "Quoi : ceci ?",
                tuple(Item(text, f"detail of {text}", (text + "!",)) for text in cleaned[:12]),
            ),
            Card("- What?", tuple(Item(text) for text in cleaned[12:])),
        ),
        language="fr",
    )
    again = parse_yaml(dump_deck_for_review(deck), path="again.yaml")
    assert again.title == deck.title
    assert [(c.question, c.items) for c in again.cards] == [(c.question, c.items) for c in deck.cards]


def test_convert_never_leaves_half_a_file(tmp_path):
    out = tmp_path / "deck.yaml"
    out.write_text("keep me", encoding="utf-8")
    code, _, err = run("deck", "convert", str(FOLDER / "lit-terms.md"), "-o", str(out))
    assert code == 1 and "exists" in err and out.read_text(encoding="utf-8") == "keep me"
    code, _, err = run("deck", "convert", str(FOLDER / "study-guide.txt"), "-o", str(tmp_path / "new.yaml"))
    assert (
        code == 1
        and "PDF" in err
        and not list(tmp_path.glob("new.yaml*"))
        and not list(tmp_path.glob(".new*"))
    )


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Qu’est-ce que l’été ?\n- La saison chaude\n".encode("cp1252"), "Windows-1252"),
        ("Qu'est-ce que l'été ?\n- La saison chaude\n".encode("latin-1"), "Latin-1"),
        ("Qu'est-ce que l'été ?\n- La saison chaude\n".encode("utf-16"), "UTF-16"),
        ("Qu'est-ce que l'été ?\n- La saison chaude\n".encode("utf-16-le"), "UTF-16 (little-endian, no BOM)"),
        ("Qu'est-ce que l'été ?\n- La saison chaude\n".encode("utf-16-be"), "UTF-16 (big-endian, no BOM)"),
        ("Qu'est-ce que l'été ?\n- La saison chaude\n".encode("utf-32"), "UTF-32"),
    ],
)
def test_legacy_and_wide_encodings_are_read_and_named(data, encoding):
    deck = load_deck_bytes(data, "notes.txt")
    assert deck.cards[0].question.endswith("l'été ?") or deck.cards[0].question.endswith("l’été ?")
    assert deck.cards[0].items[0].answer == "La saison chaude"
    (warning,) = deck.warnings
    assert warning.key == "decks.source.encoding" and encoding in warning.message
    assert encoding in warning.describe("fr") and "vérifiez que les accents" in warning.describe("fr")


def test_utf8_with_or_without_bom_needs_no_warning():
    for data in ("Été ?\n- Chaud\n".encode(), "Été ?\n- Chaud\n".encode("utf-8-sig")):
        deck = load_deck_bytes(data, "notes.txt")
        assert deck.cards[0].question == "Été ?" and not deck.warnings


def test_a_file_that_claims_utf16_but_is_not_is_refused_with_its_line():
    with pytest.raises(DeckError) as error:
        load_deck_bytes(b"\xff\xfe" + "Q ?\n- a\n".encode("utf-16-le") + b"\x00\xd8", "x.txt")
    assert error.value.key == "decks.source.bad_unicode" and "UTF-16" in str(error.value)
