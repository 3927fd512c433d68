"""Grading a free-text reply against a card's expected items, with partial credit and an explanation.

How it judges (the README tells teachers the same):
- The reply is read as tokens with separators between them (see :mod:`bot.grading.text` and
  :mod:`bot.grading.reply`). Each item offers phrases (see :mod:`bot.grading.card`): its answer (the key), the
  deck's aliases, an acronym in parentheses, its detail and the short terms of a terse detail ("2FA", a
  number glued to letters, is a term; a number alone is not).
- A phrase is found in a window of consecutive tokens when enough of its distinctive words appear there:
  words are compared after folding case and accents, by stem (French and English), by word family (a long
  shared beginning), by prefix for abbreviations ("perso", "techno", "coords"), by the letters of an
  abbreviation without vowels ("str", "mgmt") and by edit distance for typos (1 edit up to 10 letters, 2
  beyond; "mentoring" is 2 edits from "monitoring" and is refused); a k spelled for qu is the same word
  ("critik", "lexik"), and a typo of a short one-word key ("commnet", "quio") names it as a whole part only.
  Words shared by several items of the card count less, so "politique" alone names no particular policy;
  words of the question count less and never count as found words, but a key of two or more words named
  whole is credited even when its words repeat the question ("Acte constitutionnel" for "Quelles lois
  constitutionnelles..."). One word of a 3-4 word key is not enough, unless it stands alone as a list entry
  (never for a definition); a word of such a key that only its item has, beside a word of its detail, names
  it ("signalement à la CAI", "la conscription de 1917"). Aliases of one or two words must be found whole.
  Numbers alone name no item when several items carry numbers. A key is not credited when the word a
  near-neighbour's key says next to the shared one stands beside it ("droit à la vie privée").
  A term of a detail is found in its order ("carnivores qui mangent" is not "mangent les autres carnivores"),
  an arrow joins a detail's two sides into one term ("liquid -> vapour"), and a one-word term (an example:
  "pluie" of "pluie, neige, grêle") names its item in a list entry or a short part, not in passing in a
  sentence. Initials in capitals stand for consecutive words of a key ("engagement LT", "1re GM"), ordinals
  in figures for ordinal words, and "non" said or voted ("dit non") negates nothing.
- Windows never cross a hard break (line, bullet, sentence end); short phrases never cross a comma or an "et"
  (spoilers side by side, "||a|| ||b||", are separated as by a comma; so are arrows, "plants -> herbivores").
- Each window credits at most one item and each item is credited once (best windows first, a key or an
  alias before a detail at equal strength, then swaps that credit more items).
- An item named only to be rejected ("pas la transparence", "sauf le recrutement", "all of them except X and
  Y") or contradicted ("le bon outil" for "le mauvais outil") is not credited; "not only X but also Y" and
  "pas juste X" assert X. On a card of things to avoid ("Ne pas se préparer"), naming the thing negatively
  is the expected form, and stating the opposite good practice does not earn it.
- What words left unmatched may still earn an item by meaning (:mod:`bot.grading.meaning`).
- Anti-spray: parts that name nothing on this card are free up to max(2, a third of the items); each one
  beyond costs one item's worth of score (never below 0). The credited items are still listed.
- The work is bounded: phrase words, hits per phrase and windows are capped, and a time budget per reply
  returns what was found when it runs out.

Matching uses rapidfuzz for edit distances; each card is prepared once and cached.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ..decks.model import Item
from . import semantic as _semantic
from .card import (
    _NEGATIVE_CUES,
    MAX_PHRASE_WORDS,
    SHORT_KEY_TYPO,
    WEAK_MATCH,
    PreparedCard,
    _Phrase,
    prepare_card,
)
from .reply import _Reply
from .text import NEGATIONS

MAX_REPLY_CHARS = 20_000  # longer replies are graded on their beginning; Discord's own limit is 4,000
# Bounds on the work one reply may cost, whatever the deck and the reply (issue 13: a 700-character item of
# one word repeated against a 4,000-character answer took 11 s, growing with the square of the repeats).
MAX_HITS_PER_PHRASE = 2_000  # reply words standing for one phrase's words
MAX_CANDIDATES = 5_000  # windows kept for the selection
LONG_PART = 3  # content words beyond which a part is a sentence, not a name
TIME_BUDGET = 0.25  # seconds of lexical work per reply, after which the grade holds what was found

__all__ = ["MAX_PHRASE_WORDS", "PreparedCard", "prepare_card"]  # prepared in .card, re-exported for callers


@dataclass(frozen=True, slots=True)
class Credit:
    """One credited item and the part of the reply that earned it."""

    item: int
    part: str
    via: str  # "answer", "alias", "detail" (a detail or one of its terms) or "meaning" (grading by meaning)
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
class _Candidate:
    strength: float
    item: int
    start: int
    end: int  # token indices, inclusive
    kind: str
    similarity: float


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
        if not found and not token.stop and 2 <= token.end - token.start <= 4:
            raw = read.text[token.start : token.end]
            if raw.isupper() and raw.isalpha():  # "LT" for "long terme", "GM" for "Guerre mondiale"
                found = card.initials_hits(token.norm)
        for p_index, w_index, similarity in found:
            hits_by_phrase.setdefault(p_index, []).append((position, w_index, similarity))
    for hits in hits_by_phrase.values():
        if len(hits) > MAX_HITS_PER_PHRASE:  # a hostile reply repeating one word: read its beginning
            del hits[MAX_HITS_PER_PHRASE:]
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
            "detail" if c.kind in ("term", "key+detail") else c.kind,
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


_NAMES = ("answer", "alias")  # at equal strength, a key or an alias is taken before a detail or its terms


def _select(candidates: list[_Candidate], size: int) -> dict[int, _Candidate]:
    """Best windows first (keys and aliases before details at equal strength); a window credits one item,
    an item is credited once, windows never overlap.

    After the greedy pass, an item left out because one credited window took its words gets them when the
    other item has another window of its own: more items credited, never fewer.
    """
    candidates.sort(key=lambda c: (-c.strength, c.kind not in _NAMES, c.end - c.start))
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
    detail_factor = 0.85 if phrase.kind in ("detail", "key+detail") else 1.0
    key_words = phrase.key_words
    need_count, need_weight = phrase.need_count, phrase.need_weight - 1e-9
    counted = phrase.counted
    numbers = phrase.numbers
    whole_key = phrase.whole_key
    ordered = phrase.ordered
    one_word_term = phrase.kind == "term" and n == 1
    short_typo = phrase.kind == "answer" and n == 1
    is_detail = phrase.kind in ("detail", "key+detail")
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
                or (whole_key and matched_weight >= need_weight and _holds_whole_key(phrase, best_sim))
            ):
                continue
            if key_words and not _key_beside_detail(phrase, best_sim):
                continue  # a word the key alone has, beside a word of the detail
            if ordered and not _in_order(hits, first, end, best_sim):
                continue  # a term's words in another order say something else
            if numbers and not named_words:
                continue  # only the numbers of an item among several with numbers
            gap_words = content_before[end + 1] - content_before[start] - matched_content
            if gap_words > (max(1, len(best_sim) - 1) if is_detail else len(best_sim) + 1):
                continue  # the words must stand together; a description is compact
            if one_word_term and _in_a_long_part(start, read):
                continue  # an example of the detail mentioned in passing ("l'eau de pluie qui descend...")
            if phrase.stop_only and not _question_word_stands_alone(card, start, read):
                continue
            if (
                short_typo
                and similarity_sum == SHORT_KEY_TYPO
                and read.atom_span[read.atom_of[start]] != (start, end)
            ):
                continue  # a typo of a short key names it only as a whole part of the reply
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


def _in_a_long_part(start: int, read: _Reply) -> bool:
    """The token's part says more than a name: more than LONG_PART content words."""
    first, last = read.atom_span[read.atom_of[start]]
    return read.content_before[last + 1] - read.content_before[first] > LONG_PART


def _in_order(hits: list[tuple[int, int, float]], first: int, end: int, best_sim: dict[int, float]) -> bool:
    """The phrase's words found in the window (``hits[first:]`` up to token ``end``) were said in the phrase's
    order (checked only when an ordered phrase's window is accepted, off the hot loop)."""
    position_of: dict[int, int] = {}
    for position, w_index, similarity in hits[first:]:
        if position > end:
            break
        if w_index not in position_of and similarity >= best_sim[w_index]:
            position_of[w_index] = position
    positions = [position_of[w] for w in sorted(position_of)]
    return all(a < b for a, b in pairwise(positions))


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


def _key_beside_detail(phrase: _Phrase, best_sim: dict[int, float]) -> bool:
    """A word of the key that only this item has ("signalement", the year "1917") and a word of its detail
    ("CAI", "conscription") in the window."""
    key_words, weights = phrase.key_words, phrase.weights
    return any(key_words[w] and weights[w] >= 0.99 for w in best_sim) and not all(
        key_words[w] for w in best_sim
    )


def _holds_whole_key(phrase: _Phrase, best_sim: dict[int, float]) -> bool:
    """Every word of the key but its numbers is in the window ("Acte constitutionnel" for "Acte
    constitutionnel (1791)"), though some of them repeat the question."""
    words = phrase.words
    return sum(not words[w].isdigit() for w in best_sim) >= phrase.whole_key


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
