"""Importing spreadsheets and Anki's plain-text export: one card a row, the question then its answers.

What teachers' sheets look like, and what is read from them:
- the answers in one cell, separated by ``|``, ``;`` or newlines (Alt+Enter in Excel), or one answer per
  column; each answer may be ``Key: detail``;
- an optional header row, in French or English (``Question | Réponse 1 | Réponse 2``, ``Front,Back``,
  ``question,answer,detail,aliases``), which also names detail, alias and ignored (tags, notes) columns;
- ``,``, ``;`` (French Excel) or tab as the delimiter, found from the rows themselves; quoted cells with
  delimiters or newlines inside;
- a row with an empty question continues the card above (merged cells), with a warning;
- commas inside a cell split it only when the whole file separates its answers that way; otherwise the cell
  is one answer and a warning says how to split it;
- Anki's ``#separator:``, ``#html:``, ``#columns:`` and ``#… column:`` header lines, and its HTML.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field

from .limits import MAX_CARDS, MAX_ITEMS, check_card_size, too_many_cards
from .model import Card, Deck, DeckError, DeckWarning, Item
from .text_import import guess_language

_DELIMITERS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_ROLE_WORDS = {
    "question": {
        "question", "questions", "front", "recto", "prompt", "q", "enonce", "intitule", "terme", "term",
        "concept", "notion", "mot", "word", "cue", "devant", "quest",
    },
    "answer": {
        "answer", "answers", "reponse", "reponses", "back", "verso", "items", "item", "elements", "element",
        "a", "r", "rep", "definition", "definitions", "bonne reponse", "reponses attendues", "expected",
        "expected answers", "solution", "solutions", "derriere", "ans",
    },
    "detail": {
        "detail", "details", "explication", "explications", "explanation", "explanations", "precision",
    },
    "alias": {
        "alias", "aliases", "synonymes", "synonyms", "synonyme", "synonym", "variantes", "also accepted",
    },
    "ignore": {
        "tags", "tag", "notes", "note", "commentaire", "commentaires", "comment", "comments", "source",
        "chapitre", "chapter", "page", "deck", "paquet", "type", "notetype", "guid", "id", "numero", "no",
        "number", "theme", "topic", "sujet", "niveau", "level",
    },
}  # fmt: skip
_ANKI_COLUMN = re.compile(r"^(?P<what>guid|notetype|deck|tags)\s+column$")
_HTML_TAG = re.compile(
    r"</?(?:br|div|p|b|i|u|s|span|li|ul|ol|font|strong|em|sup|sub|a|img|hr|h[1-6]|table|tr|td|th)\b[^<>]{0,300}>",
    re.IGNORECASE,
)
_HTML_BREAK = re.compile(r"<\s*br\s*/?\s*>|</\s*(?:div|p|li|tr|h[1-6])\s*>", re.IGNORECASE)
_ANKI_MEDIA = re.compile(r"\[sound:[^\]]{0,300}\]")
_CLOZE = re.compile(r"\{\{c\d{1,2}::(?P<answer>[^{}]{1,300}?)(?:::[^{}]{0,300})?\}\}")
_CELL_SEPARATORS = re.compile(r"\s*(?:\||;|\n)\s*")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


@dataclass
class _Row:
    line: int
    question: str
    pieces: list[str] = field(default_factory=list)  # answers, commas not yet decided
    detail: str = ""
    aliases: tuple[str, ...] = ()


def _normalise(cell: str) -> str:
    folded = unicodedata.normalize("NFKD", cell.casefold()).encode("ascii", "ignore").decode()
    folded = re.sub(r"[#:()_\-.]+", " ", folded)
    folded = re.sub(r"\b(?:n ?o|n|nr)?\s*\d+\b", " ", folded)  # "Réponse 1", "answer #2", "rép. n°3"
    return " ".join(folded.split())


def _role(cell: str) -> str | None:
    name = _normalise(cell)
    if not name:
        return "empty"
    return next((role for role, words in _ROLE_WORDS.items() if name in words), None)


def _cell_text(cell: str, html_cells: bool) -> str:
    if html_cells or _HTML_TAG.search(cell):
        cell = _HTML_TAG.sub("", _HTML_BREAK.sub("\n", cell))
        cell = html.unescape(cell)
    cell = _ANKI_MEDIA.sub("", cell).replace("\u00a0", " ").replace("\r", "")
    return "\n".join(" ".join(part.split()) for part in cell.split("\n")).strip()


def _split_cell(cell: str) -> tuple[list[str], bool]:
    """The answers in one cell, and whether it used a separator (``|``, ``;``, a newline)."""
    parts = [part.strip(" -•\t") for part in _CELL_SEPARATORS.split(cell)]
    parts = [part for part in parts if part]
    return parts, len(parts) > 1


def _comma_list(piece: str) -> list[str] | None:
    """``Lyon, Paris, Marseille``: names separated by commas; None for one answer or an explanation."""
    if "," not in piece or ":" in piece or "(" in piece:
        return None
    chunks = [c.strip() for c in piece.split(",")]
    if len(chunks) < 2 or not all(0 < len(c.split()) <= 5 for c in chunks):
        return None
    return chunks


def _item(text: str) -> Item:
    key, sep, detail = text.partition(":")
    if sep and key.strip() and detail.strip() and len(key) <= 80:
        return Item(key.strip(), detail.strip())
    return Item(text.strip())


def _pick_delimiter(body: str) -> str:
    """The delimiter most rows use, outside quoted cells, that leaves a question in the first cell.

    ``Q?,a; b; c`` uses both ``,`` and ``;`` on every row: only ``,`` gives a first cell ending with ``?``.
    """
    raw_lines = [line for line in body[:50_000].split("\n") if line.strip()][:50]
    lines = [_QUOTED.sub('""', line) for line in raw_lines]
    best, best_score = ",", (0, 0, 0)
    for delimiter in ("\t", ";", ",", "|"):
        counts = [line.count(delimiter) for line in lines]
        used = [count for count in counts if count]
        if not used:
            continue
        mode = max(set(used), key=used.count)
        asks = sum(
            next(csv.reader([line], delimiter=delimiter), [""])[0].strip().endswith(("?", ":"))
            for line in raw_lines
            if delimiter in line
        )
        score = (len(used), asks, used.count(mode))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _directives(text: str) -> tuple[dict[str, str], str]:
    """Anki's ``#key:value`` header lines, and the rest with those lines blanked (line numbers stay true)."""
    directives: dict[str, str] = {}
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.startswith("#") or ":" not in line:
            if line.strip():
                break
            continue
        key, _, value = line[1:].partition(":")
        directives[key.strip().lower()] = value.strip()
        lines[index] = ""
    return directives, "\n".join(lines)


class _Sheet:
    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[DeckWarning] = []
        self.rows: list[_Row] = []
        self.roles: list[str] = []
        self.separated_cells = 0  # cells that used |, ; or newlines
        self.comma_cells = 0
        self.answer_cells = 0
        self.cloze_seen = False

    def set_roles_from_header(self, cells: list[str], line: int) -> bool:
        roles = [_role(cell) for cell in cells]
        if roles[0] != "question" and (None in roles or roles.count("question") != 1 or len(cells) < 2):
            return False
        if any("?" in cell for cell in cells):
            return False
        # After a "Question" heading, a column of unknown name holds answers ("Question, Causes, Effets").
        self.roles = [role or "answer" for role in roles]
        if "answer" not in self.roles:
            # "Question, Détail": the columns after the question are the answers.
            first_q = self.roles.index("question")
            self.roles = [
                "answer" if i > first_q and role == "empty" else role for i, role in enumerate(self.roles)
            ]
        ignored = [cells[i] for i, role in enumerate(self.roles) if role == "ignore"]
        if ignored:
            self.warnings.append(DeckWarning("decks.csv.ignored_columns", line, columns=", ".join(ignored)))
        return True

    def role(self, column: int) -> str:
        if self.roles:
            return self.roles[column] if column < len(self.roles) else "answer"
        return "question" if column == 0 else "answer"

    def read_row(self, cells: list[str], line: int) -> None:
        question = ""
        pieces: list[str] = []
        detail = ""
        aliases: list[str] = []
        first = next(
            (cell for column, cell in enumerate(cells) if cell and self.role(column) == "question"), ""
        )
        if _CLOZE.search(first):
            # Anki's cloze card: the hidden words are the answers, the sentence with gaps is the question.
            answers = [match["answer"].strip() for match in _CLOZE.finditer(first)]
            question = " ".join(_CLOZE.sub("[…]", first).split())
            if not self.cloze_seen:  # once a file: every row of an Anki cloze deck is one
                self.warnings.append(DeckWarning("decks.csv.cloze", line))
            self.cloze_seen = True
            cells = [""] * len(cells)
            pieces = [answer for answer in answers if answer]
        for column, cell in enumerate(cells):
            if not cell:
                continue
            role = self.role(column)
            if role == "question" and not question:
                question = " ".join(cell.split())
            elif role == "answer" or (role == "question" and question):
                parts, separated = _split_cell(cell)
                self.answer_cells += 1
                self.separated_cells += separated
                self.comma_cells += any(_comma_list(part) for part in parts)
                pieces.extend(parts)
            elif role == "detail":
                detail = " ".join(cell.split())
            elif role == "alias":
                aliases.extend(a.strip() for a in re.split(r"[,;|\n]", cell) if a.strip())
        if not question and not pieces:
            return
        if not question:
            if not self.rows:
                raise DeckError("decks.csv.no_question", path=self.path, line=line)
            # A row whose question cell is empty: the merged cell of the card above, exported.
            self.rows[-1].pieces.extend(pieces)
            self.warnings.append(DeckWarning("decks.csv.continued_row", line, card_line=self.rows[-1].line))
        else:
            if not pieces:
                key = "decks.csv.no_answers" if len(cells) < 2 else "decks.csv.empty_answers"
                raise DeckError(key, path=self.path, line=line)
            if len(self.rows) >= MAX_CARDS:
                raise too_many_cards(self.path, line)
            self.rows.append(_Row(line, question, pieces, detail, tuple(aliases)))
        if len(self.rows[-1].pieces) > MAX_ITEMS:
            row = self.rows[-1]
            raise DeckError(
                "decks.limits.too_many_items",
                path=self.path,
                line=row.line,
                card=len(self.rows),
                question=row.question[:60],
                count=len(row.pieces),
                limit=MAX_ITEMS,
            )

    def cards(self) -> list[Card]:
        # Commas separate answers only when the file does so: several such cells and no other separator.
        split_commas = (
            self.comma_cells >= 2 and not self.separated_cells and self.comma_cells * 2 >= self.answer_cells
        )
        if split_commas:
            self.warnings.append(DeckWarning("decks.csv.commas_split", None, count=self.comma_cells))
        cards: list[Card] = []
        for number, row in enumerate(self.rows, start=1):
            items: list[Item] = []
            for piece in row.pieces:
                listed = _comma_list(piece)
                if listed and split_commas:
                    items.extend(Item(name) for name in listed)
                    continue
                if listed:
                    self.warnings.append(DeckWarning("decks.csv.commas_kept", row.line, text=piece[:40]))
                items.append(_item(piece))
            if row.detail or row.aliases:
                if len(items) == 1:
                    items[0] = Item(items[0].answer, row.detail or items[0].detail, row.aliases)
                else:
                    self.warnings.append(DeckWarning("decks.csv.detail_needs_one_answer", row.line))
            error = check_card_size(
                row.question,
                [(i.answer, i.detail, i.aliases) for i in items],
                path=self.path,
                line=row.line,
                card=number,
            )
            if error:
                raise error
            seen: set[str] = set()
            for item in items:
                if item.answer.casefold() in seen:
                    self.warnings.append(
                        DeckWarning("decks.text.duplicate_answer", row.line, answer=item.answer)
                    )
                seen.add(item.answer.casefold())
            cards.append(Card(row.question, tuple(items), line=row.line))
        return cards


def parse_csv(text: str, *, path: str = "<deck.csv>", title: str = "Deck") -> Deck:
    """Parse a CSV/TSV deck (or Anki's export), or raise :class:`DeckError` naming the row at fault."""
    directives, body = _directives(text)
    delimiter = _DELIMITERS.get(directives.get("separator", "").lower()) or _pick_delimiter(body)
    html_cells = directives.get("html", "").lower() == "true"
    dropped = set()
    for key, value in directives.items():
        match = _ANKI_COLUMN.match(key)
        if match and re.fullmatch(r"[0-9]{1,3}", value.strip()):
            dropped.add(int(value) - 1)
    sheet = _Sheet(path)
    if "columns" in directives:
        sheet.set_roles_from_header(directives["columns"].split(delimiter), 1)
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    seen_row = False
    try:
        start = 1
        for raw in reader:
            line, start = start, reader.line_num + 1
            cells = [_cell_text(cell, html_cells) for i, cell in enumerate(raw) if i not in dropped]
            if not any(cells):
                continue
            if not seen_row:
                seen_row = True
                if not sheet.roles and sheet.set_roles_from_header(cells, line):
                    continue
            sheet.read_row(cells, line)
    except csv.Error as exc:
        raise DeckError("decks.csv.unreadable", path=path, line=reader.line_num, reason=str(exc)) from None
    if not sheet.rows:
        raise DeckError("decks.csv.no_question_found", path=path)
    cards = sheet.cards()
    return Deck(
        title=directives.get("deck", "") or title,
        cards=tuple(cards),
        language=guess_language(text),
        warnings=tuple(sorted(sheet.warnings, key=lambda w: w.line or 0)),
        source=path,
    )
