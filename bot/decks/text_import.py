"""Importing plain-text course notes: questions followed by their answer lists, as teachers write them.

The notes are messy (see ``data/decks/cours-2-flashcards.txt`` and ``tests/bot/decks/teacher_files/``).
Questions end with ``?`` or ``:``, are numbered (``1.``, ``Q1)``, ``Question 2 :``), are instructions without
punctuation ("Citez…", "Give three…"), or are bare headings over a list (Markdown ``##`` headings too).
Answers are ``-``/``•``/``*`` bullets, numbered or lettered lines, plain lines, ``•`` bullets run together on
one line, or ``A:``/``Réponse :`` lines; ``a.`` lines and deeper (indented, ``o``, ``◦``, ``–``) bullets under
an answer are its details; a bullet may be glued to the end of the previous line; notes follow lists. The
importer decides what it can and reports every guess as a warning, with its line, for the teacher to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .limits import MAX_CARDS, MAX_ITEMS, MAX_WARNINGS, check_card_size, too_many_cards
from .model import Card, Deck, DeckError, DeckWarning, Item
from .notes_lines import (
    SECONDARY_MARKERS,
    NoteLine,
    asks_without_mark,
    clean,
    ends_like_question,
    instruction_verb,
    is_inline_question_list,
    read_line,
)

_NOTE = re.compile(r"^\s*(?:\*(?=\S)|(?:NB|N\.B\.|Note|Remarque)\s*:)", re.IGNORECASE)
# A bullet glued onto the end of a line: " - Formation et mobilisation: ..." (a key followed by a colon).
_GLUED_BULLET = re.compile(r"\s+[-–—]\s+(?=[A-ZÀ-Ý][^:\n]{0,60}:)")
# A note glued onto the end of a line: "... où je travaille *Ces éléments dépendent ..."
_GLUED_NOTE = re.compile(r"\s+\*(?=[A-ZÀ-Ýa-zà-ÿ])")
_INLINE_BULLETS = re.compile(r"\s*[•·▪]\s*")
_KEY_DETAIL = re.compile(r"^(?P<key>[^:]{1,80}?)\s*:\s*(?P<detail>.*)$")

_NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_COUNT_IN_QUESTION = re.compile(
    r"\b(?:les|the|des|ces|these|give|list|name|state|cite|citez|nommez|donnez|énumérez|identify)\s+"
    r"(?:the\s+|les\s+)?(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\b",
    re.IGNORECASE,
)
# Questions asking for one thing ("Quel est le ...", "What is ...") that the notes answer with many lines.
_SINGULAR_QUESTION = re.compile(r"^\s*(?:quel(?:le)? est|qu.est[- ]ce qu|qui est|what is|who is)\b", re.I)


@dataclass
class _RawItem:
    text: str
    line: int
    subs: list[str] = field(default_factory=list)
    folded: int = 0  # sub-bullets folded in by their depth, for the warning


@dataclass
class _RawCard:
    question: str
    line: int
    style: str = ""  # how the first answer was written: "bullet", "letter", "plain" or "qa"
    marker: str = ""  # the first answer's list marker
    indent: int = -1  # the first answer's indentation
    items: list[_RawItem] = field(default_factory=list)
    last_number: int = 0  # the number of the last numbered answer
    question_marker: str = ""  # the question's own bullet, for outlines whose questions are bullets
    question_indent: int = 0


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
        if raw.folded:
            warnings.append(
                DeckWarning("decks.text.sub_bullets_folded", raw.line, count=raw.folded, answer=key[:40])
            )
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


def _answer_pieces(line: NoteLine, warnings: list[DeckWarning]) -> list[str]:
    """The answers on an ``A: …`` line: split on ``;`` and ``|``, and on commas between short names."""
    body = line.body
    if re.search(r"[;|]", body):
        return [p.strip() for p in re.split(r"[;|]", body) if p.strip()]
    key, detail = _split_key_detail(body)
    chunks = [c.strip() for c in key.split(",")]
    if not detail and "(" not in key and len(chunks) >= 3 and all(0 < len(c.split()) <= 4 for c in chunks):
        warnings.append(DeckWarning("decks.text.answer_commas", line.number, count=len(chunks)))
        return chunks
    return [body] if body else []


class _Lines:
    """The file's lines read one at a time as the parser reaches them, so a cap stops the reading early."""

    def __init__(self, text: str, markdown: bool) -> None:
        self._source = (
            line
            for number, raw in enumerate(text.split("\n"), start=1)
            if (line := read_line(number, raw, markdown=markdown)) is not None
        )
        self._read: list[NoteLine] = []

    def get(self, index: int) -> NoteLine | None:
        while len(self._read) <= index:
            line = next(self._source, None)
            if line is None:
                return None
            self._read.append(line)
        return self._read[index]

    def __getitem__(self, index: int) -> NoteLine:
        line = self.get(index)
        if line is None:
            raise IndexError(index)
        return line


class _Notes:
    """The parser's state while it reads the lines in order."""

    def __init__(self, lines: _Lines, path: str, markdown: bool) -> None:
        self.lines = lines
        self.path = path
        self.markdown = markdown
        self.cards: list[_RawCard] = []
        self.warnings: list[DeckWarning] = []
        self.numbered_questions = False
        self.last_question_number = 0
        self.omitted_warnings = 0
        self._reason_of: tuple[int, str] = (0, "")

    @property
    def card(self) -> _RawCard | None:
        return self.cards[-1] if self.cards else None

    def warn(self, key: str, line: int | None, /, **values: object) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(DeckWarning(key, line, **values))
        else:
            self.omitted_warnings += 1

    def following(self, index: int) -> NoteLine | None:
        return self.lines.get(index + 1)

    def start_card(self, line: NoteLine, question: str) -> None:
        card = self.card
        if card is not None and not card.items:
            if card.question.endswith("?"):
                raise DeckError(
                    "decks.text.no_answers", path=self.path, line=card.line, question=card.question[:60]
                )
            # "Chapitre 2 : la Nouvelle-France" over the next question: a section title, not a card.
            self.cards.pop()
            self.warn("decks.text.section_heading", card.line, text=card.question[:50])
        if len(self.cards) >= MAX_CARDS:
            raise too_many_cards(self.path, line.number)
        self.cards.append(_RawCard(question, line.number))
        if line.bullet and not line.numbered:
            self.cards[-1].question_marker, self.cards[-1].question_indent = line.marker, line.indent
        if line.numbered:
            self.numbered_questions = True
            self.last_question_number = line.number_value or 0

    def answers_follow(self, index: int) -> bool:
        """The next line is an answer to this one: a bullet, a lettered line, or deeper text."""
        line, following = self.lines[index], self.following(index)
        if following is None or following.heading:
            return False
        if following.bullet and not (line.numbered and following.numbered):
            return True
        return following.letter or following.indent > line.indent

    def deeper_follows(self, index: int) -> bool:
        """The next line is a deeper bullet than this one, or a sub-level kind under another kind."""
        line, following = self.lines[index], self.following(index)
        if following is None or not following.bullet:
            return False
        if following.indent > line.indent:
            return True
        return following.marker != line.marker and following.marker in SECONDARY_MARKERS

    def question_reason(self, line: NoteLine) -> str:
        """Why a line reads as a question: ``mark`` (``?``, ``:``), ``verb``, ``asks``, or ``""``."""
        if line.number == self._reason_of[0]:
            return self._reason_of[1]  # asked of the next line, then of the same line when it is read
        reason = ""
        if is_inline_question_list(line.body):
            reason = ""
        elif ends_like_question(line.body):
            reason = "mark"
        elif instruction_verb(line.body):
            reason = "verb"
        elif asks_without_mark(line.body):
            reason = "asks"
        self._reason_of = (line.number, reason)
        return reason

    def add_item(self, line: NoteLine, text: str, style: str) -> None:
        card = self.card
        assert card is not None
        if not card.items:
            card.style, card.marker, card.indent = style, line.marker, line.indent
        if len(card.items) >= MAX_ITEMS:
            raise DeckError(
                "decks.limits.too_many_items",
                path=self.path,
                line=card.line,
                card=len(self.cards),
                question=card.question[:60],
                count=len(card.items) + 1,
                limit=MAX_ITEMS,
            )
        card.items.append(_RawItem(text, line.number))
        card.last_number = line.number_value or card.last_number

    def fold(self, line: NoteLine, text: str, *, by_depth: bool) -> None:
        card = self.card
        assert card is not None and card.items
        card.items[-1].subs.append(text)
        card.items[-1].folded += by_depth

    def is_sub_bullet(self, line: NoteLine) -> bool:
        """A bullet deeper than the card's first answers, or of a sub-level kind under another kind."""
        card = self.card
        if card is None or not card.items or card.style not in ("bullet", "plain", "letter"):
            return False
        if line.indent > card.indent:
            return True
        return line.marker != card.marker and line.marker in SECONDARY_MARKERS and line.indent >= card.indent

    def numbered_is_question(self, line: NoteLine, index: int) -> bool:
        card = self.card
        following = self.following(index)
        if card is not None and not card.items and (following is None or following.numbered):
            # "Quelles questions ?" over "1. Qui ?", "2. Quoi ?": numbered answers, though they ask.
            return False
        if (
            card is not None
            and card.items
            and card.marker == "1."
            and line.number_value == card.last_number + 1
            and line.indent >= card.indent
            and not (self.numbered_questions and line.number_value == self.last_question_number + 1)
        ):
            return False  # the next number of the card's own numbered answers
        reason = self.question_reason(line)
        if line.body.endswith("?") or reason in ("verb", "asks"):
            return True
        if card is None:
            return True  # nothing to be an answer of: "1. Les causes de la guerre" over its answers
        if reason == "mark" or self.answers_follow(index):
            # "3. Les causes :" is a question when the questions are numbered and this one comes next, or
            # when the card's own answers are not a numbered list.
            if card.items and card.marker != "1.":
                return True
            return self.numbered_questions and line.number_value == self.last_question_number + 1
        return False

    def read(self, index: int) -> None:
        line = self.lines[index]
        card = self.card
        if _NOTE.match(line.text):
            if card:
                self.warn("decks.text.note_kept", line.number, note=line.text[:50])
            return
        if line.heading:
            self.read_heading(line, index)
            return
        if line.question_prefix:
            self.start_card(line, line.body)
            self.cards[-1].style = "qa"
            return
        if line.answer_prefix and card is not None and (card.style == "qa" or not card.items):
            card.style = "qa"
            for piece in _answer_pieces(line, self.warnings):
                card.items.append(_RawItem(piece, line.number))
            return
        if line.letter and card is not None:
            if card.items and card.style != "letter":
                body, *glued = _GLUED_BULLET.split(line.body)
                self.fold(line, body.strip(), by_depth=False)
                for extra in glued:
                    card.items.append(_RawItem(extra.strip(), line.number))
                    self.warn("decks.text.glued_bullet_text", line.number, text=extra[:40])
            else:
                self.add_item(line, line.body, "letter")
            return
        if line.numbered and self.numbered_is_question(line, index):
            self.start_card(line, line.body)
            if not line.body.endswith(("?", ":")):
                self.warn_unmarked(line, self.question_reason(line))
            return
        if line.bullet or "•" in line.text:
            self.read_bullet(line, index)
            return
        self.read_plain(line, index)

    def warn_unmarked(self, line: NoteLine, reason: str) -> None:
        if reason == "verb":
            verb = instruction_verb(line.body) or ""
            self.warn("decks.text.instruction_question", line.number, text=line.body[:50], verb=verb)
        elif reason == "asks":
            self.warn("decks.text.unmarked_question", line.number, text=line.body[:50])
        else:
            self.warn("decks.text.heading_question", line.number, text=line.body[:50])

    def read_heading(self, line: NoteLine, index: int) -> None:
        following = self.following(index)
        if following is None or following.heading or following.question_prefix:
            self.warn("decks.text.section_heading", line.number, text=line.body[:50])
            return
        if not self.answers_follow(index) and self.question_reason(following) and not following.bullet:
            self.warn("decks.text.section_heading", line.number, text=line.body[:50])
            return
        self.start_card(line, line.body)
        if not self.question_reason(line):
            self.warn("decks.text.heading_question", line.number, text=line.body[:50])

    def read_bullet(self, line: NoteLine, index: int) -> None:
        card = self.card
        # An outline whose questions are bullets too ("• Les causes :" over "o La crise"): a bullet that
        # asks, or has deeper bullets under it, before any question or at the level of the card's question.
        outline_question = card is None or (
            bool(card.question_marker)
            and line.marker == card.question_marker
            and line.indent <= card.question_indent
        )
        if outline_question and (self.question_reason(line) == "mark" or self.deeper_follows(index)):
            self.start_card(line, line.body)
            self.warn("decks.text.bullet_question", line.number, text=line.body[:50])
            return
        if card is None:
            raise DeckError("decks.text.answer_first", path=self.path, line=line.number)
        body = line.body
        if self.is_sub_bullet(line):
            self.fold(line, body, by_depth=True)
            return
        body, *notes = _GLUED_NOTE.split(body, maxsplit=1)
        for note in notes:
            self.warn("decks.text.note_kept", line.number, note=note[:50])
        pieces = [p for p in _INLINE_BULLETS.split(body) if p.strip()]
        for piece in pieces:
            head, *glued = _GLUED_BULLET.split(piece)
            for part in (head, *glued):
                if part.strip():
                    self.add_item(line, part.strip(), "bullet")
            if glued:
                self.warn("decks.text.glued_bullet", line.number)

    def read_plain(self, line: NoteLine, index: int) -> None:
        card = self.card
        text = line.text
        reason = self.question_reason(line)
        if reason == "mark":
            self.start_card(line, text)
            return
        if reason and (card is None or card.items):
            # An instruction ("Citez les causes…") or a question without its "?": a new card.
            self.start_card(line, text)
            self.warn_unmarked(line, reason)
            return
        if card is not None and card.items and line.indent > card.indent >= 0 and card.style != "qa":
            self.fold(line, text, by_depth=True)
            return
        # A bare heading over a list, an answer, or a note after a bullet list.
        if self.answers_follow(index) and (card is None or not card.items or card.style == "bullet"):
            self.start_card(line, text)
            self.warn("decks.text.heading_question", line.number, text=text[:50])
            return
        if card is None:
            self.warn("decks.text.text_before", line.number, text=text[:50])
            return
        if card.style in ("bullet", "letter"):
            following = self.following(index)
            starts_card = following is not None and (
                following.question_prefix
                or (not following.bullet and self.question_reason(following) == "mark")
            )
            if starts_card and len(text.split()) <= 6 and not text.endswith("."):
                # "Partie 2 : la Conquête" between a list and the next question: a section title.
                self.warn("decks.text.section_heading", line.number, text=text[:50])
            else:
                self.warn("decks.text.text_after_list", line.number, text=text[:50])
            return
        if is_inline_question_list(text):
            for word in text.split("?"):
                if word.strip():
                    self.add_item(line, word.strip(), "plain")
            return
        self.add_item(line, text, "plain")


def _title(lines: _Lines, notes: _Notes) -> tuple[str | None, int]:
    """The deck's title and where the cards start: a first line that is no question, over one."""
    first, second = lines[0], lines.get(1)
    if first.heading == 1:
        return first.body, 1
    if (
        second is None
        or first.bullet
        or first.letter
        or first.question_prefix
        or notes.question_reason(first)
    ):
        return None, 0
    starts_card = second.question_prefix or bool(notes.question_reason(second)) or second.heading > 0
    if starts_card or notes.answers_follow(1):
        return first.body, 1
    return None, 0


def parse_notes(
    text: str, *, path: str = "<notes>", fallback_title: str = "Deck", markdown: bool = False
) -> Deck:
    """Parse course notes (Markdown with ``markdown=True``) into a deck, or raise :class:`DeckError`."""
    lines = _Lines(text, markdown)
    if lines.get(0) is None:
        raise DeckError("decks.text.no_text", path=path)
    notes = _Notes(lines, path, markdown)
    title, index = _title(lines, notes)
    while lines.get(index) is not None:
        notes.read(index)
        index += 1
    if not notes.cards:
        raise DeckError("decks.text.no_question_found", path=path)
    warnings = notes.warnings
    if notes.omitted_warnings:
        warnings.append(DeckWarning("decks.where.more_warnings", None, count=notes.omitted_warnings))
    built: list[Card] = []
    for number, raw_card in enumerate(notes.cards, start=1):
        if not raw_card.items:
            raise DeckError(
                "decks.text.no_answers", path=path, line=raw_card.line, question=raw_card.question[:60]
            )
        items = [item for raw in raw_card.items for item in _items_of(raw, warnings)]
        error = check_card_size(
            raw_card.question,
            [(item.answer, item.detail, item.aliases) for item in items],
            path=path,
            line=raw_card.line,
            card=number,
        )
        if error:
            raise error
        _check_card(raw_card, items, warnings)
        built.append(Card(raw_card.question, tuple(items), line=raw_card.line))
    return Deck(
        title=clean(title) if title else fallback_title,
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
    sample = text[:20_000]  # the first pages tell; a whole megabyte would only cost time
    french = len(_FRENCH_HINTS.findall(sample))
    english = len(_ENGLISH_HINTS.findall(sample))
    return "en" if english > french else "fr"
