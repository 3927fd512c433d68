"""What a part of a reply must pass to earn an item by meaning: the thresholds, margins and word rules.

:mod:`bot.grading.meaning` finds the parts, embeds them and decides the credits in rounds; the rules each
credit passes are here (see that module's docstring for the whole list).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..decks.model import Item
from . import semantic as sem
from .card import _NEGATIVE_CUES
from .grader import LexicalResult
from .text import CONJUNCTIONS, NEGATIONS

THRESHOLD = 0.35  # cosine similarity a part needs with an item's phrase, when the deck is known
THRESHOLD_ALONE = 0.6  # without the deck's other cards to compare with, the part must be closer still
MARGIN_CARD = 0.1  # over the card's runner-up item
MARGIN_CARD_AGREED = 0.05  # over the runner-up, when the part holds a word only that item has
MARGIN_DECK = 0.03  # over the closest item of the deck's other cards
DEFINITION_THRESHOLD = 0.49  # a rewording of a definition, compared on the whole reply
DEFINITION_THRESHOLD_ALONE = 0.55
DEFINITION_MARGIN_DECK = 0.12  # definitions of one deck resemble each other: a clear preference
DEFINITION_WORDS = 3  # content words of its own (not the question's) a reply needs to be a definition
THRESHOLD_ELSEWHERE = 0.6  # a part this close to another card's item names that item
THRESHOLD_WORD = 0.56  # a part of one short word (an abbreviation: "Mo", "char" say little to the model)
THRESHOLD_WORD_LONG = 0.5  # a part of one word of LONG_WORD letters or more (a translation, a synonym)
LONG_WORD = 5
THRESHOLD_WORD_ALONE = (
    0.72  # without the deck, one word must be very close ("monitoring" is not "Validation")
)
THRESHOLD_SHARED = 0.0  # a short part sharing a word with the item, refused in words: "Google Ads"
SHORT_PART_WORDS = 3  # a part of up to this many content words is a name, judged in words when it shares one
MAX_SPAN_ATOMS = 4  # runs of up to this many consecutive parts are compared as one
MAX_SPANS_PER_REPLY = 12  # bounds the model's work on a long reply
MAX_ATOMS_PER_REPLY = 12
SAME_NAME = 0.5  # a part's words beside a key's first word that say the key's other words (a translation)
PREFIXED_ENDING = 6  # letters of a shared ending that, with another beginning, make another term (a prefix)
SAME_WORD = 0.95  # a reply word this close to a card's word (the word, or its stem) is that word
_NEGATIVE = NEGATIONS | _NEGATIVE_CUES


@dataclass(frozen=True, slots=True)
class _CardVectors:
    matrix: np.ndarray  # one row per phrase of the card
    row_item: np.ndarray  # the item of each row
    items: int
    negative_items: frozenset[int]
    negated_items: frozenset[
        int
    ]  # items whose key or detail holds a negation ("no ribosomes", "Never reuse")


@dataclass(slots=True)
class _Span:
    request: int
    first: int  # atoms, inclusive
    last: int
    text: str
    whole: bool = False  # the whole reply, for a definition card
    negated: bool = False  # a part of a sentence with a negation: only for an item that holds one too
    # A short part less its words that several items of the card use ("protéger" of "protéger les données"):
    # what must still name the item (see _rest_agrees); None when the part has no such word.
    rest: str | None = None


def _rest(lexical: LexicalResult, span: _Span) -> str | None:
    """The short part without its words that name several items of the card (the card's shared vocabulary:
    "données" on a card about personal data, "proteins" beside ribosomes, the Golgi and the ER), when it has
    such words and others; None otherwise."""
    read = lexical.read
    assert read is not None
    card = lexical.card
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    while start < end and read.tokens[start].norm in CONJUNCTIONS:
        start += 1
    tokens = read.tokens[start : end + 1]
    content = [t for t in tokens if not t.stop]
    if not 2 <= len(content) <= SHORT_PART_WORDS:
        return None
    phrases = card.phrases
    shared = {
        t.start
        for t in content
        if len({phrases[p].item for p, _w, sim in card.phrase_hits(t.norm, t.stop) if sim >= SAME_WORD}) >= 2
    }
    if not shared or len(shared) == len(content):
        return None
    return " ".join(read.text[t.start : t.end] for t in tokens if t.start not in shared)


def _rest_agrees(rest: np.ndarray, card: _CardVectors, best: int, taken: set[int]) -> bool:
    """A short part with words the card's items share earns an item by meaning only if its other words, alone,
    still point to that item: a shared word says which card, not which item ("protéger les données" is no
    "Portabilité des données"; "paroi cellulaire" is "Cell wall", "Upper Canada" is "Haut-Canada"). The part
    as a whole passed the thresholds; its rest must only prefer the same item and be no chance match."""
    per_item = np.full(card.items, -1.0, dtype=np.float32)
    np.maximum.at(per_item, card.row_item, card.matrix @ rest)
    per_item[sorted(taken - {best})] = -1.0
    return int(np.argmax(per_item)) == best and float(per_item[best]) >= THRESHOLD


def _threshold(span: _Span, with_deck: bool) -> float:
    if span.whole:
        return DEFINITION_THRESHOLD if with_deck else DEFINITION_THRESHOLD_ALONE
    return THRESHOLD if with_deck else THRESHOLD_ALONE


def _acceptable(
    span: _Span,
    s1: float,
    s2: float,
    s_deck: float | None,
    best: int,
    threshold: float,
    card: _CardVectors,
    lexical: LexicalResult,
    rest: np.ndarray | None = None,
) -> bool:
    """The rules every credit by meaning passes: similar enough, clearly preferred, not refused in words.

    ``rest``: the vector of the part without the words several items share (see :func:`_rest`)."""
    deck_margin = DEFINITION_MARGIN_DECK if span.whole else MARGIN_DECK
    if s1 < threshold:
        return False
    if span.negated:
        if best not in card.negated_items or _shared_words(lexical, span, best, any_length=True)[0]:
            return False  # "not the neutron" is no "Neutron: no charge": named in words, and refused there
    elif best in card.negative_items:
        return False
    if (
        card.items > 1
        and s1 - s2 < MARGIN_CARD
        and (s1 - s2 < MARGIN_CARD_AGREED or not _has_own_word(lexical, span, best))
    ):
        return False  # a clear preference, or a weaker one that a word of that item's own confirms
    if s_deck is not None and s1 - s_deck < deck_margin and not _last_open_item(card, s2, s_deck):
        return False
    if _contradicts(lexical, span, best):
        return False  # "le bon outil" is not "Utiliser le mauvais outil", however close in meaning
    if _another_prefix(lexical, span, best):
        return False  # "amensalisme" is not "Commensalisme", "anabolisme" not "Catabolisme"
    shared, words = _shared_words(lexical, span, best)
    if shared == words and rest is not None and _rest_says_the_key(lexical, best, rest):
        shared, words = _shared_words(lexical, span, best, same_first=False)
    refused_in_words = shared == words and not _words_of_its_own(lexical, span, best)
    if shared and (refused_in_words or s1 < THRESHOLD_SHARED):
        return False  # every word was judged in words, or a near-neighbour's name must be closer still
    # one word says little to the model: "mentoring" sits near "Recrutement"
    if words != 1:
        return True
    if s_deck is None:
        return s1 >= THRESHOLD_WORD_ALONE
    return s1 >= (THRESHOLD_WORD_LONG if _longest_word(lexical, span) >= LONG_WORD else THRESHOLD_WORD)


def _last_open_item(card: _CardVectors, s2: float, s_deck: float) -> bool:
    """Every other item of the card is named by the rest of the reply (in words, or closer to another part):
    the reply answers this card item by item, and the part left ("proof, consistency" after the other
    strengths) is judged on the card, unless it is nearly another card's item."""
    return card.items > 1 and s2 < 0 and s_deck < THRESHOLD_ELSEWHERE


def _has_own_word(lexical: LexicalResult, span: _Span, item: int) -> bool:
    """The span holds a word (no number) that the item has and no other item of the card: words and meaning
    agree on the item ("powder" of "Surface area: smaller pieces / powder", "Borden" of "Loi du service
    militaire: Borden impose la conscription")."""
    read = lexical.read
    assert read is not None
    phrases = lexical.card.phrases
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    return any(
        phrases[p].item == item and sim >= SAME_WORD and phrases[p].weights[w] >= 0.99
        for t in read.tokens[start : end + 1]
        if not t.stop and not t.norm.isdigit()
        for p, w, sim in lexical.card.phrase_hits(t.norm, t.stop)
    )


def _words_of_its_own(lexical: LexicalResult, span: _Span, item: int) -> bool:
    """Every content word of the span is a word of that item and of no other item of the card: words the
    lexical stage refused only for their form (a typo, a word family, a translation that looks alike:
    "connection" for "Connexion", "single replacement" for "Single displacement"), which meaning may judge.
    A word other items share too ("accepter" of "Accepter la critique") or a word the item lacks ("Google
    Ads"), or a word of an alias only (an alias of one or two words is given whole), leaves the refusal in
    words standing."""
    read = lexical.read
    assert read is not None
    phrases = lexical.card.phrases
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    content = [t for t in read.tokens[start : end + 1] if not t.stop]
    for t in content:
        hits = lexical.card.phrase_hits(t.norm, t.stop)
        if {phrases[p].item for p, _w, _s in hits} != {item} or all(
            phrases[p].kind == "alias" for p, _w, _s in hits
        ):
            return False  # an alias is the teacher's exact alternative, to be given whole
    return bool(content)


def _longest_word(lexical: LexicalResult, span: _Span) -> int:
    """Letters of the span's longest content word."""
    read = lexical.read
    assert read is not None
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    return max((len(t.norm) for t in read.tokens[start : end + 1] if not t.stop), default=0)


def _listed_parts(lexical: LexicalResult) -> int:
    """Parts that named nothing in words and read as list entries (what the anti-spray rule counts)."""
    read = lexical.read
    assert read is not None
    content = read.content_before
    return sum(
        1
        for atom in lexical.free_atoms
        if content[read.atom_span[atom][1] + 1] - content[read.atom_span[atom][0]] <= 4
    )


def _contradicts(lexical: LexicalResult, span: _Span, item: int) -> bool:
    """The span holds a word that turns the item into its contrary ("bon" for "mauvais")."""
    read = lexical.read
    assert read is not None
    opposites = next((p.opposites for p in lexical.card.phrases if p.item == item), frozenset())
    if not opposites:
        return False
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    return any(t.norm in opposites for t in read.tokens[start : end + 1])


def _another_prefix(lexical: LexicalResult, span: _Span, item: int) -> bool:
    """A word of a short part ends like a word of the item's key or alias (a long shared ending) but begins
    with another letter: the same root with another prefix is another term ("amensalisme" for "Commensalisme",
    "anabolisme" for "Catabolisme"), which the model, reading the letters, places beside it."""
    read = lexical.read
    assert read is not None
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    content = [t.norm for t in read.tokens[start : end + 1] if not t.stop]
    if not content or len(content) > SHORT_PART_WORDS:
        return False
    names = {
        w
        for p in lexical.card.phrases
        if p.item == item and p.kind in ("answer", "alias")
        for w in p.words
        if len(w) >= PREFIXED_ENDING
    }
    for norm in content:
        if len(norm) < PREFIXED_ENDING or norm in names:
            continue
        for word in names:
            if norm[0] == word[0]:
                continue  # the same prefix spelled in the other language: "déplacement" for "displacement"
            shared = 0
            for a, b in zip(reversed(norm), reversed(word), strict=False):
                if a != b:
                    break
                shared += 1
            # the ending is not a whole word: "autopromotion" is "self promotion", a word and a prefix
            whole = shared >= min(len(norm), len(word))
            if not whole and shared >= PREFIXED_ENDING and shared >= 0.6 * min(len(norm), len(word)):
                return True
    return False


def key_rest(item: Item) -> str:
    """The words of an item's key after its first ("de followers" for "Nb de followers"), or ""."""
    return item.answer.strip().partition(" ")[2].strip()


def _rest_says_the_key(lexical: LexicalResult, item: int, rest: np.ndarray) -> bool:
    """The part's words beside the shared one say what the key's words beside its first one say, in other
    words or the other language ("nombre d'abonnés" for "Nb de followers"): the same name, not another one
    ("Google Ads" is not "Google Analytics")."""
    others = key_rest(lexical.card.items[item])
    if not others:
        return False
    vectors = sem.deck_vectors([others])  # embedded with the deck (deck_texts), kept with its vectors
    return len(vectors) == 1 and float(vectors[0] @ rest) >= SAME_NAME


def _shared_words(
    lexical: LexicalResult, span: _Span, item: int, *, any_length: bool = False, same_first: bool = True
) -> tuple[int, int]:
    """(content words of a short part that the item has in words, content words): (0, 0) for a long part.

    The lexical stage saw those words and judged them not enough: "accepter" alone for "Accepter la
    critique" (a generic word) is every word shared. A part that opens with the item's first word and goes
    on with words of its own is another name ("Google Ads" for "Google Analytics", "Louis Riel" for
    "Louis-Joseph Papineau"): reported as every word shared too, unless ``same_first`` is off (the caller
    found that its other words say the key's other words: see :func:`_rest_says_the_key`).
    """
    read = lexical.read
    assert read is not None
    card = lexical.card
    start, end = read.atom_span[span.first][0], read.atom_span[span.last][1]
    content = [t for t in read.tokens[start : end + 1] if not t.stop]
    if len(content) > SHORT_PART_WORDS and not any_length:
        return 0, 0
    phrases = card.phrases
    hits = [
        [(p, w) for p, w, _s in card.phrase_hits(t.norm, t.stop) if phrases[p].item == item] for t in content
    ]
    shared = sum(bool(h) for h in hits)
    if (
        same_first
        and 0 < shared < len(content)
        and any(phrases[p].kind == "answer" and w == 0 and len(phrases[p].words) >= 2 for p, w in hits[0])
    ):
        return len(content), len(content)  # the same first name, another name
    return shared, len(content)
