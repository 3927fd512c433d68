"""Tests of the message catalogue: both languages everywhere, consistent placeholders, used keys exist."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import bot.i18n as i18n
from bot.i18n import (
    MESSAGES,
    NBSP,
    SUPPORTED_LANGUAGES,
    CatalogueError,
    format_days,
    format_number,
    format_percent,
    join_list,
    language_from_locale,
    placeholders,
    plural_category,
    t,
    tn,
    weekday_name,
)
from bot.i18n.messages import MODULES

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIRS = [ROOT / "bot", ROOT / "cogs"]


class Anything:
    """A stand-in value for any placeholder, including ``{member.name}``, ``{items[0]}`` and ``{x:.0%}``."""

    def __getattr__(self, name: str) -> Anything:
        return self

    def __getitem__(self, key: object) -> Anything:
        return self

    def __format__(self, spec: str) -> str:
        return "x"


def root_names(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for name in placeholders(template)}


# ---------------------------------------------------------------------------------------------------------
# The catalogue itself


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_complete_and_consistent(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(SUPPORTED_LANGUAGES), f"{key} must have exactly {SUPPORTED_LANGUAGES}"
    for lang, text in entry.items():
        assert text.strip(), f"{key} is empty in {lang}"
        assert text == text.rstrip(), f"{key} ends with spaces in {lang}"
    assert placeholders(entry["en"]) == placeholders(entry["fr"]), f"{key}: placeholders differ"
    # Every template formats (no stray braces) given a value for each placeholder.
    for lang in SUPPORTED_LANGUAGES:
        t(key, lang, **dict.fromkeys(root_names(entry[lang]), Anything()))


def test_keys_are_prefixed_by_their_module_and_every_module_is_listed() -> None:
    for name in MODULES:
        module = importlib.import_module(f"bot.i18n.messages.{name}")
        for key in module.MESSAGES:
            assert key.startswith(f"{name}."), (
                f"bot/i18n/messages/{name}.py: key {key!r} must start with {name!r}."
            )
    files = {
        path.stem for path in (ROOT / "bot" / "i18n" / "messages").glob("*.py") if path.stem != "__init__"
    }
    assert files <= set(MODULES), (
        f"add {sorted(files - set(MODULES))} to MODULES in bot/i18n/messages/__init__.py"
    )
    assert len(MODULES) == len(set(MODULES))


def test_plural_forms_come_in_pairs() -> None:
    for key in MESSAGES:
        stem, _, form = key.rpartition(".")
        if form == "one":
            assert f"{stem}.other" in MESSAGES, f"{key} has no .other form"
        if form == "other":
            assert f"{stem}.one" in MESSAGES, f"{key} has no .one form"


def test_french_typography_uses_no_break_spaces() -> None:
    for key, entry in MESSAGES.items():
        french = entry["fr"]
        for mark in (" :", " ;", " ?", " !", " %", "« ", " »"):
            assert mark not in french, f"{key}: {mark!r} should use a no-break space"
    assert t("common.error.not_allowed", "fr").startswith(f"Vous ne pouvez pas faire ça{NBSP}:")
    assert f"«{NBSP}deck{NBSP}»" in t("common.error.unknown_deck", "fr", name="deck")


def test_duplicate_keys_are_refused_at_import() -> None:
    first, second = ModuleType("first"), ModuleType("second")
    first.MESSAGES = {"x.a": {"en": "A", "fr": "A"}}  # type: ignore[attr-defined]
    second.MESSAGES = {"x.a": {"en": "B", "fr": "B"}}  # type: ignore[attr-defined]
    with pytest.raises(
        CatalogueError, match=r"'x.a' is defined in both bot.i18n.messages.first and bot.i18n.messages.second"
    ):
        i18n._merge([("first", first), ("second", second)])


def test_malformed_modules_are_refused() -> None:
    empty, bad = ModuleType("empty"), ModuleType("bad")
    with pytest.raises(CatalogueError, match="must define MESSAGES"):
        i18n._merge([("empty", empty)])
    bad.MESSAGES = {"bad.a": "just a string"}  # type: ignore[attr-defined]
    with pytest.raises(CatalogueError, match="must map language codes to strings"):
        i18n._merge([("bad", bad)])


def test_general_messages_exist() -> None:
    for key in (
        "common.error.not_allowed",
        "common.error.unknown_deck",
        "common.error.internal",
        "common.yes",
        "common.no",
        "common.confirm",
        "common.cancel",
        "common.points_label",
        "common.streak_label",
        *(f"common.weekday.{day}" for day in range(7)),
    ):
        assert key in MESSAGES
    assert "Manage Server" in t("common.error.not_allowed", "en")
    assert "teacher role" in t("common.error.not_allowed", "en")
    assert "logs" in t("common.error.internal", "en")


# ---------------------------------------------------------------------------------------------------------
# t and tn


def test_t_formats_values() -> None:
    assert t("cli.score", "en", found=6, total=8, percent="75%") == "Score: 6/8 (75%)"
    assert t("cli.score", "fr", found=6, total=8, percent="75 %") == f"Résultat{NBSP}: 6/8 (75 %)"
    assert t("cli.question_header", "fr", n=2, total=10, deck="Cours 2") == "Question 2/10 — Cours 2"
    # User text is inserted as is: braces in a value are not re-interpreted.
    assert t("cli.error.deck_load", "en", error="{oops}") == "Could not load the deck: {oops}"


def test_t_falls_back_to_english() -> None:
    assert t("common.yes", "de") == "Yes"
    assert t("common.yes", "") == "Yes"
    assert t("common.yes", "fr-CA") == "Oui"
    assert t("common.yes", "FR") == "Oui"


def test_t_falls_back_to_english_when_a_translation_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MESSAGES, "test.only_english", {"en": "Only {what}"})
    assert t("test.only_english", "fr", what="English") == "Only English"


def test_t_raises_on_bugs() -> None:
    with pytest.raises(KeyError, match=r"unknown message key 'common\.nope'"):
        t("common.nope", "en")
    with pytest.raises(KeyError, match="needs a value for 'deck'"):
        t("cli.question_header", "en", n=1, total=2)


def test_plurals() -> None:
    assert tn("common.points", 1, "en") == "1 point"
    assert tn("common.points", 0, "en") == "0 points"
    assert tn("common.points", 2, "en") == "2 points"
    assert tn("common.points", 0, "fr") == "0 point"
    assert tn("common.points", 1, "fr") == "1 point"
    assert tn("common.points", 2, "fr") == "2 points"
    assert tn("common.streak", 1, "fr") == "série de 1 jour"
    assert tn("common.streak", 5, "en") == "5-day streak"
    assert tn("common.points", 1500, "fr", count=format_number(1500, "fr")) == f"1{NBSP}500 points"
    assert tn("cli.penalty", 1, "en", extra=7, cost=1) == "7 extra wrong parts cost 1 item."
    assert tn("cli.penalty", 2, "fr", extra=7, cost=2) == "7 parties fausses en trop coûtent 2 éléments."
    assert plural_category(1.5, "fr") == "one"
    assert plural_category(1.5, "en") == "other"


# ---------------------------------------------------------------------------------------------------------
# Languages and formatting


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("fr-FR", "fr"),
        ("fr_CA.UTF-8", "fr"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("pt-BR", "en"),
        ("", "en"),
        (None, "en"),
        ("  FR-ca ", "fr"),
    ],
)
def test_language_from_locale(locale: str | None, expected: str) -> None:
    assert language_from_locale(locale) == expected


def test_format_number() -> None:
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "fr") == f"1{NBSP}234{NBSP}567"
    assert format_number(4.5, "en") == "4.5"
    assert format_number(4.5, "fr") == "4,5"
    assert format_number(4.0, "fr") == "4"
    assert format_number(2 / 3, "fr") == "0,67"
    assert format_number(1234.5678, "fr", decimals=1) == f"1{NBSP}234,6"
    assert format_number(-0.001, "en") == "0"
    assert format_number(-0.001, "en", decimals=2) == "0.00"
    assert format_number(-2.5, "fr") == "-2,5"


def test_format_percent() -> None:
    assert format_percent(5 / 6, "fr") == f"83{NBSP}%"
    assert format_percent(5 / 6, "en") == "83%"
    assert format_percent(5 / 6, "fr", decimals=1) == f"83,3{NBSP}%"
    assert format_percent(1, "en") == "100%"
    assert format_percent(0, "fr") == f"0{NBSP}%"
    # Never 100 % for an imperfect score, nor 0 % for a score above nothing.
    assert format_percent(199 / 200, "en") == "99%"
    assert format_percent(1 / 300, "en") == "1%"
    assert format_percent(0.9999, "en", decimals=1) == "99.9%"


def test_days_lists_and_weekdays() -> None:
    assert weekday_name(0, "fr") == "lundi"
    assert weekday_name(6, "en", short=True) == "Sun"
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        weekday_name(7, "en")
    assert join_list([], "en") == ""
    assert join_list(["a"], "fr") == "a"
    assert join_list(["a", "b"], "fr") == "a et b"
    assert join_list(["a", "b", "c"], "en") == "a, b and c"
    assert format_days(range(7), "fr") == "tous les jours"
    assert format_days({0, 1, 2, 3, 4}, "en") == "weekdays"
    assert format_days({5, 6}, "fr") == "la fin de semaine"
    assert format_days({0, 2, 4}, "en") == "Mon, Wed and Fri"
    assert format_days([4, 0, 2], "fr") == "lun., mer. et ven."


# ---------------------------------------------------------------------------------------------------------
# Every key used in the code exists


def _literal_first_argument(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _call_name(call: ast.Call) -> str:
    func: Any = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def used_keys() -> dict[str, list[str]]:
    """Message keys the code uses literally, with where: ``t("key", ...)``, ``tn("key", ...)`` (both plural
    forms) and keyed errors such as ``ScheduleError("scheduling.error....")``."""
    prefixes = tuple(f"{name}." for name in MODULES)
    found: dict[str, list[str]] = {}
    for directory in SOURCE_DIRS:
        for path in sorted(directory.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or (key := _literal_first_argument(node)) is None:
                    continue
                name = _call_name(node)
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if name == "t":
                    found.setdefault(key, []).append(where)
                elif name == "tn":
                    for form in ("one", "other"):
                        found.setdefault(f"{key}.{form}", []).append(where)
                elif name.endswith("Error") and key.startswith(prefixes) and " " not in key:
                    found.setdefault(key, []).append(where)
    return found


def test_every_key_used_in_the_code_exists() -> None:
    used = used_keys()
    # The scan sees this module's own uses, so it is looking in the right place.
    assert "common.and" in used
    assert "scheduling.error.time_format" in used
    missing = {key: places for key, places in used.items() if key not in MESSAGES}
    assert not missing, "message keys used but not in bot/i18n/messages/: " + "; ".join(
        f"{key} ({', '.join(places)})" for key, places in sorted(missing.items())
    )


def test_docstring_examples_use_real_keys() -> None:
    # The examples in bot/i18n.py's docstring should work as written.
    assert t("common.yes", "fr") == "Oui"
    assert tn("common.points", 3, "fr") == "3 points"
