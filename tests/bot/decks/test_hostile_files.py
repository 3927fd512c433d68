"""Hostile and careless files (issues 10 and 13): each refused with a clear message, in French and English,
before anything is built, with the cap it broke. Speed is measured in ``bench/`` and the report, not here;
these tests make each file big enough that building it would show (millions of items, megabytes)."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.decks import MAX_CARDS, MAX_ITEMS, DeckError, load_deck_bytes
from bot.decks.limits import MAX_ANSWER_CHARS, MAX_DETAIL_CHARS, MAX_LINE_CHARS, MAX_QUESTION_CHARS
from bot.i18n import MESSAGES


def refused(data: bytes, name: str) -> DeckError:
    with pytest.raises(DeckError) as caught:
        load_deck_bytes(data, name)
    error = caught.value
    # Every refusal is a catalogue message in both languages, naming the file.
    assert error.key in MESSAGES and set(MESSAGES[error.key]) == {"en", "fr"}
    assert error.describe("fr") != error.describe("en")
    assert str(error).startswith(name)
    return error


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


ANCHORED_CARD = "  - &card\n    question: Q?\n    items: [" + ", ".join(["a"] * 1000) + "]\n"


@pytest.mark.parametrize(
    ("name", "data", "key", "line", "shown"),
    [
        ("ten-mb.txt", b"Question?\n- a\n" * 700_000, "decks.source.too_large", None, "9.8 MB"),
        (
            "ten-thousand.yaml",
            ("title: T\ncards:\n" + "  - question: Q?\n    items: [a, b]\n" * 10_000).encode(),
            "decks.limits.too_many_cards",
            3 + 2 * MAX_CARDS,
            f"more than {MAX_CARDS} cards",
        ),
        (
            "ten-thousand.txt",
            b"".join(b"Q%d?\n- a\n" % i for i in range(10_000)),
            "decks.limits.too_many_cards",
            1 + 2 * MAX_CARDS,
            f"more than {MAX_CARDS} cards",
        ),
        (
            "ten-thousand.csv",
            b"".join(b"Q%d?,a|b\n" % i for i in range(10_000)),
            "decks.limits.too_many_cards",
            MAX_CARDS + 1,
            f"more than {MAX_CARDS} cards",
        ),
        (
            "long-item.txt",
            ("Q?\n- " + "mot " * 25_000 + "\n").encode(),
            "decks.limits.line_too_long",
            2,
            f"at most {MAX_LINE_CHARS}",
        ),
        (
            "long-item.yaml",
            (
                "title: T\ncards:\n  - question: Q?\n    items:\n      - |\n" + "        mot mot mot\n" * 6000
            ).encode(),
            "decks.yaml.too_long",
            5,
            f"at most {MAX_ANSWER_CHARS}",
        ),
        ("nested.yaml", b"title: T\ncards: " + b"[" * 5000, "decks.yaml.too_deep", 2, "nested deeper"),
        (
            "braces.yaml",
            b"title: T\ncards:\n  - " + b"{a: " * 2000,
            "decks.yaml.too_deep",
            3,
            "nested deeper",
        ),
        (
            "anchors.yaml",
            ("title: T\ncards:\n" + ANCHORED_CARD + "  - *card\n" * 5000).encode(),
            "decks.yaml.alias",
            3,
            "anchors and aliases",
        ),
        (
            "object.yaml",
            b"title: !!python/object/apply:os.system ['echo hi']\ncards: [{question: Q, items: [a]}]\n",
            "decks.yaml.tag",
            1,
            "python/object",
        ),
        (
            "controls.txt",
            b"Q?\n- a" + bytes(range(1, 9)) * 4 + b"\n",
            "decks.source.control_characters",
            None,
            "full of control characters",
        ),
        ("archive.txt", _zip({"deck.txt": "Q?\n- a\n"}), "decks.source.zip", None, "zip"),
        ("words.txt", _zip({"word/document.xml": "<w:document/>"}), "decks.source.word", None, "Plain Text"),
        ("sheet.csv", _zip({"xl/workbook.xml": "<workbook/>"}), "decks.source.excel", None, "CSV UTF-8"),
        (
            "apkg.txt",
            _zip({"collection.anki21": "x"}),
            "decks.source.anki_package",
            None,
            "Notes in Plain Text",
        ),
        ("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "decks.source.pdf", None, "PDF"),
        ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "decks.source.image", None, "image"),
        (
            "old.txt",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50,
            "decks.source.old_office",
            None,
            ".doc",
        ),
        (
            "many-items.txt",
            ("Q?\n" + "".join(f"- a{i}\n" for i in range(100_000))).encode(),
            "decks.limits.too_many_items",
            1,
            f"at most {MAX_ITEMS}",
        ),
        (
            "many-items.yaml",
            ("title: T\ncards:\n  - question: Q?\n    items:\n" + "      - a\n" * 50_000).encode(),
            "decks.limits.too_many_items",
            5,
            f"at most {MAX_ITEMS}",
        ),
        (
            "long-question.txt",
            ("Q" * (MAX_QUESTION_CHARS + 1) + "?\n- a\n").encode(),
            "decks.limits.question_too_long",
            1,
            f"at most {MAX_QUESTION_CHARS}",
        ),
        (
            "long-detail.csv",
            ("Q?,Answer: " + "d" * (MAX_DETAIL_CHARS + 1) + "\n").encode(),
            "decks.limits.detail_too_long",
            1,
            f"at most {MAX_DETAIL_CHARS}",
        ),
    ],
)
def test_hostile_file_is_refused_with_its_cap_and_line(name, data, key, line, shown):
    error = refused(data, name)
    assert (error.key, error.line) == (key, line), str(error)
    assert shown in str(error)


def test_an_anchor_is_refused_even_when_the_deck_would_be_valid():
    text = "title: T\ncards:\n  - question: Q?\n    items: &same [a, b]\n  - question: R?\n    items: *same\n"
    error = refused(text.encode(), "reuse.yaml")
    assert error.line == 4 and "write each card and item out in full" in str(error)


def test_a_few_stray_control_characters_are_removed_with_a_warning():
    deck = load_deck_bytes(b"Question ?\n- R\x07ponse\x0c\n- Autre\n", "notes.txt")
    assert [item.answer for item in deck.cards[0].items] == ["Rponse", "Autre"]
    assert any(w.key == "decks.source.control_removed" and w.line == 2 for w in deck.warnings)


def test_text_that_reverses_on_screen_is_cleaned_and_reported():
    deck = load_deck_bytes("Question ?\n- \u202egnp.exe\n".encode(), "notes.txt")
    assert deck.cards[0].items[0].answer == "gnp.exe"
    assert [w.key for w in deck.warnings] == ["decks.source.bidi_removed"]


def test_warnings_are_capped_with_a_count_of_the_rest():
    text = "Titre\nQuestion ?\n- a\n" + "une phrase après la liste\n" * 500
    deck = load_deck_bytes(text.encode(), "notes.txt")
    assert len(deck.warnings) == 101
    assert deck.warnings[-1].key == "decks.where.more_warnings" and deck.warnings[-1].values == {"count": 400}


def test_every_binary_kind_names_what_to_export_in_both_languages():
    from bot.decks import source

    kinds = {key for _, key in source._MAGIC} | {key for _, key in source._ZIP_KINDS}
    kinds |= {"decks.source.zip", "decks.source.opendocument", "decks.source.spreadsheet_odf"}
    for key in kinds:
        assert set(MESSAGES[key]) == {"en", "fr"} and set(MESSAGES[f"{key}.hint"]) == {"en", "fr"}, key
