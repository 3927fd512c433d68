"""Grading by meaning: the stage behind the lexical one, and the batched entry point ``grade_many``.

A part of the reply that named nothing in words may still earn an item by meaning (a paraphrase, the other
language). Each part, and each run of consecutive such parts within a sentence or a line, is embedded with the
multilingual model of :mod:`bot.grading.semantic` and compared with every phrase of every item (the key, its
aliases, the key with its detail, and the detail alone when the deck is known). It earns the item it is
closest to only when it clearly prefers it:
- similar enough (``THRESHOLD``; higher when the deck's other cards are not given; a part of one word needs
  ``THRESHOLD_WORD_LONG``, or ``THRESHOLD_WORD`` when that word is a short abbreviation),
- clearly closer to that item than to the card's other items still open (``MARGIN_CARD``, or
  ``MARGIN_CARD_AGREED`` when the part holds a word that item has and no other: "powder" for "Surface area:
  smaller pieces / powder"): items already credited, and items another part of the reply sits closer to, are
  no runner-up,
- closer to it than to any item of the deck's other cards (``MARGIN_DECK``, when ``others`` is given), unless
  the rest of the reply names every other item of the card (it answers this card item by item) and the part is
  not nearly another card's item,
- for a short part holding words that several items of the card use ("données" on a card about personal
  data), still closest to that item without those words: a shared word says which card, not which item.
- for a short part with a word that ends like a word of the item's name but begins with another letter, never:
  the same root with another prefix is another term ("amensalisme" is not "Commensalisme").
A conjunction opening a part ("and adding an enzyme") is a separator and is not embedded.
Credits are decided in rounds: once some items are credited, the parts left are judged on the items left.
The lexical rules apply to these credits too: a part whose every word the lexical stage saw and refused
earns nothing by meaning, unless those words belong to that item alone and were refused only for their form
("connection" for "Connexion", "décimal" for "Float: decimal numbers"); a part with a negation earns nothing
by meaning (the model does not read "not") unless the item holds a negation too and the part does not name it
in words (on a card of things to avoid, a part with a negation may earn only a "ne pas" item, and a part
without one only an item without one: "talking only about yourself", "having no backup person"; elsewhere a
whole sentence with a negation is left to words); one part credits one item, an item is credited once
(an item already credited in words is not credited again, and a part closest to it earns nothing), and the
parts that earn nothing still count for the anti-spray rule. A one-item card (a definition) is also compared
on the whole reply; a part that only repeats the question's words (the term to define) earns nothing.

Deck vectors are computed once (see :mod:`bot.grading.semantic`); ``grade_many`` embeds the parts of all its
replies in one model call, so the bot can batch concurrent answers in an executor.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..decks.model import Item
from . import semantic as sem
from .card import PreparedCard, _split_item, is_negative_phrase
from .grader import Grade, GradeRequest, LexicalResult, finish_grade, grade_lexical
from .meaning_rules import (
    _NEGATIVE,
    DEFINITION_WORDS,
    MAX_ATOMS_PER_REPLY,
    MAX_SPAN_ATOMS,
    MAX_SPANS_PER_REPLY,
    THRESHOLD_ELSEWHERE,
    _acceptable,
    _CardVectors,
    _listed_parts,
    _rest,
    _rest_agrees,
    _Span,
    _threshold,
    key_rest,
)
from .reply import _Reply
from .text import COMMA, CONJUNCTIONS, HARD, NEGATIONS, STOP_WORDS, phrase_tokens, stems

log = logging.getLogger(__name__)


def _item_texts(item: Item, *, own: bool = True) -> list[str]:
    """The phrases an item is compared by: its key, aliases, "key: detail" and, on its own card, the detail
    alone when the deck is known (a paraphrase often says the detail in other words: "both species win" for
    "les deux espèces y gagnent"); without the deck to check against, a detail's course vocabulary ("les
    médias sociaux") is too loose a match. The deck's other cards compete by the texts that name their
    items, not by their details alone: details of one deck share its vocabulary ("faster", "particles") and
    would drown a clear definition."""
    texts = [item.answer, *item.aliases]
    if item.detail:
        texts.append(f"{item.answer}: {item.detail}")
        if own:
            texts.append(item.detail)
    return [t for t in dict.fromkeys(t.strip() for t in texts) if t]


def _items_of(card: Sequence[str | Item]) -> tuple[Item, ...]:
    return tuple(_split_item(item) for item in card)


def deck_texts(cards: Sequence[Sequence[str | Item]], *, own: bool = True) -> list[str]:
    """Every text of a deck's cards that grading by meaning embeds (what :func:`prepare_deck` computes and
    the store keeps), the words of each key after its first among them (a part that opens with that word is
    checked against them); with ``own=False``, those the cards offer as competitors of another card."""
    items = [item for card in cards for item in _items_of(card)]
    texts = [t for item in items for t in _item_texts(item, own=own)]
    if own:
        texts += [rest for item in items if (rest := key_rest(item))]
    return list(dict.fromkeys(texts))


def prepare_deck(cards: Sequence[Sequence[str | Item]], *, blob: bytes | None = None) -> bytes:
    """Compute (once) the vectors of a deck's items and return them as bytes the store can keep.

    Given the bytes a previous call returned, the vectors are restored instead of recomputed. With the stage
    off or the model missing, nothing is computed and the bytes are empty.
    """
    texts = deck_texts(cards)
    if blob:
        sem.restore_embeddings(blob, texts)
    if not sem.active():
        return b""
    sem.deck_vectors(texts)
    return sem.embeddings_blob(texts)


@lru_cache(maxsize=1024)
def _card_vectors(items: tuple[Item, ...], details: bool = True) -> _CardVectors | None:
    """The vectors of a card's phrases; ``details``: with each detail alone (only when the deck is known)."""
    rows: list[str] = []
    row_item: list[int] = []
    for index, item in enumerate(items):
        for text in _item_texts(item, own=details):
            rows.append(text)
            row_item.append(index)
    matrix = sem.deck_vectors(rows)
    if len(matrix) != len(rows):
        return None
    negative = frozenset(
        index for index, item in enumerate(items) if is_negative_phrase(phrase_tokens(item.answer))
    )
    return _CardVectors(matrix, np.asarray(row_item), len(items), negative, _negated_items(items))


@lru_cache(maxsize=1024)
def _negated_items(items: tuple[Item, ...]) -> frozenset[int]:
    """Items whose key or detail holds a negation: the only ones a part with a negation may earn."""
    return frozenset(
        index for index, item in enumerate(items) if NEGATIONS.intersection(phrase_tokens(item.as_text()))
    )


@lru_cache(maxsize=256)
def _deck_matrix(
    others: tuple[tuple[str | Item, ...], ...], question_stems: frozenset[str] = frozenset()
) -> np.ndarray | None:
    """Vectors of the other cards' phrases, less those that only name this card's question: the term a
    definition card asks about ("Catalyst" on another card for "What is a catalyst?") is no competitor."""
    texts = [
        t
        for t in deck_texts(others, own=False)
        if not question_stems
        or not all(stems(w) & question_stems for w in phrase_tokens(t) if w not in STOP_WORDS)
    ]
    matrix = sem.deck_vectors(texts)
    return matrix if len(matrix) == len(texts) else None


def _spans(index: int, lexical: LexicalResult) -> list[_Span]:
    """The parts of one reply to compare by meaning: free parts, and runs of them within a sentence."""
    read = lexical.read
    card = lexical.card
    if read is None or len(lexical.credited) == lexical.total:
        return []
    question_stems = _question_stems(card)
    if lexical.total == 1 and _is_definition(card):
        return _definition_spans(index, read, question_stems, negation_allowed=_has_negation(card))
    free = lexical.free_atoms[:MAX_ATOMS_PER_REPLY]
    spans: list[_Span] = []
    if read.has_negation:
        # A sentence with a negation anywhere is left to words: its other parts often carry the rejection
        # on ("pas accepter la critique, les commentaires négatifs faut les supprimer"). A part holding the
        # negation itself may still say an item that holds one ("jamais réutiliser le même mot de passe" for
        # "Never reuse passwords", "sans lui faire de mal ni de bien" for "n'y gagne rien et n'y perd rien").
        # On a card of things to avoid, negation is the expected form and each part says its own: a part is
        # negated by the words it holds ("having no backup person"), its neighbours are not.
        negated = _negated_parts(read) if card.avoidance else _negated_sentences(read)
        if _negated_items(card.items):
            spans = [
                _Span(index, a, a, _quote(read, a, a), negated=True)
                for a in free
                if negated[a]
                and _negation_inside(read, a)
                and _usable(read, a, a, question_stems, negation=True)
            ]
        free = [a for a in free if not negated[a]]
    spans += [_Span(index, a, a, _quote(read, a, a)) for a in free if _usable(read, a, a, question_stems)]
    free_set = set(free)
    for length in range(2, MAX_SPAN_ATOMS + 1):
        for first in free:
            last = first + length - 1
            if len(spans) >= MAX_SPANS_PER_REPLY:
                break
            if not all(a in free_set for a in range(first, last + 1)):
                continue
            if any(read.gaps[read.atom_span[a][0]] >= COMMA for a in range(first + 1, last + 1)):
                continue  # a run joins the halves of one phrase ("X et Y"), never list entries nor sentences
            if _usable(read, first, last, question_stems):
                spans.append(_Span(index, first, last, _quote(read, first, last)))
    spans = spans[:MAX_SPANS_PER_REPLY]
    for span in spans:
        span.rest = _rest(lexical, span)
    return spans


def _is_definition(card: PreparedCard) -> bool:
    """A one-item card whose item is a sentence: a definition ("What is a catalyst?")."""
    return len(card.items) == 1 and len(phrase_tokens(card.items[0].answer)) >= 5


def _has_negation(card: PreparedCard) -> bool:
    return any(w in _NEGATIVE for item in card.items for w in phrase_tokens(item.as_text()))


def _definition_spans(
    index: int, read: _Reply, question_stems: frozenset[str], *, negation_allowed: bool
) -> list[_Span]:
    """A definition is compared on the whole reply and on each of its sentences (or lines).

    Negation words stay when the definition has some ("sans être consommé", "without being used up");
    otherwise a reply with a negation is left to words ("pas community manager, plutôt influenceur").
    """
    if read.has_negation and not negation_allowed:
        return []
    sentences: list[tuple[int, int]] = []
    for atom, (first, _last) in enumerate(read.atom_span):
        if not sentences or read.gaps[first] >= HARD:
            sentences.append((atom, atom))
        else:
            sentences[-1] = (sentences[-1][0], atom)
    candidates = [(0, len(read.atom_span) - 1)]
    if len(sentences) > 1:
        candidates.extend(sentences[: MAX_SPANS_PER_REPLY - 1])
    return [
        _Span(index, first, last, _quote(read, first, last), whole=True)
        for first, last in candidates
        if _usable(read, first, last, question_stems, definition=True)
    ]


def _negated_sentences(read: _Reply) -> list[bool]:
    """For each part, whether its sentence (or line) holds a negation."""
    sentence_of: list[int] = []
    sentence = -1
    for first, _last in read.atom_span:
        if read.gaps[first] >= HARD:
            sentence += 1
        sentence_of.append(sentence)
    negated = {sentence_of[read.atom_of[i]] for i, token in enumerate(read.tokens) if token.norm in _NEGATIVE}
    return [s in negated for s in sentence_of]


def _negated_parts(read: _Reply) -> list[bool]:
    """For each part, whether it holds a negation or lies in the scope of an exclusion ("sauf", "except")."""
    tokens, excluded = read.tokens, read.excluded
    return [
        any(t.norm in _NEGATIVE for t in tokens[first : last + 1])
        or bool(excluded and any(excluded[first : last + 1]))
        for first, last in read.atom_span
    ]


@lru_cache(maxsize=1024)
def _question_stems_of(question_words: tuple[str, ...]) -> frozenset[str]:
    """Stems of the question's words, and "^" + the first six letters of the long ones: "it catalyzes"
    repeats "What is a catalyst?"."""
    words = [w for w in question_words if w not in STOP_WORDS]
    return frozenset([s for w in words for s in stems(w)] + [f"^{w[:6]}" for w in words if len(w) >= 6])


def _repeats_question(norm: str, question_stems: frozenset[str]) -> bool:
    return bool(stems(norm) & question_stems) or (len(norm) >= 6 and f"^{norm[:6]}" in question_stems)


def _question_stems(card: PreparedCard) -> frozenset[str]:
    return _question_stems_of(tuple(phrase_tokens(card.question)))


def _quote(read: _Reply, first: int, last: int) -> str:
    """The text of parts ``first`` to ``last``, less a conjunction that opens it ("and adding an enzyme"): a
    separator, not content, and the model reads it as content."""
    start, end = read.atom_span[first][0], read.atom_span[last][1]
    while start < end and read.tokens[start].norm in CONJUNCTIONS:
        start += 1
    return read.quote(start, end)


def _negation_inside(read: _Reply, atom: int) -> bool:
    """The part holds a negation word itself, and no word of it is excluded ("sauf X", "except X")."""
    first, last = read.atom_span[atom]
    if read.excluded and any(read.excluded[first : last + 1]):
        return False
    return any(t.norm in NEGATIONS for t in read.tokens[first : last + 1])


def _usable(
    read: _Reply,
    first: int,
    last: int,
    question_stems: frozenset[str],
    *,
    definition: bool = False,
    negation: bool = False,
) -> bool:
    """A span may earn by meaning: no negation, and words of its own beyond the question's (two for a
    definition: a loose word of it, or the term repeated, is not a definition)."""
    start, end = read.atom_span[first][0], read.atom_span[last][1]
    own = 0
    for token in read.tokens[start : end + 1]:
        if token.norm in _NEGATIVE and not (definition or negation):  # decided by the caller
            return False
        if not token.stop and not token.norm.isdigit() and not _repeats_question(token.norm, question_stems):
            own += 1
    return own >= (DEFINITION_WORDS if definition else 1)


def _others_key(
    expected: Sequence[str | Item], others: Sequence[Sequence[str | Item]] | None
) -> tuple[tuple[str | Item, ...], ...] | None:
    if others is None:
        return None
    own = tuple(expected)
    return tuple(t for t in (tuple(card) for card in others) if t and t != own)


def _decide(
    spans: list[_Span],
    vectors: np.ndarray,
    card: _CardVectors,
    deck: np.ndarray | None,
    lexical: LexicalResult,
    rests: Sequence[np.ndarray | None] = (),
) -> list[tuple[int, tuple[int, int], float]]:
    """Credits by meaning for one reply's spans (greedy on similarity: one span, one item, once).

    A span closest to an item the reply names in words says more about that item and earns nothing. Otherwise
    a span is judged on the items still open: an item already credited (in words, or by meaning to another
    part in an earlier round) is neither its best nor its runner-up, and an item another part of the reply
    sits closer to is no runner-up ("Upper Canada, Lower Canada": each names its own). Rounds repeat while
    they credit something, so the items left compete among themselves only.
    """
    elsewhere = 0  # list entries that name another card's item: a paste of the deck
    sims: list[np.ndarray] = []
    decks: list[float | None] = []
    for span, vector in zip(spans, vectors, strict=True):
        row_sims = card.matrix @ vector
        per_item = np.full(card.items, -1.0, dtype=np.float32)
        np.maximum.at(per_item, card.row_item, row_sims)
        s1 = float(per_item.max())
        s_deck = float(np.max(deck @ vector)) if deck is not None and len(deck) else None
        if s_deck is not None and span.first == span.last and s_deck >= max(s1, THRESHOLD_ELSEWHERE):
            elsewhere += 1
        sims.append(per_item)
        decks.append(s_deck)
    if deck is None and len(spans) and _listed_parts(lexical) > max(2, math.ceil(card.items / 3)) + 1:
        elsewhere = card.items  # no deck to tell where they come from: a long list of misses is a spray
    if elsewhere > max(2, math.ceil(card.items / 3)):
        return []  # a spray of the deck's items earns only what it names in words
    thresholds = [_threshold(span, decks[index] is not None) for index, span in enumerate(spans)]
    firsts = [int(np.argmax(row)) for row in sims]
    claims = [_claims(index, spans, sims, firsts, thresholds) for index in range(len(spans))]
    in_words = set(lexical.credited)
    taken_atoms: set[int] = set()
    taken_items = set(in_words)
    credits: list[tuple[int, tuple[int, int], float]] = []
    while True:
        options: list[tuple[float, int, _Span]] = []
        for index, span in enumerate(spans):
            if firsts[index] in in_words or not taken_atoms.isdisjoint(range(span.first, span.last + 1)):
                continue  # a part closest to an item named in words says more about that item
            open_items = sims[index].copy()
            open_items[sorted(taken_items)] = -1.0  # credited by meaning to another part: judged on the rest
            best = int(np.argmax(open_items))
            s1 = float(open_items[best])
            if best in taken_items or s1 < thresholds[index]:
                continue
            open_items[best] = -1.0
            open_items[sorted(claims[index] - {best})] = -1.0
            s2 = float(open_items.max()) if card.items > 1 else -1.0
            rest = rests[index] if index < len(rests) else None
            if not _acceptable(span, s1, s2, decks[index], best, thresholds[index], card, lexical, rest):
                continue
            if rest is not None and not _rest_agrees(rest, card, best, taken_items):
                continue
            options.append((s1, best, span))
        options.sort(key=lambda o: -o[0])
        added = False
        for similarity, item, span in options:
            atoms = set(range(span.first, span.last + 1))
            if item in taken_items or atoms & taken_atoms:
                continue
            taken_items.add(item)
            taken_atoms |= atoms
            credits.append((item, (span.first, span.last), similarity))
            added = True
        if not added:
            return credits


def _claims(
    index: int, spans: list[_Span], sims: list[np.ndarray], firsts: list[int], thresholds: list[float]
) -> set[int]:
    """Items another, separate part of the reply is closer to (and similar enough to): no runner-up here."""
    span = spans[index]
    return {
        firsts[other]
        for other, o_span in enumerate(spans)
        if other != index
        and (o_span.last < span.first or o_span.first > span.last)
        and sims[other][firsts[other]] >= thresholds[other]
        and sims[other][firsts[other]] > sims[index][firsts[other]]
    }


def grade_many(requests: Sequence[GradeRequest], *, semantic: bool | None = None) -> list[Grade]:
    """Grade many replies; the parts that need meaning are embedded together in one model call.

    Same results as :func:`bot.grading.grade_reply` on each request. CPU-bound: the bot runs it in an
    executor, with the answers that arrived together.
    """
    lexical = [grade_lexical(r.expected, r.reply, r.question) for r in requests]
    use = sem.semantic_status().enabled if semantic is None else semantic
    if not use:
        return [finish_grade(result) for result in lexical]
    spans = [span for index, result in enumerate(lexical) for span in _spans(index, result)]
    # The model loads (about 2 s) only when a reply needs it; the bot loads it ahead with warm_up().
    if not spans or not sem.active():
        return [finish_grade(result) for result in lexical]
    try:
        rests = [s.rest for s in spans if s.rest is not None]
        encoded = sem.part_vectors([s.text for s in spans] + rests)
        if len(encoded) != len(spans) + len(rests):
            raise RuntimeError("the model returned no vectors")
        vectors = encoded[: len(spans)]
        rest_rows = iter(range(len(spans), len(encoded)))
        rest_vectors = [None if s.rest is None else encoded[next(rest_rows)] for s in spans]
        by_request: dict[int, list[int]] = {}
        for row, span in enumerate(spans):
            by_request.setdefault(span.request, []).append(row)
        meaning: dict[int, list[tuple[int, tuple[int, int], float]]] = {}
        for index, rows in by_request.items():
            request, result = requests[index], lexical[index]
            key = _others_key(request.expected, request.others)
            card = _card_vectors(result.card.items, details=bool(key))
            deck = _deck_matrix(key, _question_stems(result.card)) if key else None
            if card is None:
                continue
            meaning[index] = _decide(
                [spans[r] for r in rows], vectors[rows], card, deck, result, [rest_vectors[r] for r in rows]
            )
    except Exception:  # the model failing mid-run must not cost the student the lexical grade
        log.exception("grading by meaning failed; lexical grades only for this batch")
        return [finish_grade(result) for result in lexical]
    return [finish_grade(result, meaning.get(index, ())) for index, result in enumerate(lexical)]
