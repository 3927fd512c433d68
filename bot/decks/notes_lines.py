"""Reading one line of course notes: its indentation, its list marker, its prefix, whether it asks something.

``text_import`` decides what a line *is* from what this module sees in it: a numbered or ``Q1)`` question,
an imperative question without ``?`` ("Citez…", "Give three…"), a ``-``/``•``/``o``/``◦`` bullet and how deep
it stands, a lettered ``a)`` entry, an ``A:``/``Réponse :`` answer. Markdown (``##`` headings, ``**bold**``,
``*italics*``, ``_italics_``, links, quotes) is stripped here for ``.md`` notes, keeping the heading level.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A list marker at the start of a line, and the text after it. Word's plain-text export writes its bullet
# levels as "•", "o" and "§" followed by a tab; "◦", "▪" and the dashes are the sub-levels people type.
_MARKER = re.compile(r"^(?P<marker>[-–—*+•·▪◦§‣]|o(?=\s)|\d{1,3}[.)](?!\d))\s+(?P<body>.*)$")
# Levels a list of its own rarely starts with: below a "-" or "•" list they mean a sub-level.
SECONDARY_MARKERS = frozenset({"–", "—", "◦", "o", "▪", "§", "‣"})
_LETTER = re.compile(r"^(?:\(?(?P<lower>[a-z])\)|(?P<lower2>[a-z])\.|(?P<upper>[A-Z])\))\s+(?P<body>.*)$")
_QUESTION_PREFIX = re.compile(
    r"^(?:Q\s?(?P<n>\d{1,3})\s*[.):\-–]|Q\s*[.:]|Question\s*(?P<n2>\d{1,3})?\s*[.):\-–])\s*(?P<body>.*)$",
    re.IGNORECASE,
)
_ANSWER_PREFIX = re.compile(
    r"^(?:A|R|Rép\.?|R[ée]ponses?|Answers?|Ans\.?)\s*\d{0,3}\s*:\s*(?P<body>.*)$", re.IGNORECASE
)

# Imperative verbs that open a question in French (second person plural, never an infinitive like the
# "Accepter la critique" items of a list) and in English.
_FRENCH_IMPERATIVES = (
    "citez|nommez|décrivez|expliquez|donnez|énumérez|enumerez|identifiez|définissez|definissez|indiquez|"
    "présentez|presentez|comparez|listez|précisez|precisez|justifiez|distinguez|illustrez|mentionnez|"
    "relevez|trouvez|dites|écrivez|ecrivez|résumez|resumez|associez|classez|situez|expliquer|"
    "nommer|citer|décrire|donner|énumérer|identifier|définir|indiquer"
)
_ENGLISH_IMPERATIVES = (
    "give|list|name|describe|explain|state|identify|define|outline|compare|discuss|summarize|summarise|"
    "mention|write|provide|enumerate|illustrate|distinguish|indicate|recall|cite|contrast|classify"
)
_FRENCH_IMPERATIVE = re.compile(rf"^(?P<verb>{_FRENCH_IMPERATIVES})\b", re.IGNORECASE)
# An English verb also starts answers ("Name recognition", "State regulation"): a question needs what an
# instruction says next: how many, which ones, or why.
_ENGLISH_IMPERATIVE = re.compile(
    rf"^(?P<verb>{_ENGLISH_IMPERATIVES})\s+(?:the|a|an|some|all|each|every|any|your|their|its|his|her|this|"
    r"these|those|what|why|how|which|who|where|when|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"several|examples?|reasons?|\d{1,2})\b",
    re.IGNORECASE,
)
_INTERROGATIVE = re.compile(
    r"^(?:quel(?:le)?s?|qu['’]est[- ]ce|pourquoi|comment|combien|quand|où|qui|que|lesquel(?:le)?s?|"
    r"what|which|why|how|who|whom|whose|where|when)\b",
    re.IGNORECASE,
)

_MD_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<body>.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_MD_CODE = re.compile(r"`([^`]{1,300})`")
# Bounded repeats: a line of thousands of "[a](" must not cost the square of its length.
_MD_LINK = re.compile(r"!?\[([^\[\]]{0,300})\]\([^()\[\]\s]{0,300}\)")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_ESCAPED = re.compile("[\ue000-\ue07f]")
_MD_CHECKBOX = re.compile(r"^\[[ xX]\]\s+")


_DOUBLED_APOSTROPHE = re.compile(r"([’'])\s*[’']")
_SPACES = re.compile(r" {2,}")


def clean(text: str) -> str:
    # Every line of every file goes through here: the fast paths keep a 1 MB file well under a second.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = text.replace("\t", " ")
    if "'" in text or "’" in text:
        # Doubled apostrophes are a typing slip ("l’’interne"), never meaningful.
        text = _DOUBLED_APOSTROPHE.sub(r"\1", text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def _indent_of(raw: str) -> int:
    width = 0
    for char in raw:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4
        elif char == "\u00a0":
            width += 1
        else:
            break
    return width


_MAX_MARKS = 64  # emphasis marks in one line; past that it is not emphasis, and not worth the time


def _unwrap(text: str, mark: str, *, inside_words: bool) -> str:
    """``**a** b`` -> ``a b``: pairs of ``mark`` around text that does not start or end with a space.

    One pass over the marks, not a regular expression: the line's length bounds the work whatever it holds.
    With ``inside_words`` false (underscores), a mark touching a letter on its outer side is no emphasis
    (``snake_case``).
    """
    positions = []
    start = text.find(mark)
    while start != -1:
        positions.append(start)
        start = text.find(mark, start + len(mark))
    if len(positions) < 2 or len(positions) > _MAX_MARKS:
        return text  # no emphasis, or a line of stars that is no Markdown emphasis either
    size = len(mark)
    removed: list[int] = []
    opener: int | None = None
    for position in positions:
        before = text[position - 1 : position] if position else " "
        after = text[position + size : position + size + 1] or " "
        outer_ok = inside_words or not before.isalnum()
        closer_ok = inside_words or not after.isalnum()
        if opener is not None and not before.isspace() and closer_ok and position > opener + size:
            removed.extend((opener, position))
            opener = None
        elif not after.isspace() and outer_ok:
            opener = position
    if not removed:
        return text
    pieces, last = [], 0
    for position in removed:
        pieces.append(text[last:position])
        last = position + size
    pieces.append(text[last:])
    return "".join(pieces)


def strip_markdown(text: str) -> str:
    """The text of a Markdown line without its emphasis, code, links and escapes."""
    escaped = "\\" in text
    if escaped:  # "\*" is a star, not emphasis: set it aside (as a private-use character) meanwhile
        text = _MD_ESCAPE.sub(lambda match: chr(0xE000 + ord(match[1])), text)
    if "[" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "`" in text:
        text = _MD_CODE.sub(r"\1", text)
    if "*" in text:
        text = _unwrap(_unwrap(text, "**", inside_words=True), "*", inside_words=True)
    if "_" in text:
        text = _unwrap(_unwrap(text, "__", inside_words=False), "_", inside_words=False)
    return _ESCAPED.sub(lambda match: chr(ord(match[0]) - 0xE000), text) if escaped else text


@dataclass(frozen=True, slots=True)
class NoteLine:
    """One non-empty line of notes, as the importer sees it."""

    number: int
    text: str  # the whole line, cleaned (markers kept)
    indent: int  # leading whitespace in columns, a tab counting 4
    marker: str = ""  # "-", "•", "o"... ; "1." for a numbered line; "" for none
    body: str = ""  # the text after the marker (the whole text without one)
    number_value: int | None = None  # the number of a numbered line
    letter: bool = False  # "a)", "b.", "(c)", "D)"
    question_prefix: bool = False  # "Q1)", "Q:", "Question 2 :"
    answer_prefix: bool = False  # "A:", "R :", "Réponse :", "Answer:"
    heading: int = 0  # Markdown heading level, 0 for none

    @property
    def numbered(self) -> bool:
        return self.number_value is not None

    @property
    def bullet(self) -> bool:
        return bool(self.marker)


def read_line(number: int, raw: str, *, markdown: bool) -> NoteLine | None:
    """The line as the importer sees it, or None for a line with nothing to read."""
    indent = _indent_of(raw)
    heading = 0
    if markdown:
        if _MD_RULE.match(raw):
            return None
        raw = _MD_QUOTE.sub("", raw)
        match = _MD_HEADING.match(raw)
        if match:
            heading = len(match["hashes"])
            raw = match["body"]
    text = clean(strip_markdown(raw) if markdown else raw)
    if not text:
        return None
    marker, body, value = "", text, None
    bullet = _MARKER.match(text)
    if bullet and not heading:
        marker, body = bullet["marker"], bullet["body"].strip()
        if marker[0].isdigit():
            value, marker = int(marker[:-1]), "1."
        if markdown:
            body = _MD_CHECKBOX.sub("", body)
    if not body:
        return None
    letter = not marker and not heading and bool(_LETTER.match(text))
    if letter:
        letter_match = _LETTER.match(text)
        body = letter_match["body"].strip() if letter_match else body
    question = not marker and bool(_QUESTION_PREFIX.match(body))
    if question:
        prefix_match = _QUESTION_PREFIX.match(body)
        body = prefix_match["body"].strip() if prefix_match else body
    answer = not marker and not question and bool(_ANSWER_PREFIX.match(body))
    if answer:
        answer_match = _ANSWER_PREFIX.match(body)
        body = answer_match["body"].strip() if answer_match else body
    return NoteLine(number, text, indent, marker, body, value, letter, question, answer, heading)


def is_inline_question_list(text: str) -> bool:
    """``Qui ? Quoi ? Où ? Comment ? Résultats ?``: an answer made of question words, not a question."""
    chunks = [c.strip() for c in text.split("?")]
    if chunks and chunks[-1] == "":
        chunks.pop()
    return len(chunks) >= 2 and all(0 < len(c.split()) <= 2 for c in chunks)


def ends_like_question(text: str) -> bool:
    return text.endswith(("?", ":")) and not is_inline_question_list(text)


def instruction_verb(text: str) -> str | None:
    """The imperative verb a question without ``?`` opens with (``Citez``, ``Give``...), or None."""
    match = _FRENCH_IMPERATIVE.match(text) or _ENGLISH_IMPERATIVE.match(text)
    if not match or len(text.split()) < 2:
        return None
    return match["verb"]


def asks_without_mark(text: str) -> bool:
    """``Quelles sont les causes de la guerre``: a question word and enough words, but no ``?``."""
    return bool(_INTERROGATIVE.match(text)) and len(text.split()) >= 4 and not text.endswith(".")
