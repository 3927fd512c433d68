"""Grading a free-text reply against a card's expected items, with partial credit and an explanation.

How it judges (the README tells teachers the same):
- The reply is read as tokens with separators between them (see :mod:`bot.grading.text`). Each item offers
  phrases: its answer (the key), the deck's aliases, and its detail.
- A phrase is found in a window of consecutive tokens when enough of its distinctive words appear there:
  words are compared after folding case and accents, by stem (French and English), by word family (a long
  shared beginning), by prefix for abbreviations ("perso", "techno") and by edit distance for typos (1 edit
  up to 10 letters, 2 beyond; "mentoring" is 2 edits from "monitoring" and is refused). Words shared by
  several items of the card count less, so "politique" alone names no particular policy; words of the
  question count less and never count as found words. One word of a 3-4 word key is not enough, unless it
  stands alone as a list entry. Aliases of one or two words must be found whole.
- Windows never cross a hard break (line, bullet, sentence end); short phrases never cross a comma or an "et".
- Each window credits at most one item and each item is credited once (best windows first, then swaps that
  credit more items).
- An item named only to be rejected ("pas la transparence", "sauf le recrutement") or contradicted ("le bon
  outil" for "le mauvais outil") is not credited. On a card of things to avoid ("Ne pas se préparer"), naming
  the thing negatively is the expected form, and stating the opposite good practice does not earn it.
- Anti-spray: parts that name nothing on this card are free up to max(2, a third of the items); each one
  beyond costs one item's worth of score (never below 0). The credited items are still listed.

Matching uses rapidfuzz for edit distances; each card is prepared once and cached.
"""

from __future__ import annotations

import bisect
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..decks.model import Item
from . import semantic as _semantic
from .text import (
    COMMA,
    CONJ,
    ELISIONS,
    HARD,
    NEGATIONS,
    OPPOSITES,
    STOP_WORDS,
    Token,
    fold,
    phrase_tokens,
    scope_negations,
    stems,
    tokenize,
)

WEAK_MATCH = 0.8  # a similarity good enough for a name, not for a word of a long description
MAX_REPLY_CHARS = 20_000  # longer replies are graded on their beginning; Discord's own limit is 4,000
# Bounds on the work one reply may cost, whatever the deck and the reply (issue 13: a 700-character item of
# one word repeated against a 4,000-character answer took 11 s, growing with the square of the repeats).
MAX_PHRASE_WORDS = 40  # words of one phrase that matching reads; a key or a detail says it in fewer
MAX_HITS_PER_PHRASE = 2_000  # reply words standing for one phrase's words
MAX_CANDIDATES = 5_000  # windows kept for the selection
TIME_BUDGET = 0.25  # seconds of lexical work per reply, after which the grade holds what was found
_NEGATIVE_CUES = NEGATIONS | {
    "manque",
    "manquer",
    "absence",
    "lack",
    "lacking",
    "oublier",
    "oubli",
    "mauvais",
}
_AVOIDANCE_QUESTION = re.compile(
    r"\b(?:[ée]vit|avoid|erreurs?|mistakes?|pi[èe]ges?|à ne pas|not to)\w*", re.I
)
_NEGATION_OR_T = NEGATIONS | {"t"}  # "t": the end of "don't", read by text.scope_negations
_NO_CREDIT_PHRASE_WORDS = STOP_WORDS - {"qui", "quoi", "ou", "comment", "quand", "pourquoi"}


@dataclass(frozen=True, slots=True)
class Credit:
    """One credited item and the part of the reply that earned it."""

    item: int
    part: str
    via: str  # "answer", "alias" or "detail"
    similarity: float


@dataclass(frozen=True, slots=True)
class Grade:
    """The result of grading one reply.

    ``matched`` are the sorted 0-based indices of the credited items; ``score`` the credited fraction in
    [0, 1] after the anti-spray rule; ``unmatched`` the parts of the reply that named nothing on this card.
    """

    matched: list[int]
    score: float
    total: int
    credits: tuple[Credit, ...] = ()
    unmatched: tuple[str, ...] = ()
    penalty: int = 0  # items' worth of score removed by the anti-spray rule

    @property
    def found(self) -> int:
        return len(self.matched)

    def credit_for(self, item: int) -> Credit | None:
        return next((c for c in self.credits if c.item == item), None)


@dataclass(slots=True)
class _Phrase:
    item: int
    kind: str  # "answer", "alias", "detail"
    words: tuple[str, ...]
    weights: tuple[float, ...]
    total_weight: float
    stop_only: bool  # "Qui", "Où": question words count only when they stand alone
    negative: bool  # "Ne pas se préparer"
    barrier: int  # the weakest separator a window of this phrase may not cross
    opposites: frozenset[str] = frozenset()  # words that turn it into its contrary ("bon" for "mauvais")
    need_count: int = 1  # see _requirement
    need_weight: float = 0.0
    counted: tuple[bool, ...] = ()  # words that count towards need_count: not mere repeats of the question
    may_name_alone: bool = False  # an answer with a word of its own, which alone may name it (list entry)
    # Numbers never name an item alone when several items carry them ("1763, 1774" names no law): the words
    # that are numbers, when so.
    numbers: tuple[bool, ...] = ()
    # Items whose keys share a word with this one ("Wolfred Nelson" / "Robert Nelson", "Droit à la vie" /
    # "Respect de la vie privée"): a word of theirs beside the shared one means the reply names them.
    rivals: frozenset[int] = frozenset()


@dataclass(slots=True)
class _Candidate:
    strength: float
    item: int
    start: int
    end: int  # token indices, inclusive
    kind: str
    similarity: float


def _split_item(item: str | Item) -> Item:
    if isinstance(item, Item):
        return item
    text = str(item)
    key, sep, detail = text.partition(":")
    if sep and key.strip() and len(key) <= 80:
        return Item(key.strip(), detail.strip())
    return Item(text.strip())


@dataclass
class PreparedCard:
    """A card's items turned into matchable phrases, with a per-card cache of word look-ups."""

    items: tuple[Item, ...]
    phrases: list[_Phrase]
    vocabulary: frozenset[str]
    avoidance: bool
    _sorted_vocabulary: list[str] = field(default_factory=list)
    _content_vocabulary: list[str] = field(default_factory=list)
    _stem_index: dict[str, set[str]] = field(default_factory=dict)
    _stem_keys: list[str] = field(default_factory=list)
    _lookups: dict[str, dict[str, float]] = field(default_factory=dict)
    _phrase_hits: dict[str, tuple[tuple[int, int, float], ...]] = field(default_factory=dict)
    slots: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # word -> (phrase, word index)
    question_words: frozenset[str] = frozenset()  # words of "Qui", "Où"-like items
    question: str = ""

    def __post_init__(self) -> None:
        for p_index, phrase in enumerate(self.phrases):
            for w_index, word in enumerate(phrase.words):
                self.slots.setdefault(word, []).append((p_index, w_index))
        self.question_words = frozenset(w for p in self.phrases if p.stop_only for w in p.words)
        self._sorted_vocabulary = sorted(self.vocabulary)
        self._content_vocabulary = [w for w in self._sorted_vocabulary if w not in STOP_WORDS]
        for word in self.vocabulary:
            for stem in stems(word):
                self._stem_index.setdefault(stem, set()).add(word)
        self._stem_keys = sorted(self._stem_index)

    def phrase_hits(self, norm: str, stop: bool) -> tuple[tuple[int, int, float], ...]:
        """(phrase, word index, similarity) for every phrase word the reply word ``norm`` stands for."""
        # A word's stop-word flag follows from the word itself, so the word alone is the key.
        found = self._phrase_hits.get(norm)
        if found is None:
            found = tuple(
                (p_index, w_index, similarity)
                for word, similarity in self.similar_words(norm, stop).items()
                for p_index, w_index in self.slots.get(word, ())
            )
            if len(self._phrase_hits) < 50_000:
                self._phrase_hits[norm] = found
        return found

    def similar_words(self, norm: str, stop: bool) -> dict[str, float]:
        """Words of this card's phrases that ``norm`` stands for, with a similarity in (0, 1]."""
        found = self._lookups.get(norm)
        if found is not None:
            return found
        found = {}
        if norm in self.vocabulary:
            found[norm] = 1.0
        if not stop and len(norm) >= 3 and not norm.isdigit():
            for stem in stems(norm):
                for word in self._stem_index.get(stem, ()):
                    if word not in STOP_WORDS:
                        found.setdefault(word, 0.95)
            if len(norm) >= 4:
                # Truncations both ways: "perso" for "personnel", "technologique" for "techno".
                at = bisect.bisect_left(self._sorted_vocabulary, norm)
                while at < len(self._sorted_vocabulary) and self._sorted_vocabulary[at].startswith(norm):
                    word = self._sorted_vocabulary[at]
                    if word not in STOP_WORDS:
                        found.setdefault(word, 0.85)
                    at += 1
                for cut in range(4, len(norm)):
                    prefix = norm[:cut]
                    if prefix in self.vocabulary and prefix not in STOP_WORDS:
                        found.setdefault(prefix, 0.85)
            if len(norm) >= 6:
                # Word families share a long beginning: "authenticité"/"authentique", "results"/"résultats".
                # Six letters can be chance ("commence"/"commenter"): such a match is weaker, and details
                # (long texts full of words) do not take it.
                at = bisect.bisect_left(self._sorted_vocabulary, norm[:6])
                while at < len(self._sorted_vocabulary) and self._sorted_vocabulary[at].startswith(norm[:6]):
                    word = self._sorted_vocabulary[at]
                    at += 1
                    shared = next(
                        (i for i, (a, b) in enumerate(zip(word, norm, strict=False)) if a != b),
                        min(len(word), len(norm)),
                    )
                    if word not in STOP_WORDS and shared >= 0.7 * min(len(word), len(norm)):
                        found.setdefault(word, 0.85 if shared >= 7 else WEAK_MATCH)
            if len(norm) >= 5:
                for word, distance, _ in process.extract(
                    norm, self._content_vocabulary, scorer=OSA.distance, score_cutoff=2, limit=None
                ):
                    allowed = 1 if max(len(word), len(norm)) <= 10 else 2
                    if distance <= allowed and word[0] == norm[0] and len(word) >= 5:
                        found.setdefault(word, 0.9 - 0.05 * (distance - 1))
                # A typo in an inflected word ("faibe" for "faibles"): one edit from the word's stem.
                for stem_text, _distance, _ in process.extract(
                    norm, self._stem_keys, scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    if stem_text[0] == norm[0] and len(stem_text) >= 5:
                        for word in self._stem_index[stem_text]:
                            if word not in STOP_WORDS:
                                found.setdefault(word, 0.85)
            if not found and len(norm) >= 6:
                # An elision glued to its word: "dappartenance", "linternaute".
                for elision in ELISIONS:
                    if norm.startswith(elision) and norm[len(elision) :] in self.vocabulary:
                        found[norm[len(elision) :]] = 0.95
                        break
        if len(self._lookups) < 50_000:
            self._lookups[norm] = found
        return found


def is_negative_phrase(words: Sequence[str]) -> bool:
    """A phrase that names something not done ("Ne pas se préparer", "Never reuse passwords").

    The negation opens the phrase; one inside a definition ("... without being used up") does not make the
    item a thing to avoid.
    """
    return any(w in NEGATIONS for w in words[:3])


_ACRONYM = re.compile(r"\(([^\W\d_][\w.-]{0,9})\)")  # "Kilobyte (KB)", "... vie privée (EFVP)"
_TERM_SPLIT = re.compile(r"[,;()\[\]/=]|\s-+>?\s|\s(?:or|ou)\s")


def _detail_terms(detail: str) -> list[str]:
    """The short terms a terse detail lists ("PSU, turns wall power into...", "int, whole numbers",
    "water gathers ... (runoff)"): each, given whole, names the item as an alias would."""
    terms: list[str] = []
    if re.search(r"[.!?](?:\s|$)", detail.strip()):
        return terms  # a detail written as sentences explains; it does not list names
    for piece in _TERM_SPLIT.split(detail):
        words = [w for w in phrase_tokens(piece) if w not in _NO_CREDIT_PHRASE_WORDS]
        if 1 <= len(words) <= 2 and not any(w.isdigit() for w in words) and len(piece.strip()) >= 2:
            terms.append(piece.strip())
    return terms


def _phrase_words(text: str) -> tuple[tuple[str, ...], bool, bool]:
    words = phrase_tokens(text)
    negative = is_negative_phrase(words)
    # A word said twice in a phrase is one word to find (and a hostile item of one word repeated stays small).
    content = tuple(
        dict.fromkeys(w for w in words if w not in _NO_CREDIT_PHRASE_WORDS and w not in NEGATIONS)
    )
    if not content:
        content = tuple(dict.fromkeys(w for w in words if w not in NEGATIONS))
        return content[:MAX_PHRASE_WORDS], True, negative
    return content[:MAX_PHRASE_WORDS], False, negative


@lru_cache(maxsize=512)
def _prepare(items: tuple[str | Item, ...], question: str) -> PreparedCard:
    parsed = tuple(_split_item(item) for item in items)
    raw: list[tuple[int, str, str]] = []
    for index, item in enumerate(parsed):
        raw.append((index, "answer", item.answer))
        raw.extend((index, "alias", alias) for alias in item.aliases)
        raw.extend((index, "alias", acronym) for acronym in _ACRONYM.findall(item.answer))
        if item.detail:
            raw.append((index, "detail", item.detail))
            raw.extend((index, "term", term) for term in _detail_terms(item.detail))
    # A term two items' details share names neither.
    term_items: dict[str, set[int]] = {}
    for index, kind, text in raw:
        if kind == "term":
            term_items.setdefault(fold(text), set()).add(index)
    raw = [r for r in raw if r[1] != "term" or len(term_items[fold(r[2])]) == 1]
    prepared = [(index, kind, text, *_phrase_words(text)) for index, kind, text in raw]
    # How many items use a word (by stem): shared words say little about which item is meant.
    stem_items: dict[str, set[int]] = {}
    for index, _kind, _text, words, _stop_only, _negative in prepared:
        for word in words:
            for stem in stems(word):
                stem_items.setdefault(stem, set()).add(index)
    question_stems = {s for w in phrase_tokens(question) if w not in STOP_WORDS for s in stems(w)}
    phrases: list[_Phrase] = []
    vocabulary: set[str] = set()
    numbered_items = len(
        {index for index, _k, _t, words, _s, _n in prepared if any(w.isdigit() for w in words)}
    )
    for index, kind, text, words, stop_only, negative in prepared:
        if not words:
            continue
        weights = []
        for word in words:
            shared = max(len(stem_items.get(stem, ())) for stem in stems(word))
            weight = 1.0 / max(1, shared)
            if stems(word) & question_stems:
                weight *= 0.3  # repeating the question is not answering it
            weights.append(weight)
        vocabulary.update(words)
        # Short names stay inside one part of the reply; a name with "et" may span an "et"; sentences and
        # details may span commas, never a line or a sentence end.
        if kind == "detail" or len(words) >= 5 or re.search(r"[,;/]", text):
            barrier = HARD
        elif re.search(r"\b(?:et|and|pis|ou|or)\b", text, re.I):
            barrier = COMMA
        else:
            barrier = CONJ
        opposites = frozenset().union(*(OPPOSITES.get(w, frozenset()) for w in phrase_tokens(text)))
        need_count, need_weight = _requirement(kind, weights)
        # One word of a definition ("energy" for the photosynthesis card) does not name it.
        may_name_alone = (
            kind == "answer"
            and any(w >= 0.99 for w in weights)
            and not (len(parsed) == 1 and len(words) >= 5)
        )
        counted = tuple(not (stems(word) & question_stems) for word in words)
        phrases.append(
            _Phrase(
                index, kind, words, tuple(weights), sum(weights), stop_only, negative, barrier, opposites,
                need_count, need_weight, counted, may_name_alone,
                tuple(w.isdigit() for w in words) if numbered_items >= 2 else (),
            )
        )  # fmt: skip
    # An alias of a negative item that reuses its words ("manque de préparation" for "Ne pas se préparer")
    # carries the same polarity: "faut se préparer" must not earn it.
    # "le bon outil" contradicts the item "Utiliser le mauvais outil" whichever of its phrases it resembles.
    item_opposites: dict[int, frozenset[str]] = {}
    for phrase in phrases:
        item_opposites[phrase.item] = item_opposites.get(phrase.item, frozenset()) | phrase.opposites
    for phrase in phrases:
        phrase.opposites = item_opposites[phrase.item]
    key_words: dict[int, set[str]] = {}
    for phrase in phrases:
        if phrase.kind in ("answer", "alias"):
            key_words.setdefault(phrase.item, set()).update(w for w in phrase.words if not w.isdigit())
    for phrase in phrases:
        if phrase.kind in ("answer", "alias"):
            own = set(phrase.words)
            phrase.rivals = frozenset(
                item for item, words in key_words.items() if item != phrase.item and words & own
            )
    answers = {p.item: p for p in phrases if p.kind == "answer"}
    for phrase in phrases:
        answer = answers.get(phrase.item)
        if answer is not None and answer.negative and phrase.kind != "answer" and not phrase.negative:
            answer_stems = {s for w in answer.words for s in stems(w)}
            phrase.negative = any(stems(w) & answer_stems for w in phrase.words)
    # A card of things to avoid: its question says so, or at least half its items are negative. One negative
    # habit among good ones ("Never reuse passwords") leaves the others' negations their usual meaning.
    negative_answers = sum(p.negative for p in phrases if p.kind == "answer")
    avoidance = bool(_AVOIDANCE_QUESTION.search(question)) or negative_answers * 2 >= len(parsed) > 0
    return PreparedCard(parsed, phrases, frozenset(vocabulary), avoidance, question=question)


def prepare_card(expected: Sequence[str | Item], question: str = "") -> PreparedCard:
    """Prepare (once, cached) a card's items for grading."""
    return _prepare(tuple(expected), question or "")


def _requirement(kind: str, weights: Sequence[float]) -> tuple[int, float]:
    """How many of a phrase's words, and how much of their weight, a window must hold to name it.

    Weights only: typos are judged word by word, a typo'd word counts fully once accepted.
    """
    n, total = len(weights), sum(weights)
    if kind == "detail":
        return (n, 0.0) if n <= 2 else (2, min(2.0, 0.6 * total))
    if kind in ("alias", "term") and n <= 2:
        return n, 0.0  # an alias is an exact alternative the teacher chose: all of it, typos aside
    if n == 1:
        return 1, 0.0
    if n == 2:
        return 1, 0.5 * total
    if n <= 4:
        # One word of a longer name is not the name ("réseau" is not "Création de contenus pour chaque
        # réseau"), unless it stands alone as a list entry (see _names_the_whole_part).
        return 2, 0.35 * total
    return 2, 0.4 * total


def _accepts(phrase: _Phrase, matched_weight: float, matched_count: int) -> bool:
    return matched_count >= phrase.need_count and matched_weight >= phrase.need_weight - 1e-9


@dataclass(slots=True)
class _Reply:
    """A tokenized reply with its parts: ``atom_of[i]`` is the part (between any separators) of token i."""

    text: str
    tokens: list[Token]
    gaps: list[int]
    atom_of: list[int]
    atom_span: list[tuple[int, int]]  # first and last token of each part
    breaks: dict[int, list[int]]  # per strength: the tokens that follow a separator that strong or more
    content_before: list[int]  # content_before[i]: how many non-stop-words precede token i
    has_negation: bool  # any negation word at all: most replies have none, and skip polarity checks
    excluded: list[bool]  # tokens inside the scope of "sauf", "except" (see text.scope_negations)
    _lookback: dict[int, frozenset[str]] = field(default_factory=dict)
    _counts: dict[str, list[int]] = field(default_factory=dict)

    def words_before(self, index: int) -> frozenset[str]:
        """Up to four words just before token ``index`` in its part: the scope of a negation."""
        found = self._lookback.get(index)
        if found is None:
            position, seen = index, list[str]()
            while position > 0 and len(seen) < 4 and self.gaps[position] < CONJ:
                position -= 1
                seen.append(self.tokens[position].norm)
            found = self._lookback[index] = frozenset(seen)
        return found

    def count_before(self, words: frozenset[str], name: str) -> list[int]:
        """``[i]``: how many of ``words`` precede token i (computed once per reply, on first use)."""
        counts = self._counts.get(name)
        if counts is None:
            counts = self._counts[name] = list(accumulate((t.norm in words for t in self.tokens), initial=0))
        return counts

    @classmethod
    def read(cls, text: str) -> _Reply:
        tokens, gaps = tokenize(text)
        excluded: list[bool] = []
        if not _NEGATION_OR_T.isdisjoint([t.norm for t in tokens]):  # most replies have none
            tokens, excluded = scope_negations(tokens, gaps)
            if not any(excluded):
                excluded = []
        breaks = {level: [i for i, gap in enumerate(gaps) if gap >= level] for level in (CONJ, COMMA, HARD)}
        starts = breaks[CONJ]  # every part starts after a separator (the first token has a HARD gap)
        ends = [start - 1 for start in starts[1:]] + [len(tokens) - 1] if starts else []
        spans = list(zip(starts, ends, strict=True))
        atom_of: list[int] = []
        for atom, (first, last) in enumerate(spans):
            atom_of.extend([atom] * (last - first + 1))
        content_before = list(accumulate((not token.stop for token in tokens), initial=0))
        has_negation = bool(excluded) or not NEGATIONS.isdisjoint([t.norm for t in tokens])
        return cls(text, tokens, gaps, atom_of, spans, breaks, content_before, has_negation, excluded)

    def quote(self, start: int, end: int) -> str:
        return self.text[self.tokens[start].start : self.tokens[end].end]


def grade_reply(
    expected: Sequence[str | Item],
    reply: str,
    *,
    question: str = "",
    others: Sequence[Sequence[str | Item]] | None = None,
    semantic: bool | None = None,
) -> Grade:
    """Grade ``reply`` against the card's ``expected`` items (plain ``"Key: detail"`` strings or deck items).

    Never raises on any string. ``question`` is optional; given, words that merely repeat it count less and a
    question about what to avoid is recognised. ``others`` are the item lists of the deck's other cards: a
    part of the reply that only earns an item by meaning must sit closer to this card than to them. Without
    it, meaning is calibrated within the card alone. ``semantic=False`` grades by words only; the default
    follows :func:`bot.grading.set_semantic`.
    """
    if semantic is False or (semantic is None and not _semantic.semantic_status().enabled):
        return finish_grade(grade_lexical(expected, reply, question))  # words only: no batching to set up
    from .meaning import grade_many

    return grade_many([GradeRequest(expected, reply, question, others)], semantic=semantic)[0]


@dataclass(frozen=True, slots=True)
class GradeRequest:
    """One reply to grade with :func:`bot.grading.grade_many` (the arguments of :func:`grade_reply`)."""

    expected: Sequence[str | Item]
    reply: str
    question: str = ""
    others: Sequence[Sequence[str | Item]] | None = None


@dataclass(slots=True)
class LexicalResult:
    """What the lexical stage found in one reply, before meaning and the anti-spray rule are applied."""

    card: PreparedCard
    read: _Reply | None
    credited: dict[int, _Candidate]
    free_atoms: list[int]  # parts of the reply that no window touched, in order
    truncated: bool = False  # the time budget ran out: what was found so far

    @property
    def total(self) -> int:
        return len(self.card.items)


def grade_lexical(
    expected: Sequence[str | Item], reply: str, question: str = "", *, budget: float = TIME_BUDGET
) -> LexicalResult:
    """The lexical stage alone: which items the reply names in words, and which parts named nothing."""
    card = prepare_card(expected, question)
    if not isinstance(reply, str):
        reply = "" if reply is None else str(reply)
    if not card.items:
        return LexicalResult(card, None, {}, [])
    read = _Reply.read(reply[:MAX_REPLY_CHARS])
    if not read.tokens:
        return LexicalResult(card, read, {}, [])
    deadline = time.perf_counter() + budget

    # Which phrase words each token stands for.
    hits_by_phrase: dict[int, list[tuple[int, int, float]]] = {}
    phrase_hits_cache = card._phrase_hits
    for position, token in enumerate(read.tokens):
        found = phrase_hits_cache.get(token.norm)
        if found is None:
            found = card.phrase_hits(token.norm, token.stop)
        for p_index, w_index, similarity in found:
            hits = hits_by_phrase.setdefault(p_index, [])
            if len(hits) < MAX_HITS_PER_PHRASE:  # a hostile reply repeating one word: read its beginning
                hits.append((position, w_index, similarity))
    candidates: list[_Candidate] = []
    truncated = False
    for count, (p_index, hits) in enumerate(hits_by_phrase.items()):
        if not count & 15 and count and time.perf_counter() > deadline:
            truncated = True
            break
        candidates.extend(_windows(card, card.phrases[p_index], hits, read, deadline))
    if len(candidates) > MAX_CANDIDATES:
        candidates.sort(key=lambda c: -c.strength)
        del candidates[MAX_CANDIDATES:]
    credited = _select(candidates, len(read.tokens))
    return LexicalResult(card, read, credited, _free_atoms(read, candidates), truncated)


def finish_grade(lexical: LexicalResult, meaning: Sequence[tuple[int, tuple[int, int], float]] = ()) -> Grade:
    """The grade from the lexical credits and the credits by meaning (item, (first, last) part, similarity).

    The anti-spray rule counts the parts that earned nothing by words nor by meaning.
    """
    total = lexical.total
    read = lexical.read
    if total == 0:
        return Grade([], 0.0, 0)
    if read is None or not read.tokens:
        return Grade([], 0.0, total)
    by_meaning = {atom for _item, (first, last), _s in meaning for atom in range(first, last + 1)}
    unmatched: list[str] = []
    wrong = 0
    content_before = read.content_before
    for atom in lexical.free_atoms:
        if atom in by_meaning:
            continue
        first, last = read.atom_span[atom]
        unmatched.append(read.quote(first, last))
        if content_before[last + 1] - content_before[first] <= 4:  # a list entry; prose costs nothing
            wrong += 1
    credits = [
        Credit(
            c.item,
            read.quote(c.start, c.end),
            "detail" if c.kind == "term" else c.kind,
            round(c.similarity, 3),
        )
        for c in lexical.credited.values()
    ]
    for item, (first, last), similarity in meaning:
        start, end = read.atom_span[first][0], read.atom_span[last][1]
        credits.append(Credit(item, read.quote(start, end), "meaning", round(similarity, 3)))
    credits.sort(key=lambda c: c.item)
    allowance = max(2, math.ceil(total / 3))
    penalty = min(max(0, wrong - allowance), len(credits))
    score = (len(credits) - penalty) / total
    matched = sorted(c.item for c in credits)
    return Grade(matched, round(score, 6), total, tuple(credits), tuple(unmatched), penalty)


def _select(candidates: list[_Candidate], size: int) -> dict[int, _Candidate]:
    """Best windows first; a window credits one item, an item is credited once, windows never overlap.

    After the greedy pass, an item left out because one credited window took its words gets them when the
    other item has another window of its own: more items credited, never fewer.
    """
    candidates.sort(key=lambda c: (-c.strength, c.end - c.start))
    owner: list[int | None] = [None] * size
    credited: dict[int, _Candidate] = {}

    def take(candidate: _Candidate) -> None:
        credited[candidate.item] = candidate
        for position in range(candidate.start, candidate.end + 1):
            owner[position] = candidate.item

    def free(candidate: _Candidate, ignoring: int | None = None) -> bool:
        return all(
            owner[p] is None or owner[p] == ignoring for p in range(candidate.start, candidate.end + 1)
        )

    for candidate in candidates:
        if candidate.item not in credited and free(candidate):
            take(candidate)
    for candidate in candidates:
        if candidate.item in credited:
            continue
        blockers = {owner[p] for p in range(candidate.start, candidate.end + 1)} - {None}
        if len(blockers) != 1:
            continue
        blocker = blockers.pop()
        assert blocker is not None
        for alternative in candidates:
            if (
                alternative.item == blocker
                and (alternative.end < candidate.start or alternative.start > candidate.end)
                and free(alternative, ignoring=blocker)
            ):
                old = credited.pop(blocker)
                for position in range(old.start, old.end + 1):
                    owner[position] = None
                take(alternative)
                take(candidate)
                break
    return credited


def _free_atoms(read: _Reply, candidates: list[_Candidate]) -> list[int]:
    """Parts of the reply (with content words) that no window touched."""
    covered: set[int] = set()
    atom_of = read.atom_of
    for candidate in candidates:
        covered.update(range(atom_of[candidate.start], atom_of[candidate.end] + 1))
    content_before = read.content_before
    return [
        atom
        for atom, (first, last) in enumerate(read.atom_span)
        if atom not in covered and content_before[last + 1] - content_before[first]
    ]


def _windows(
    card: PreparedCard, phrase: _Phrase, hits: list[tuple[int, int, float]], read: _Reply, deadline: float
) -> list[_Candidate]:
    """Acceptable windows of one phrase: for each starting token, the strongest and the shortest."""
    n = len(phrase.words)
    may_name_alone = phrase.may_name_alone
    if len(hits) < phrase.need_count and not may_name_alone:
        return []  # fewer words seen than it needs
    # hits arrive in token order (grade_reply walks the tokens), which the window search relies on
    tokens = read.tokens
    content_before = read.content_before
    max_span = min(2 * n + 3, 14)  # a name or a description is said in a few words, not across a paragraph
    weights = phrase.weights
    found: list[_Candidate] = []
    detail_factor = 0.85 if phrase.kind == "detail" else 1.0
    need_count, need_weight = phrase.need_count, phrase.need_weight - 1e-9
    counted = phrase.counted
    numbers = phrase.numbers
    is_detail = phrase.kind == "detail"
    barrier_breaks = read.breaks[phrase.barrier]
    # Only negations can refuse a positive item on a card of things to avoid; skip the check when there are
    # none in the reply and the item has no opposites.
    check_polarity = bool(phrase.negative or phrase.opposites or (read.has_negation and not card.avoidance))
    # The common case, a plain item in a reply with negations: refuse whole starts negated from before, and
    # windows with a negation inside, without the general check.
    plain_negation_check = check_polarity and not (phrase.negative or phrase.opposites)
    negations = read.count_before(NEGATIONS, "negations") if plain_negation_check else []
    excluded = read.excluded
    size = len(tokens)
    for first in range(len(hits)):
        if not first & 255 and first and time.perf_counter() > deadline:
            break  # out of time: the windows found so far
        start = hits[first][0]
        if plain_negation_check and (read.words_before(start) & NEGATIONS or (excluded and excluded[start])):
            continue
        at = bisect.bisect_right(barrier_breaks, start)
        limit = min(barrier_breaks[at] if at < len(barrier_breaks) else size, start + max_span + 1)
        best_sim: dict[int, float] = {}
        positions_used: set[int] = set()
        matched_weight = similarity_sum = weighted_similarity = 0.0
        matched_content = counted_words = named_words = 0
        strongest: _Candidate | None = None
        shortest: _Candidate | None = None
        for position, w_index, similarity in hits[first:]:
            if position >= limit:
                break
            previous = best_sim.get(w_index)
            if previous is not None and similarity <= previous:
                continue
            if is_detail and similarity <= WEAK_MATCH:
                continue
            if previous is None:
                matched_weight += weights[w_index]
                counted_words += counted[w_index]
                if numbers and not numbers[w_index]:
                    named_words += 1
                previous = 0.0
            similarity_sum += similarity - previous
            weighted_similarity += weights[w_index] * (similarity - previous)
            best_sim[w_index] = similarity
            if position not in positions_used:
                positions_used.add(position)
                matched_content += not tokens[position].stop
            end = position
            if not (
                (counted_words >= need_count and matched_weight >= need_weight)
                or (may_name_alone and _names_the_whole_part(phrase, best_sim, start, end, read))
            ):
                continue
            if numbers and not named_words:
                continue  # only the numbers of an item among several with numbers
            gap_words = content_before[end + 1] - content_before[start] - matched_content
            if gap_words > (max(1, len(best_sim) - 1) if is_detail else len(best_sim) + 1):
                continue  # the words must stand together; a description is compact
            if phrase.stop_only and not _question_word_stands_alone(card, start, read):
                continue
            if phrase.rivals and _names_a_rival(card, phrase, start, end, read, positions_used):
                continue
            partial_pair = n == 2 and len(best_sim) == 1 and not is_detail
            if partial_pair and _modified(start, end, read, positions_used):
                continue
            if plain_negation_check:
                if negations[end + 1] != negations[start]:
                    continue
            elif check_polarity and not _polarity_ok(card, phrase, start, end, read):
                continue
            mean_similarity = similarity_sum / len(best_sim)
            coverage = weighted_similarity / phrase.total_weight
            strength = coverage * mean_similarity * detail_factor - 0.04 * gap_words
            if strongest is None or strength > strongest.strength:
                strongest = _Candidate(strength, phrase.item, start, end, phrase.kind, mean_similarity)
            if shortest is None:
                shortest = strongest
            if len(best_sim) == n and similarity_sum >= n - 1e-9:
                break  # every word found exactly: a longer window cannot do better
        if strongest is not None:
            found.append(strongest)
            if shortest is not None and shortest is not strongest:
                found.append(shortest)
    return found


def _names_the_whole_part(
    phrase: _Phrase, best_sim: dict[int, float], start: int, end: int, read: _Reply
) -> bool:
    """A list entry made only of an item's own distinctive word ("ressources", "lexique") names that item."""
    atom = read.atom_of[start]
    first, last = read.atom_span[atom]
    if last - first > 4 or read.atom_of[end] != atom:
        return False  # not a short list entry
    content = read.content_before
    inside = content[end + 1] - content[start]
    if content[last + 1] - content[first] != inside:
        return False  # other words stand beside it in the entry
    return any(phrase.weights[w] >= 0.99 for w in best_sim)


def _names_a_rival(
    card: PreparedCard, phrase: _Phrase, start: int, end: int, read: _Reply, matched: set[int]
) -> bool:
    """Right beside the window, the word a near-neighbour item's key says next to the shared one: "droit à la
    vie privée" names "Respect de la vie privée", not "Droit à la vie"; "Saint-Denis" is not Saint-Charles."""
    atom_of = read.atom_of
    tokens = read.tokens
    own = set(phrase.words)
    phrases = card.phrases
    for position, inner, step in ((end + 1, end, 1), (start - 1, start, -1)):
        if not 0 <= position < len(tokens) or position in matched or atom_of[position] != atom_of[start]:
            continue
        token = tokens[position]
        if token.stop or token.norm.isdigit():
            continue
        beside = {(p, w) for p, w, _s in card.phrase_hits(tokens[inner].norm, tokens[inner].stop)}
        for p_index, w_index, similarity in card.phrase_hits(token.norm, token.stop):
            other = phrases[p_index]
            if (
                other.item in phrase.rivals
                and other.kind in ("answer", "alias")
                and similarity >= 0.9
                and other.words[w_index] not in own
                and (p_index, w_index - step) in beside
            ):
                return True
    return False


def _modified(start: int, end: int, read: _Reply, matched: set[int]) -> bool:
    """In a list entry, half a two-word name glued to another word is another name ("Google Ads")."""
    first, last = read.atom_span[read.atom_of[start]]
    if read.content_before[last + 1] - read.content_before[first] > 3:
        return False
    for neighbour in (start - 1, end + 1):
        if 0 <= neighbour < len(read.tokens) and read.atom_of[neighbour] == read.atom_of[start]:
            token = read.tokens[neighbour]
            if neighbour not in matched and not token.stop and not token.norm.isdigit():
                return True
    return False


def _question_word_stands_alone(card: PreparedCard, start: int, read: _Reply) -> bool:
    """ "Qui ? Quoi ? Où ?" as answers, not "qui" as a pronoun in a sentence."""
    first, last = read.atom_span[read.atom_of[start]]
    if last - first <= 2 or start == first:
        return True
    return all(
        not read.tokens[i].stop or read.tokens[i].norm in card.question_words for i in range(first, last + 1)
    )


def _polarity_ok(card: PreparedCard, phrase: _Phrase, start: int, end: int, read: _Reply) -> bool:
    """Refuse "pas la transparence"; require the negation for "Ne pas se préparer"."""
    before = read.words_before(start)
    if phrase.opposites and (
        before & phrase.opposites or any(t.norm in phrase.opposites for t in read.tokens[start : end + 1])
    ):
        return False
    if phrase.negative:
        cues = read.count_before(_NEGATIVE_CUES, "cues")
        return bool(before & _NEGATIVE_CUES) or cues[end + 1] > cues[start]
    if card.avoidance:
        return True
    if read.excluded and read.excluded[start]:
        return False
    negations = read.count_before(NEGATIONS, "negations")
    return not (before & NEGATIONS) and negations[end + 1] == negations[start]
