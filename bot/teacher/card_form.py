"""The card form's format: a card as the two boxes of the edit form, and the boxes read back as a card.

The question is one box. The items are the other, one item a line, written as teachers write them::

    Transparence: tout se voit | transparent, transparency
    Rapidité
    Interactivité: on dialogue avec la clientèle

``answer: detail | alias, alias``: the first colon ends the answer, a bar starts the aliases, commas
separate them. A colon in an answer, a bar or a comma in an alias, is written with a backslash
(``16\\:9``), which is how :func:`format_items` writes them, so
``parse_card(question, format_items(card))`` gives the card back. A leading ``-``, ``•`` or ``*`` bullet
is dropped, blank lines are skipped.

:func:`parse_card` checks the whole form and raises :class:`CardFormError`, a :class:`UserErrors` listing
every wrong line (its number in the items box, what is wrong, what to write instead), so the form is fixed
in one go; nothing is returned half-read.
"""

from __future__ import annotations

import hashlib
import json
import re

from bot.decks import Card, Item
from bot.errors import UserError, UserErrors
from bot.i18n import format_number, t

#: Discord's limit for a text input; a card whose items need more cannot be edited in a form.
MAX_BOX = 4000
#: Problems listed at most (the rest are found once these are fixed).
MAX_PROBLEMS = 5


def _syntax(lang: str) -> str:
    """The form's item syntax, in the words of the language (``answer: detail | alias, alias``)."""
    return t("teacher.form.syntax", lang)


_BULLET = re.compile(r"^(?:[-•*]\s+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class CardFormError(UserErrors):
    """The form does not hold a card: every problem found, each with its line."""

    def __init__(self, problems: list[UserError]) -> None:
        super().__init__("teacher.form.invalid", problems[:MAX_PROBLEMS])


def _escape(text: str, special: str, *, first: bool = False) -> str:
    out = "".join(f"\\{c}" if c == "\\" or c in special else c for c in text)
    return f"\\{out}" if first and _BULLET.match(out) else out


def format_item(item: Item) -> str:
    """One item as a line of the form (the inverse of :func:`parse_item`)."""
    line = _escape(item.answer, ":|", first=True)
    if item.detail:
        line += ": " + _escape(item.detail, "|")
    if item.aliases:
        line += " | " + ", ".join(_escape(alias, "|,") for alias in item.aliases)
    return line


def format_items(card: Card) -> str:
    """The items box of the form for ``card``: one item a line."""
    return "\n".join(format_item(item) for item in card.items)


Chars = list[tuple[str, bool]]  # each character, and whether it was escaped with a backslash


def _chars(text: str) -> Chars:
    out: Chars = []
    escaped = False
    for char in text:
        if escaped:
            out.append((char, True))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append((char, False))
    if escaped:
        out.append(("\\", True))
    return out


def _cut(chars: Chars, separators: str, *, once: bool) -> list[Chars]:
    parts: list[Chars] = [[]]
    for char, escaped in chars:
        if not escaped and char in separators and (not once or len(parts) == 1):
            parts.append([])
        else:
            parts[-1].append((char, escaped))
    return parts


def _text(chars: Chars) -> str:
    return _CONTROL.sub(" ", "".join(char for char, _ in chars)).strip()


def parse_item(line: str) -> Item:
    """One line of the items box as an item (its answer may come back empty: the caller refuses it)."""
    chars = _chars(line.strip())
    if len(chars) > 1 and not chars[0][1] and chars[0][0] in "-•*" and chars[1][0].isspace():
        chars = chars[1:]
    head, *tail = _cut(chars, "|", once=True)
    answer, *detail = _cut(head, ":", once=True)
    aliases: list[str] = []
    for part in _cut(tail[0], "|,", once=False) if tail else []:
        alias = _text(part)
        if alias and alias.casefold() not in (a.casefold() for a in aliases):
            aliases.append(alias)
    return Item(_text(answer), _text(detail[0]) if detail else "", tuple(aliases))


def parse_card(question: str, items: str) -> Card:
    """The card the form holds, or :class:`CardFormError` naming every wrong line."""
    problems: list[UserError] = []
    # Discord's form cannot send more; a forged submission can, and is refused before it is read.
    for box, text in (("question", question), ("items", items)):
        if len(text) > MAX_BOX:
            size = len(text)
            problems.append(
                UserError(
                    f"teacher.form.too_long_{box}",
                    size=lambda lang, n=size: format_number(n, lang),
                    limit=lambda lang: format_number(MAX_BOX, lang),
                )
            )
    if problems:
        raise CardFormError(problems)
    # The question is taken as typed (no escapes), its lines trimmed.
    lines = (_CONTROL.sub(" ", line).strip() for line in question.splitlines())
    asked = "\n".join(line for line in lines if line)
    if not asked:
        problems.append(UserError("teacher.form.no_question"))
    parsed: list[Item] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(items.splitlines(), start=1):
        if not line.strip():
            continue
        item = parse_item(line)
        shown = {"text": line.strip()[:80], "answer": item.answer[:80]}
        if not item.answer:
            problems.append(UserError("teacher.form.no_answer", user=shown, line=number, syntax=_syntax))
            continue
        key = item.answer.casefold()
        if key in first_line:
            problems.append(
                UserError("teacher.form.duplicate", user=shown, line=number, first=first_line[key])
            )
            continue
        first_line[key] = number
        parsed.append(item)
    if not parsed and not any(p.key == "teacher.form.no_answer" for p in problems):
        problems.append(UserError("teacher.form.no_items", syntax=_syntax))
    if problems:
        raise CardFormError(problems)
    return Card(asked, tuple(parsed))


def fits_form(card: Card) -> bool:
    """Whether the card's question and items fit the form's boxes (Discord's limit)."""
    return len(card.question) <= MAX_BOX and len(format_items(card)) <= MAX_BOX


def version_of(card: Card) -> str:
    """A short fingerprint of the card's content: the form carries it, so a save can tell whether someone
    else changed the card since the form was opened."""
    data = [card.question, [[i.answer, i.detail, list(i.aliases)] for i in card.items]]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
