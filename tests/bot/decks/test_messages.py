"""Deck errors and warnings: keys described in French and English; English ``str()`` for the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.decks import DeckError, DeckWarning, load_deck_bytes
from bot.decks.text_import import parse_notes
from bot.decks.yaml_format import parse_yaml
from bot.i18n import MESSAGES, NBSP

DECKS = Path(__file__).resolve().parents[3] / "bot" / "decks"


def yaml_error(text: str) -> DeckError:
    with pytest.raises(DeckError) as caught:
        parse_yaml(text, path="deck.yaml")
    return caught.value


def test_an_error_is_described_in_french_and_english():
    error = yaml_error("title: T\ncards:\n  - question: Q?\n")
    assert error.key == "decks.yaml.no_items"
    assert (
        error.describe("en") == "card 1 ('Q?') has no items (add 'items:' with at least one '- answer: ...')"
    )
    french = error.describe("fr")
    assert french == (
        f"la carte 1 («{NBSP}Q?{NBSP}») n'a aucun élément (ajoutez «{NBSP}items:{NBSP}» avec au moins un "
        f"«{NBSP}- answer: ...{NBSP}»)"
    )
    assert french != error.describe("en")
    assert error.describe("fr-CA") == french and error.describe("de") == error.describe("en")


def test_str_keeps_the_path_line_message_hint_shape_in_english():
    error = yaml_error("title: T\ncards:\n  - question: Q?\n    itmes: [a]\n")
    assert (error.path, error.line) == ("deck.yaml", 4)
    assert error.message == "unknown key 'itmes' in card 1"
    assert error.hint == "allowed keys: items, question"
    assert str(error) == "deck.yaml:4: unknown key 'itmes' in card 1 (allowed keys: items, question)"
    assert str(error) == f"{error.path}:{error.line}: {error.message} ({error.hint})"
    assert error.args == (str(error),)
    # The part of the deck it names is translated with the message; the YAML key stays as written.
    assert error.describe("fr") == (
        f"clé «{NBSP}itmes{NBSP}» inconnue dans la carte 1 (clés permises{NBSP}: items, question)"
    )
    # Without a line or a hint, the shape shrinks accordingly.
    with pytest.raises(DeckError) as caught:
        load_deck_bytes(b"x", "slides")
    assert str(caught.value).startswith("slides: unknown deck format")
    with pytest.raises(DeckError) as caught:
        load_deck_bytes(b"Question ?\n- a\n", "notes.pdf")
    assert caught.value.line is None
    assert str(caught.value) == "notes.pdf: unknown deck format '.pdf' (use .yaml, .txt or .csv)"
    missing = DeckError("decks.file.missing")
    assert (missing.hint, str(missing)) == ("", "<deck>: no such file")
    assert missing.describe("fr") == "ce fichier n'existe pas"


def test_values_are_user_text_not_translated():
    with pytest.raises(DeckError) as caught:
        parse_notes("Titre\nQuelles forces ?\nQuel est le rôle ?\n- a\n", path="notes.txt")
    error = caught.value
    assert error.values == {"question": "Quelles forces ?"}
    assert error.message == "the question 'Quelles forces ?' has no answers"
    assert error.describe("fr").startswith(f"la question «{NBSP}Quelles forces ?{NBSP}» n'a aucune réponse (")
    # Sizes are written the language's way.
    with pytest.raises(DeckError) as caught:
        load_deck_bytes(b"Q?\n- a\n" * 200_000, "big.txt")
    assert "the file is 1.4 MB; a deck may be at most 1000 kB" in str(caught.value)
    assert f"le fichier fait 1,4 Mo{NBSP}; un paquet peut faire au plus 1000 ko" in caught.value.describe(
        "fr"
    )


def test_a_warning_is_described_in_french_and_english():
    deck = parse_notes("Les 3 forces ?\n- Un\n- Deux\n", path="notes.txt")
    (warning,) = deck.warnings
    assert (warning.key, warning.line, warning.values) == (
        "decks.text.count_mismatch",
        1,
        {"expected": 3, "found": 2},
    )
    assert warning.message == "the question announces 3 answers but 2 were found"
    assert str(warning) == "line 1: the question announces 3 answers but 2 were found"
    assert warning.describe("en") == warning.message
    assert warning.describe("fr") == "la question annonce 3 réponses, mais j'en trouve 2"
    # Warnings are values: equal when they say the same thing, whatever the order of the values.
    same = DeckWarning("decks.text.count_mismatch", 1, found=2, expected=3)
    assert same == warning and hash(same) == hash(warning) and hash(deck)


def test_unknown_keys_are_bugs_and_plain_text_is_kept():
    with pytest.raises(KeyError, match=r"decks\.yaml\.nope"):
        DeckError("decks.yaml.nope", path="x.yaml")
    with pytest.raises(KeyError, match=r"decks\.text\.nope"):
        DeckWarning("decks.text.nope", 3)
    # Code outside the importers may still raise plain English text; it is shown as written.
    plain = DeckError("no cards", path="cours.yaml")
    assert str(plain) == "cours.yaml: no cards" and plain.describe("fr") == "no cards"


def _deck_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(DECKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else ""
                )
                if name in {"DeckError", "DeckWarning", "Phrase", "fail", "error", "warn"}:
                    calls.append((f"{path.name}:{node.lineno}", node))
    return calls


def test_the_importers_only_use_catalogue_keys():
    calls = _deck_calls()
    assert len(calls) > 40  # the scan sees the importers
    for where, call in calls:
        first = (
            call.args[1]
            if isinstance(call.func, ast.Attribute) and call.func.attr in ("fail", "error")
            else call.args[0]
        )
        if isinstance(first, ast.Name) and first.id == "key":  # _Validator.fail passing its caller's key on
            continue
        if isinstance(first, ast.JoinedStr):  # Phrase(f"decks.what.{part}", ...)
            prefix = first.values[0]
            assert isinstance(prefix, ast.Constant) and str(prefix.value).startswith("decks.what."), where
            continue
        assert isinstance(first, ast.Constant), f"{where}: pass a catalogue key, not computed text"
        assert first.value in MESSAGES, f"{where}: {first.value!r} is not in bot/i18n/messages/decks/"


def test_every_deck_hint_belongs_to_a_message():
    keys = [key for key in MESSAGES if key.startswith("decks.")]
    assert len(keys) > 50
    for key in keys:
        assert set(MESSAGES[key]) == {"en", "fr"}, key
        if key.endswith(".hint"):
            assert key.removesuffix(".hint") in MESSAGES, f"{key} is the hint of no message"
