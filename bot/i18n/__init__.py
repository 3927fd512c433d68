"""The message catalogue: every sentence the bot shows a user, in French and English.

The catalogue is assembled at import from the per-feature modules listed in ``bot.i18n.messages.MODULES``;
each defines ``MESSAGES = {"<module>.<name>": {"en": "...", "fr": "..."}}``. A key defined twice is an error
at import, not a silent override.

``t("common.yes", "fr")`` returns a sentence, with ``str.format`` placeholders filled from keyword values;
``tn("common.points", 3, "fr")`` picks the ``.one`` / ``.other`` plural form of a counted message. An unknown
language falls back to English; an unknown key or a missing value raises, so a bug shows up in the tests
instead of as a half-empty message in a class channel.

Numbers, percentages, weekday names and lists are formatted per language here too: French uses a decimal
comma, a non-breaking space between thousands and before ``%`` (``83 %``), and ``et`` before the last item.
A score reads the same everywhere through :func:`format_score`, and ``de`` elides before a vowel
(:func:`starts_with_vowel`: « Rang d'Alice »).

Why not Babel. For the two languages the bot speaks, CLDR's cardinal plural rules are ``one``/``other``
(French: 0 and 1 are singular; its ``many`` form only concerns compact millions), which
:func:`plural_category` implements in two lines; lists and numbers are as short. Babel would bring its
whole CLDR locale database (tens of megabytes) for that, and would change every number shown (CLDR's
French thousands separator is U+202F, not the U+00A0 every message and test uses today). Worth
revisiting if a third language with other plural forms is added.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from string import Formatter
from types import ModuleType

from bot.i18n.messages import MODULES

SUPPORTED_LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "en"

# Quebec French (fr-CA) uses a no-break space to group thousands and before "%" (CLDR agrees).
NBSP = "\u00a0"

# French templates are written with ordinary spaces for readability; these become no-break spaces so that
# Discord never wraps a line between a word and its colon or between a guillemet and the quoted text.
_FRENCH_SPACING = (
    (" :", NBSP + ":"),
    (" ;", NBSP + ";"),
    (" ?", NBSP + "?"),
    (" !", NBSP + "!"),
    (" %", NBSP + "%"),
    ("« ", "«" + NBSP),
    (" »", NBSP + "»"),
)


class CatalogueError(RuntimeError):
    """The message modules do not form a valid catalogue (a duplicate key, a malformed entry)."""


def _french_typography(text: str) -> str:
    for plain, fixed in _FRENCH_SPACING:
        text = text.replace(plain, fixed)
    return text


def _merge(modules: Iterable[tuple[str, ModuleType]]) -> dict[str, dict[str, str]]:
    """Merge the modules' ``MESSAGES``; raise ``CatalogueError`` on a duplicate key or a malformed entry."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for name, module in modules:
        messages = getattr(module, "MESSAGES", None)
        if not isinstance(messages, Mapping):
            raise CatalogueError(
                f"bot.i18n.messages.{name} must define MESSAGES = {{key: {{'en': ..., 'fr': ...}}}}"
            )
        for key, entry in messages.items():
            if key in merged:
                raise CatalogueError(
                    f"message key {key!r} is defined in both bot.i18n.messages.{origin[key]} "
                    f"and bot.i18n.messages.{name}; keys must be unique"
                )
            if not isinstance(entry, Mapping) or not all(
                isinstance(lang, str) and isinstance(text, str) for lang, text in entry.items()
            ):
                raise CatalogueError(f"bot.i18n.messages.{name}: {key!r} must map language codes to strings")
            merged[key] = {
                lang: _french_typography(text) if lang == "fr" else text for lang, text in entry.items()
            }
            origin[key] = name
    return merged


def _load(names: Iterable[str]) -> dict[str, dict[str, str]]:
    return _merge((name, importlib.import_module(f"bot.i18n.messages.{name}")) for name in names)


MESSAGES: dict[str, dict[str, str]] = _load(MODULES)


def normalize_language(lang: str | None) -> str:
    """A supported language code from ``"fr"``, ``"fr-CA"``, ``"fr_CA.UTF-8"``...; anything else: English."""
    if lang in SUPPORTED_LANGUAGES:  # what every message look-up passes: no string work
        return lang
    if not lang:
        return DEFAULT_LANGUAGE
    # Discord locales look like "en-US", POSIX ones like "fr_CA.UTF-8@euro": keep the primary subtag.
    primary = lang.strip().lower().replace("_", "-").split(".")[0].split("@")[0].split("-")[0]
    return primary if primary in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def language_from_locale(locale: str | None) -> str:
    """The bot language for a Discord (or POSIX) locale: ``"fr-CA"`` → ``"fr"``; unknown or none → ``"en"``.

    Used for a guild's default language (``str(guild.preferred_locale)``) before a teacher picks one.
    """
    return normalize_language(locale)


def placeholders(template: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in a template (``{n}/{total}`` → ``{"n", "total"}``)."""
    return frozenset(field for _, field, _, _ in Formatter().parse(template) if field is not None)


def t(key: str, lang: str, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (English if that language is missing), with ``values`` filled in.

    Raises ``KeyError`` for an unknown key or a placeholder without a value: both are bugs to catch in tests.
    """
    try:
        entry = MESSAGES[key]
    except KeyError:
        raise KeyError(f"unknown message key {key!r}: add it to a module in bot/i18n/messages/") from None
    template = entry.get(normalize_language(lang)) or entry[DEFAULT_LANGUAGE]
    if not values and "{" not in template:
        return template
    try:
        return template.format(**values)
    except KeyError as exc:
        raise KeyError(f"message {key!r} needs a value for {exc.args[0]!r}") from None


def plural_category(count: float, lang: str) -> str:
    """``"one"`` or ``"other"``: English uses the singular only for 1; French for 0 and 1 (« 0 point »)."""
    if normalize_language(lang) == "fr":
        return "one" if abs(count) < 2 else "other"
    return "one" if count == 1 else "other"


def tn(key: str, count: float, lang: str, /, **values: object) -> str:
    """The plural form of ``key`` (``key.one`` or ``key.other``) for ``count``; ``{count}`` is filled in too.

    ``count`` is shown as given; pass ``count=format_number(...)`` in ``values`` to show it localized.
    """
    values.setdefault("count", count)
    return t(f"{key}.{plural_category(count, lang)}", lang, **values)


def format_number(value: float, lang: str, *, decimals: int | None = None) -> str:
    """A number for display: ``1,234.5`` in English, ``1 234,5`` (no-break spaces) in French.

    Integers keep no decimals; other numbers get ``decimals`` places, or up to two without trailing zeros.
    """
    if decimals is None:
        if isinstance(value, int) or float(value).is_integer():
            text = f"{round(value):,}"
        else:
            text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    # A tiny negative rounds to "-0" or "-0.00": show it as zero.
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    if normalize_language(lang) == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def format_percent(ratio: float, lang: str, *, decimals: int = 0) -> str:
    """A ratio (0–1) as a percentage: ``83%`` in English, ``83 %`` (no-break space) in French.

    Rounding never shows 100 % for an imperfect score nor 0 % for a score above nothing: a student with
    199 of 200 sees 99 %, which is what a teacher would write.
    """
    value = ratio * 100
    step = 10.0**-decimals
    shown = round(value, decimals)
    if shown >= 100 and value < 100:
        shown = 100 - step
    elif shown <= 0 < value:
        shown = step
    number = format_number(shown, lang, decimals=decimals)
    return f"{number}{NBSP}%" if normalize_language(lang) == "fr" else f"{number}%"


_VOWELS = frozenset("aeiouàâäéèêëîïôöùûüæœ")


def starts_with_vowel(word: str) -> bool:
    """Whether French elides ``de``/``le`` before ``word``: ``d'Alice``, ``d'Émile``, but ``de Bob``.

    Vowels only: whether an ``h`` or a ``y`` is a vowel depends on the word (``d'Yves`` but ``de Yasmine``),
    and ``de Hugo`` or ``de Yves`` reads as a slip at worst, where a wrong elision reads as a mistake.
    """
    first = word.lstrip()[:1].lower()
    return first in _VOWELS


def format_score(
    found: int, total: int, score: float, lang: str, *, cost: int = 0, wrong: int | None = None
) -> str:
    """A graded answer's score, worded the same everywhere.

    Without the anti-spray penalty (``cost`` 0): ``6/8 (75%)``. With it: ``3 items found, 7 wrong parts cost
    3: 0%`` (``wrong``: how many parts named nothing; None when no longer known), never ``3/3 (0%)``.
    """
    percent = format_percent(score, lang)
    if cost <= 0:
        return t("common.score.plain", lang, found=found, total=total, percent=percent)
    if wrong is None:
        costs = t("common.score.cost_unknown", lang, cost=cost)
    else:
        costs = tn("common.score.cost", wrong, lang, cost=cost)
    return t(
        "common.score.penalised",
        lang,
        found=tn("common.score.found", found, lang),
        cost=costs,
        percent=percent,
    )


def weekday_name(day: int, lang: str, *, short: bool = False) -> str:
    """The name of a weekday, 0 = Monday as in ``datetime.weekday()``."""
    if not 0 <= day <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {day}")
    return t(f"common.{'weekday_short' if short else 'weekday'}.{day}", lang)


def join_list(items: Iterable[str], lang: str) -> str:
    """``a, b and c`` / ``a, b et c``."""
    parts = list(items)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {t('common.and', lang)} {parts[-1]}"


_WEEKDAYS = frozenset(range(5))
_WEEKEND = frozenset({5, 6})
_EVERY_DAY = frozenset(range(7))


def format_days(days: Iterable[int], lang: str) -> str:
    """A schedule's days for people: ``every day``, ``weekdays``, ``weekends`` or ``Mon, Wed and Fri``."""
    chosen = frozenset(days)
    named = {
        _EVERY_DAY: "common.days.every_day",
        _WEEKDAYS: "common.days.weekdays",
        _WEEKEND: "common.days.weekend",
    }
    if chosen in named:
        return t(named[chosen], lang)
    return join_list((weekday_name(day, lang, short=True) for day in sorted(chosen)), lang)
