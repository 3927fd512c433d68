"""Importing plain-text course notes: questions followed by their answer lists, as teachers write them.

The notes are messy (see ``data/decks/cours-2-flashcards.txt``): questions end with ``?`` or ``:`` or are bare
headings over a bullet list; answers are ``-`` bullets, plain lines, ``•`` bullets run together on one line or
``a.`` sub-items of the item above; a bullet may be glued to the end of the previous line; notes follow lists.
The importer decides what it can and reports everything it guessed as a warning for the teacher to review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .model import Card, Deck, DeckError, DeckWarning, Item

_BULLET = re.compile(r"^\s*(?:[-–—*+·▪◦]|\d{1,2}[.)])\s+")
_SUB_ITEM = re.compile(r"^\s*[a-z][.)]\s+")
_NOTE = re.compile(r"^\s*(?:\*(?=\S)|(?:NB|N\.B\.|Note|Remarque)\s*:)", re.IGNORECASE)
# A bullet glued onto the end of a line: " - Formation et mobilisation: ..." (a key followed by a colon).
_GLUED_BULLET = re.compile(r"\s+[-–—]\s+(?=[A-ZÀ-Ý][^:\n]{0,60}:)")
# A note glued onto the end of a line: "... où je travaille *Ces éléments dépendent ..."
_GLUED_NOTE = re.compile(r"\s+\*(?=[A-ZÀ-Ýa-zà-ÿ])")
_INLINE_BULLETS = re.compile(r"\s*[•·▪◦]\s*")
_KEY_DETAIL = re.compile(r"^(?P<key>[^:]{1,80}?)\s*:\s*(?P<detail>.*)$")

_NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_COUNT_IN_QUESTION = re.compile(
    r"\b(?:les|the|des|ces|these)\s+(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE
)
# Questions asking for one thing ("Quel est le ...", "What is ...") that the notes answer with many lines.
_SINGULAR_QUESTION = re.compile(r"^\s*(?:quel(?:le)? est|qu.est[- ]ce qu|qui est|what is|who is)\b", re.I)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\t", " ")
    # Doubled apostrophes are a typing slip ("l’’interne"), never meaningful.
    text = re.sub(r"([’'])\s*[’']", r"\1", text)
    return re.sub(r" {2,}", " ", text).strip()


def _is_inline_question_list(text: str) -> bool:
    """``Qui ? Quoi ? Où ? Comment ? Résultats ?``: an answer made of question words, not a question."""
    chunks = [c.strip() for c in text.split("?")]
    if chunks and chunks[-1] == "":
        chunks.pop()
    return len(chunks) >= 2 and all(0 < len(c.split()) <= 2 for c in chunks)


def _looks_like_question(text: str) -> bool:
    return text.endswith(("?", ":")) and not _is_inline_question_list(text)


@dataclass
class _RawItem:
    text: str
    line: int
    subs: list[str] = field(default_factory=list)


@dataclass
class _RawCard:
    question: str
    line: int
    style: str = ""  # "bullet" or "plain": how the first answer was written
    items: list[_RawItem] = field(default_factory=list)


def _split_key_detail(text: str) -> tuple[str, str]:
    match = _KEY_DETAIL.match(text)
    if not match or not match["detail"].strip():
        return text.rstrip(":").strip(), ""
    return match["key"].strip(), match["detail"].strip()


def _inline_list(detail: str) -> list[str] | None:
    """A detail that is itself a comma list of names (``Google analytics, Radian 6, ..., etc.``).

    Explanations also contain commas, so a list needs short chunks that read as names: most of them
    capitalised, or the list closed by "etc.". Commas inside parentheses never split.
    """
    if "(" in detail:
        return None
    chunks = [c.strip() for c in re.split(r"[,;]", detail)]
    ends_with_etc = bool(chunks) and chunks[-1].lower().rstrip(".… ") in {"etc", ""}
    chunks = [c for c in chunks if c and c.lower().rstrip(".… ") not in {"etc", ""}]
    if len(chunks) < 3 or any(len(c.split()) > 8 for c in chunks):
        return None
    capitalised = sum(c[0].isupper() for c in chunks)
    return chunks if ends_with_etc or capitalised * 3 >= len(chunks) * 2 else None


def _split_repeated_head(chunk: str) -> list[str]:
    """``Nb de followers et d’ Nb de visionnements``: one chunk that names two things with the same head."""
    parts = re.split(r"\s+(?:et|and)\s+(?:d[’']\s*)?", chunk)
    if len(parts) == 2:
        heads = [p.split()[0].lower() for p in parts if p.split()]
        if len(heads) == 2 and heads[0] == heads[1]:
            return parts
    return [chunk]


def _items_of(raw: _RawItem, warnings: list[DeckWarning]) -> list[Item]:
    key, detail = _split_key_detail(raw.text)
    if raw.subs:
        detail = "; ".join([detail, *raw.subs] if detail else raw.subs)
        return [Item(key, detail)]
    listed = _inline_list(detail) if detail else None
    if listed:
        head = key.split(",")[0].strip()
        names = [name for chunk in listed for name in _split_repeated_head(chunk)]
        warnings.append(
            DeckWarning("decks.text.read_as_list", raw.line, text=raw.text[:40], head=head, count=len(names))
        )
        return [Item(head), *(Item(name.rstrip(".").strip()) for name in names)]
    return [Item(key, detail)]


def parse_notes(text: str, *, path: str = "<notes>", fallback_title: str = "Deck") -> Deck:
    """Parse course notes into a deck, or raise :class:`DeckError` naming the line at fault."""
    lines = [(number, _clean(raw)) for number, raw in enumerate(text.split("\n"), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise DeckError("decks.text.no_text", path=path)
    warnings: list[DeckWarning] = []
    cards: list[_RawCard] = []

    def next_is_bullet(index: int) -> bool:
        return index + 1 < len(lines) and bool(_BULLET.match(lines[index + 1][1]))

    start = 0
    title = fallback_title
    first_line = lines[0][1]
    if not _looks_like_question(first_line) and not _BULLET.match(first_line) and len(lines) > 1:
        second = lines[1][1]
        if _looks_like_question(second) or next_is_bullet(1):
            title = first_line
            start = 1

    for index in range(start, len(lines)):
        number, line = lines[index]
        card = cards[-1] if cards else None
        if _NOTE.match(line):
            if card:
                warnings.append(DeckWarning("decks.text.note_kept", number, note=line[:50]))
            continue
        if _SUB_ITEM.match(line) and card and card.items:
            body, *glued = _GLUED_BULLET.split(_SUB_ITEM.sub("", line, count=1))
            card.items[-1].subs.append(body.strip())
            for extra in glued:
                card.items.append(_RawItem(extra.strip(), number))
                warnings.append(DeckWarning("decks.text.glued_bullet_text", number, text=extra[:40]))
            continue
        if _BULLET.match(line) or "•" in line:
            if card is None:
                raise DeckError("decks.text.answer_first", path=path, line=number)
            body = _BULLET.sub("", line, count=1)
            body, *notes = _GLUED_NOTE.split(body, maxsplit=1)
            for note in notes:
                warnings.append(DeckWarning("decks.text.note_kept", number, note=note[:50]))
            pieces = [p for p in _INLINE_BULLETS.split(body) if p.strip()]
            for piece in pieces:
                head, *glued = _GLUED_BULLET.split(piece)
                for part in (head, *glued):
                    if part.strip():
                        card.items.append(_RawItem(part.strip(), number))
                if glued:
                    warnings.append(DeckWarning("decks.text.glued_bullet", number))
            card.style = card.style or "bullet"
            continue
        if _looks_like_question(line):
            cards.append(_RawCard(line, number))
            continue
        # A plain line: a bare heading over a bullet list, an answer, or a note after a bullet list.
        if next_is_bullet(index) and (card is None or not card.items or card.style == "bullet"):
            if card is not None and not card.items:
                raise DeckError(
                    "decks.text.no_answers", path=path, line=card.line, question=card.question[:60]
                )
            cards.append(_RawCard(line, number))
            warnings.append(DeckWarning("decks.text.heading_question", number, text=line[:50]))
            continue
        if card is None:
            warnings.append(DeckWarning("decks.text.text_before", number, text=line[:50]))
            continue
        if card.style == "bullet":
            warnings.append(DeckWarning("decks.text.text_after_list", number, text=line[:50]))
            continue
        card.style = card.style or "plain"
        if _is_inline_question_list(line):
            for word in line.split("?"):
                if word.strip():
                    card.items.append(_RawItem(word.strip(), number))
            continue
        card.items.append(_RawItem(line, number))

    if not cards:
        raise DeckError("decks.text.no_question_found", path=path)
    built: list[Card] = []
    for raw_card in cards:
        if not raw_card.items:
            raise DeckError(
                "decks.text.no_answers", path=path, line=raw_card.line, question=raw_card.question[:60]
            )
        items = [item for raw in raw_card.items for item in _items_of(raw, warnings)]
        _check_card(raw_card, items, warnings)
        built.append(Card(raw_card.question, tuple(items), line=raw_card.line))
    return Deck(
        title=title,
        cards=tuple(built),
        language=guess_language(text),
        warnings=tuple(sorted(warnings, key=lambda w: w.line or 0)),
        source=path,
    )


def _check_card(card: _RawCard, items: list[Item], warnings: list[DeckWarning]) -> None:
    match = _COUNT_IN_QUESTION.search(card.question)
    if match:
        word = match["n"].lower()
        expected = int(word) if word.isdigit() else _NUMBER_WORDS[word]
        if expected != len(items):
            warnings.append(
                DeckWarning("decks.text.count_mismatch", card.line, expected=expected, found=len(items))
            )
    lines = len({raw.line for raw in card.items})
    if _SINGULAR_QUESTION.match(card.question) and lines > 2:
        warnings.append(DeckWarning("decks.text.singular_question", card.line, lines=lines))
    seen: set[str] = set()
    for item in items:
        folded = item.answer.casefold()
        if folded in seen:
            warnings.append(DeckWarning("decks.text.duplicate_answer", card.line, answer=item.answer))
        seen.add(folded)


_FRENCH_HINTS = re.compile(r"\b(?:les|des|est|une|que|qui|pour|dans|avec|sont|quels?|quelles?)\b", re.I)
_ENGLISH_HINTS = re.compile(r"\b(?:the|and|what|which|are|is|of|with|for|how)\b", re.I)


def guess_language(text: str) -> str:
    french = len(_FRENCH_HINTS.findall(text))
    english = len(_ENGLISH_HINTS.findall(text))
    return "en" if english > french else "fr"
