"""Grading a free-text reply against a card's expected items, with partial credit and an explanation.

How it judges (the README tells teachers the same):
- The reply is read as tokens with separators between them (see :mod:`bot.grading.text`). Each item offers
  phrases: its answer (the key), the deck's aliases, and its detail.
- A phrase is found in a window of consecutive tokens when enough of its distinctive words appear there:
  words are compared after folding case and accents, by stem (French and English), by prefix for
  abbreviations ("perso", "techno") and by edit distance for typos (1 edit up to 10 letters, 2 beyond; a
  different real word such as "mentoring" for "monitoring" is 2 edits and is refused). Words shared by
  several items of the card count less, so "politique" alone names no particular policy.
- Windows never cross a hard break (line, bullet, sentence end); short phrases never cross a comma or an "et".
- Each window credits at most one item and each item is credited once (best windows first).
- An item named only to be rejected ("pas la transparence", "sauf le recrutement") is not credited. On a card
  of things to avoid ("Ne pas se préparer"), naming the thing negatively is the expected form, and stating the
  opposite good practice does not earn a negative item.
- Anti-spray: parts that name nothing on this card are free up to max(2, a third of the items); each one
  beyond costs one item's worth of score (never below 0). The credited items are still listed.

Matching uses rapidfuzz for edit distances; each card is prepared once and cached.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..decks.model import Item
from .text import CONJ, HARD, NEGATIONS, STOP_WORDS, phrase_tokens, stems, tokenize

MAX_REPLY_CHARS = 20_000  # longer replies are graded on their beginning; Discord's own limit is 4,000
_NEGATIVE_CUES = NEGATIONS | {"manque", "manquer", "absence", "lack", "lacking", "oublier", "oubli", "mauvais"}
_AVOIDANCE_QUESTION = re.compile(r"\b(?:[ée]vit|avoid|erreurs?|mistakes?|pi[èe]ges?|à ne pas|not to)\w*", re.I)
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

    ``matched`` are the sorted 0-based indices of the credited items; ``score`` the credited fraction in [0, 1]
    after the anti-spray rule; ``unmatched`` the parts of the reply that named nothing on this card.
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
    joins_parts: bool  # has "et"/"and" or commas: may span such separators in a reply


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
    _lookups: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._sorted_vocabulary = sorted(self.vocabulary)
        self._content_vocabulary = [w for w in self._sorted_vocabulary if w not in STOP_WORDS]
        for word in self.vocabulary:
            for stem in stems(word):
                self._stem_index.setdefault(stem, set()).add(word)

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
                # Abbreviation by truncation, both ways: "perso" for "personnel", "technologique" for "techno".
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
            if len(norm) >= 5:
                for word, distance, _ in process.extract(
                    norm, self._content_vocabulary, scorer=OSA.distance, score_cutoff=2, limit=None
                ):
                    allowed = 1 if max(len(word), len(norm)) <= 10 else 2
                    if distance <= allowed and word[0] == norm[0] and len(word) >= 5:
                        found.setdefault(word, 0.9 - 0.05 * (distance - 1))
        if len(self._lookups) < 50_000:
            self._lookups[norm] = found
        return found


def _phrase_words(text: str) -> tuple[tuple[str, ...], bool, bool]:
    words = phrase_tokens(text)
    negative = any(w in NEGATIONS for w in words)
    content = tuple(w for w in words if w not in _NO_CREDIT_PHRASE_WORDS and w not in NEGATIONS)
    if not content:
        content = tuple(w for w in words if w not in NEGATIONS)
        return content, True, negative
    return content, False, negative


@lru_cache(maxsize=512)
def _prepare(items: tuple[str | Item, ...], question: str) -> PreparedCard:
    parsed = tuple(_split_item(item) for item in items)
    raw: list[tuple[int, str, str]] = []
    for index, item in enumerate(parsed):
        raw.append((index, "answer", item.answer))
        raw.extend((index, "alias", alias) for alias in item.aliases)
        if item.detail:
            raw.append((index, "detail", item.detail))
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
        joins = bool(re.search(r"\b(?:et|and|pis|ou|or)\b|[,;/]", text, re.I))
        phrases.append(
            _Phrase(index, kind, words, tuple(weights), sum(weights), stop_only, negative, joins)
        )
    # An alias of a negative item that reuses its words ("manque de préparation" for "Ne pas se préparer")
    # carries the same polarity: "faut se préparer" must not earn it.
    answers = {p.item: p for p in phrases if p.kind == "answer"}
    for phrase in phrases:
        answer = answers.get(phrase.item)
        if answer is not None and answer.negative and phrase.kind != "answer" and not phrase.negative:
            answer_stems = {s for w in answer.words for s in stems(w)}
            phrase.negative = any(stems(w) & answer_stems for w in phrase.words)
    avoidance = bool(_AVOIDANCE_QUESTION.search(question)) or any(
        p.negative and p.kind == "answer" for p in phrases
    )
    return PreparedCard(parsed, phrases, frozenset(vocabulary), avoidance)


def prepare_card(expected: Sequence[str | Item], question: str = "") -> PreparedCard:
    """Prepare (once, cached) a card's items for grading."""
    return _prepare(tuple(expected), question or "")


def _accepts(phrase: _Phrase, matched_weight: float, matched_count: int) -> bool:
    n = len(phrase.words)
    coverage = matched_weight / phrase.total_weight if phrase.total_weight else 0.0
    if phrase.kind == "detail":
        if n <= 2:
            return matched_count == n
        return matched_count >= 2 and matched_weight >= min(2.0, 0.6 * phrase.total_weight)
    if n == 1:
        return matched_count == 1
    if n <= 4:
        return coverage >= 0.5 or (matched_count >= 2 and coverage >= 0.35)
    return matched_count >= 2 and coverage >= 0.4


def grade_reply(expected: Sequence[str | Item], reply: str, *, question: str = "") -> Grade:
    """Grade ``reply`` against the card's ``expected`` items (plain ``"Key: detail"`` strings or deck items).

    Never raises on any string. ``question`` is optional; given, words that merely repeat it count less and a
    question about what to avoid is recognised.
    """
    card = prepare_card(expected, question)
    total = len(card.items)
    if not isinstance(reply, str):
        reply = "" if reply is None else str(reply)
    reply = reply[:MAX_REPLY_CHARS]
    if total == 0:
        return Grade([], 0.0, 0)
    tokens, gaps = tokenize(reply)
    if not tokens:
        return Grade([], 0.0, total)

    # Atom = tokens between separators of any kind; a window that matters stays in one atom or clause.
    atom_of: list[int] = []
    atom = -1
    for gap in gaps:
        if gap >= CONJ:
            atom += 1
        atom_of.append(atom)

    # Which phrase words each token stands for.
    hits_by_phrase: list[list[tuple[int, int, float]]] = [[] for _ in card.phrases]
    word_to_slots: dict[str, list[tuple[int, int]]] = {}
    for p_index, phrase in enumerate(card.phrases):
        for w_index, word in enumerate(phrase.words):
            word_to_slots.setdefault(word, []).append((p_index, w_index))
    for position, token in enumerate(tokens):
        for word, similarity in card.similar_words(token.norm, token.stop).items():
            for p_index, w_index in word_to_slots.get(word, ()):
                hits_by_phrase[p_index].append((position, w_index, similarity))

    atom_sizes: dict[int, int] = {}
    for a in atom_of:
        atom_sizes[a] = atom_sizes.get(a, 0) + 1

    candidates: list[_Candidate] = []
    for p_index, phrase in enumerate(card.phrases):
        hits = hits_by_phrase[p_index]
        if hits:
            candidates.extend(_windows(card, phrase, hits, tokens, gaps, atom_of, atom_sizes))

    # Best windows first; a window credits one item, an item is credited once, windows never overlap.
    candidates.sort(key=lambda c: (-c.strength, c.end - c.start))
    used = [False] * len(tokens)
    credited: dict[int, _Candidate] = {}
    for candidate in candidates:
        if candidate.item in credited or any(used[candidate.start : candidate.end + 1]):
            continue
        credited[candidate.item] = candidate
        for position in range(candidate.start, candidate.end + 1):
            used[position] = True

    covered = [False] * len(tokens)
    for candidate in candidates:
        for position in range(candidate.start, candidate.end + 1):
            covered[position] = True
    unmatched: list[str] = []
    wrong_parts = 0
    for atom_index in range(atom + 1):
        positions = [i for i, a in enumerate(atom_of) if a == atom_index]
        content = [i for i in positions if not tokens[i].stop]
        if not content or any(covered[i] for i in positions):
            continue
        unmatched.append(reply[tokens[positions[0]].start : tokens[positions[-1]].end])
        if len(content) <= 4:
            wrong_parts += 1

    allowance = max(2, math.ceil(total / 3))
    penalty = max(0, wrong_parts - allowance)
    found = len(credited)
    score = max(0.0, (found - penalty) / total)
    credits = tuple(
        Credit(
            c.item,
            reply[tokens[c.start].start : tokens[c.end].end],
            c.kind,
            round(c.similarity, 3),
        )
        for c in sorted(credited.values(), key=lambda c: c.item)
    )
    return Grade(sorted(credited), round(score, 6), total, credits, tuple(unmatched), min(penalty, found))


def _windows(
    card: PreparedCard,
    phrase: _Phrase,
    hits: list[tuple[int, int, float]],
    tokens: list,
    gaps: list[int],
    atom_of: list[int],
    atom_sizes: dict[int, int],
) -> list[_Candidate]:
    """The acceptable windows of one phrase, at most one per starting token."""
    hits.sort()
    n = len(phrase.words)
    max_span = 2 * n + 3
    barrier = HARD if phrase.joins_parts or n >= 4 or phrase.kind == "detail" else CONJ
    found: list[_Candidate] = []
    for first in range(len(hits)):
        start = hits[first][0]
        best_sim: dict[int, float] = {}
        positions_used: set[int] = set()
        best: _Candidate | None = None
        for position, w_index, similarity in hits[first:]:
            if position - start > max_span:
                break
            if position > start and any(g >= barrier for g in gaps[start + 1 : position + 1]):
                break
            if position in positions_used and w_index not in best_sim:
                continue
            if similarity <= best_sim.get(w_index, 0.0):
                continue
            best_sim[w_index] = similarity
            positions_used.add(position)
            matched_weight = sum(phrase.weights[w] * s for w, s in best_sim.items())
            if not _accepts(phrase, matched_weight, len(best_sim)):
                continue
            end = position
            gap_words = sum(
                1 for i in range(start, end + 1) if i not in positions_used and not tokens[i].stop
            )
            if gap_words > len(best_sim) + 1:
                continue
            if phrase.stop_only and atom_sizes[atom_of[start]] > 3:
                continue  # "qui" inside a sentence is a pronoun, not the question word Qui
            if not _polarity_ok(card, phrase, start, end, tokens, gaps):
                continue
            mean_similarity = sum(best_sim.values()) / len(best_sim)
            coverage = matched_weight / phrase.total_weight
            strength = coverage * mean_similarity * (0.85 if phrase.kind == "detail" else 1.0)
            strength -= 0.04 * gap_words
            if best is None or strength > best.strength:
                best = _Candidate(strength, phrase.item, start, end, phrase.kind, mean_similarity)
        if best is not None:
            found.append(best)
    return found


def _polarity_ok(card: PreparedCard, phrase: _Phrase, start: int, end: int, tokens: list, gaps: list[int]) -> bool:
    """Refuse "pas la transparence"; require the negation for "Ne pas se préparer"."""
    context = [t.norm for t in tokens[start : end + 1]]
    position = start
    looked = 0
    while position > 0 and looked < 4 and gaps[position] < CONJ:
        position -= 1
        looked += 1
        context.append(tokens[position].norm)
    if phrase.negative:
        return any(word in _NEGATIVE_CUES for word in context)
    negated = any(word in NEGATIONS for word in context)
    return not negated or card.avoidance
