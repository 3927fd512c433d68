"""A card's items prepared for matching: phrases, word weights, what each phrase needs to be named.

Each item offers phrases: its answer (the key), the deck's aliases, an acronym the key gives in parentheses
("Kilobyte (KB)"), its detail, and the short terms a terse detail lists ("PSU, turns wall power into..."). A
phrase's words weigh less when several items share them or when they repeat the question; numbers never name
an item alone when several items carry numbers; items whose keys share a word are each other's rivals
(near-neighbours). A card is prepared once and cached, with a per-card cache of word look-ups.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..decks.model import Item
from .text import (
    COMMA,
    CONJ,
    ELISIONS,
    HARD,
    INTERROGATIVES,
    NEGATIONS,
    OPPOSITES,
    STOP_WORDS,
    fold,
    phrase_tokens,
    stems,
)

INITIALS_MATCH = 0.9  # a word of a key stood for by its initial in capitals ("LT" for "long terme")
SHORT_KEY_TYPO = 0.84  # a typo of a short one-word key, which names it only as a whole part of the reply
KEY_WITH_DETAIL = 3  # content words of a key that, with a detail, also offers its words and the detail's
SHORT_KEY = 7  # letters of a "short" key word, which the general typo rules leave alone
WEAK_MATCH = 0.8  # a similarity good enough for a name, not for a word of a long description
# Words of one phrase that matching reads; a key or a detail says it in fewer (and a hostile 700-character
# item of one word repeated is one word: see _phrase_words).
MAX_PHRASE_WORDS = 40
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
_ORDERED_KINDS = ("term",)
_NO_CREDIT_PHRASE_WORDS = STOP_WORDS - {"qui", "quoi", "ou", "comment", "quand", "pourquoi"}


@dataclass(slots=True)
class _Phrase:
    item: int
    kind: str  # "answer", "alias", "detail", "term" (of a detail), "key+detail"
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
    # A key of two or more words (numbers aside) that a window holds whole names its item even when its words
    # repeat the question ("Acte constitutionnel" for "Quelles lois constitutionnelles..."): how many, or 0.
    whole_key: int = 0
    # A term of a detail said in two or more words ("mangent les autres carnivores") is found in its order:
    # "carnivores qui mangent" says who eats, not who is eaten.
    ordered: bool = False
    # A key of three words or more with a detail also offers its words and the detail's together: a word of
    # the key only this item has beside a word of its detail names it ("signalement à la CAI", "la
    # conscription de 1917"). For such a phrase, which of its words are the key's.
    key_words: tuple[bool, ...] = ()


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
    _initials: dict[str, tuple[tuple[int, int, float], ...]] = field(default_factory=dict)
    slots: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # word -> (phrase, word index)
    question_words: frozenset[str] = frozenset()  # words of "Qui", "Où"-like items
    # The words of one-word keys of 3 to SHORT_KEY letters ("Qui", "Comment").
    short_keys: tuple[str, ...] = ()
    question: str = ""

    def __post_init__(self) -> None:
        for p_index, phrase in enumerate(self.phrases):
            for w_index, word in enumerate(phrase.words):
                self.slots.setdefault(word, []).append((p_index, w_index))
        self.question_words = frozenset(w for p in self.phrases if p.stop_only for w in p.words)
        self._sorted_vocabulary = sorted(self.vocabulary)
        self.short_keys = tuple(
            sorted(
                {
                    p.words[0]
                    for p in self.phrases
                    if p.kind == "answer"
                    and len(p.words) == 1
                    and 3 <= len(p.words[0]) <= SHORT_KEY
                    and p.words[0].isalpha()
                }
            )
        )
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

    def initials_hits(self, norm: str) -> tuple[tuple[int, int, float], ...]:
        """A word typed in capitals that spells the initials of consecutive words of a key or an alias ("LT"
        for "Engagement à long terme", "GM" for "Première Guerre mondiale") stands for those words; the last
        of them, when it is a short acronym itself, may be given whole ("RER" for "Rough ER")."""
        found = self._initials.get(norm)
        if found is None:
            hits: list[tuple[int, int, float]] = []
            for p_index, phrase in enumerate(self.phrases):
                if phrase.kind in ("answer", "alias"):
                    run = _initials_run(phrase.words, norm)
                    if run is not None:
                        hits.extend((p_index, w_index, INITIALS_MATCH) for w_index in run)
            found = tuple(hits)
            if len(self._initials) < 50_000:
                self._initials[norm] = found
        return found

    def similar_words(self, norm: str, stop: bool) -> dict[str, float]:
        """Words of this card's phrases that ``norm`` stands for, with a similarity in (0, 1]."""
        found = self._lookups.get(norm)
        if found is not None:
            return found
        found = {}
        if norm in self.vocabulary:
            found[norm] = 1.0
        for other in INTERROGATIVES.get(norm, ()):
            if other in self.vocabulary:  # "who" for the item "Qui", "où" for "Where"
                found.setdefault(other, 0.95)
        if not stop and len(norm) >= 3 and not norm.isdigit():
            for stem in stems(norm):
                for word in self._stem_index.get(stem, ()):
                    if word not in STOP_WORDS:
                        found.setdefault(word, 0.95)
            if len(norm) >= 4:
                # Truncations both ways: "perso" for "personnel", "technologique" for "techno"; a truncation
                # may take a plural "s" ("coords", "infos").
                for short in (norm, norm[:-1]) if norm[-1] == "s" and len(norm) >= 5 else (norm,):
                    at = bisect.bisect_left(self._sorted_vocabulary, short)
                    while at < len(self._sorted_vocabulary) and self._sorted_vocabulary[at].startswith(short):
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
            if not found and _SKELETON.fullmatch(norm):
                # An abbreviation without vowels is the skeleton of its word: "str" for "string", "mgmt".
                for word in self._content_vocabulary:
                    if len(word) >= 5 and word[0] == norm[0] and _in_order(norm, word):
                        found[word] = 0.85
            if not found and len(norm) >= 6:
                # An elision glued to its word: "dappartenance", "linternaute".
                for elision in ELISIONS:
                    if norm.startswith(elision) and norm[len(elision) :] in self.vocabulary:
                        found[norm[len(elision) :]] = 0.95
                        break
            if not found and self.short_keys and len(norm) <= SHORT_KEY + 1:
                # A typo of a short key of one word ("commnet", "quio" for "Comment", "Qui"), which the typo
                # rules above leave to longer words: it names the key only as a whole part (see the grader).
                for word in self.short_keys:
                    if word[0] == norm[0] and OSA.distance(norm, word, score_cutoff=1) <= 1:
                        found[word] = SHORT_KEY_TYPO
            if "k" in norm and len(norm) >= 4:
                # A phonetic spelling of "qu": "critik" for "critique", "lexik" for "lexique".
                spelled = norm[:-1] + "que" if norm[-1] == "k" else norm
                for word, similarity in self.similar_words(spelled.replace("k", "qu"), stop).items():
                    found[word] = max(found.get(word, 0.0), min(similarity, 0.9))
        if len(self._lookups) < 50_000:
            self._lookups[norm] = found
        return found


def _initials_run(words: Sequence[str], letters: str) -> range | None:
    """The consecutive ``words`` whose initials spell ``letters`` (the last word may be given whole when it
    has at most three letters: "rer" for "rough er"), or None."""
    for first in range(len(words)):
        for index in range(first, min(len(words), first + len(letters))):
            word, at = words[index], index - first
            if word.isdigit():
                break
            if index > first and len(word) <= 3 and letters[at:] == word:
                return range(first, index + 1)
            if word[0] != letters[at]:
                break
            if at + 1 == len(letters):
                return range(first, index + 1) if index > first else None
    return None


_SKELETON = re.compile(r"[b-df-hj-np-tv-xz]{3,5}")  # three to five letters, no vowel


def _in_order(letters: str, word: str) -> bool:
    """``letters`` appear in ``word`` in this order."""
    rest = iter(word)
    return all(letter in rest for letter in letters)


def is_negative_phrase(words: Sequence[str]) -> bool:
    """A phrase that names something not done ("Ne pas se préparer", "Never reuse passwords").

    The negation opens the phrase; one inside a definition ("... without being used up") does not make the
    item a thing to avoid.
    """
    return any(w in NEGATIONS for w in words[:3])


_ACRONYM = re.compile(r"\(([^\W\d_][\w.-]{0,9})\)")  # "Kilobyte (KB)", "... vie privée (EFVP)"
# An arrow joins its two sides into one term: "liquid -> vapour" is a change, "A + BC -> AC + B" an equation,
# neither side alone a name of the item.
_TERM_SPLIT = re.compile(r"[,;()\[\]/=]|\s-+\s|\s(?:or|ou)\s")


def _detail_terms(detail: str) -> list[str]:
    """The short terms a terse detail lists ("PSU, turns wall power into...", "int, whole numbers",
    "water gathers ... (runoff)"): each, given whole, names the item as an alias would."""
    terms: list[str] = []
    if re.search(r"[.!?](?:\s|$)", detail.strip()):
        return terms  # a detail written as sentences explains; it does not list names
    for piece in _TERM_SPLIT.split(detail):
        words = [w for w in phrase_tokens(piece) if w not in _NO_CREDIT_PHRASE_WORDS]
        numbers = [w for w in words if w.isdigit()]
        # A number glued to letters ("2FA", "MP3") is a name; a number on its own is not.
        if numbers and not all(re.search(rf"(?<=[^\W\d_]){n}|{n}(?=[^\W\d_])", piece) for n in numbers):
            continue
        if 1 <= len(words) <= 2 and len(numbers) < len(words) and len(piece.strip()) >= 2:
            terms.append(piece.strip())
    return terms


def _phrase_words(text: str, kind: str = "answer") -> tuple[tuple[str, ...], bool, bool]:
    words = phrase_tokens(text)
    negative = is_negative_phrase(words)
    # A word said twice in a phrase is one word to find (and a hostile item of one word repeated stays small).
    content = tuple(
        dict.fromkeys(w for w in words if w not in _NO_CREDIT_PHRASE_WORDS and w not in NEGATIONS)
    )
    if not content:
        content = tuple(dict.fromkeys(w for w in words if w not in NEGATIONS))
        return content[:MAX_PHRASE_WORDS], True, negative
    if kind in ("answer", "alias") and any(w not in STOP_WORDS for w in content):
        # A question word names a key made of question words ("Qui", "Où et quand"); in a longer key it is
        # a pronoun ("ce qui m'échappe"), and "Qui" alone does not name that key.
        content = tuple(w for w in content if w not in STOP_WORDS)
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
            if len(_phrase_words(item.answer)[0]) >= KEY_WITH_DETAIL:
                raw.append((index, "key+detail", f"{item.answer} {item.detail}"))
    # A term two items' details share names neither.
    term_items: dict[str, set[int]] = {}
    for index, kind, text in raw:
        if kind == "term":
            term_items.setdefault(fold(text), set()).add(index)
    raw = [r for r in raw if r[1] != "term" or len(term_items[fold(r[2])]) == 1]
    prepared = [(index, kind, text, *_phrase_words(text, kind)) for index, kind, text in raw]
    # A term or acronym saying again what another phrase of its item says adds work, not matches.
    seen: set[tuple[int, tuple[str, ...]]] = set()
    unique = []
    for entry in prepared:
        key = (entry[0], entry[3])
        if key in seen and entry[1] in ("term", "alias"):
            continue
        seen.add(key)
        unique.append(entry)
    prepared = unique
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
        if kind in ("detail", "key+detail") or len(words) >= 5 or re.search(r"[,;/]", text):
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
        if kind == "key+detail":
            # its key's word must be the item's own (not the question's); the detail's may repeat the theme
            # ("la conscription de 1917" on a card about the conscription crises)
            counted = (True,) * len(words)
        lettered = sum(not w.isdigit() for w in words)
        whole_key = lettered if kind in ("answer", "alias") and lettered >= 2 and not all(counted) else 0
        own_key = set(_phrase_words(parsed[index].answer)[0]) if kind == "key+detail" else set()
        phrases.append(
            _Phrase(
                index, kind, words, tuple(weights), sum(weights), stop_only, negative, barrier, opposites,
                need_count, need_weight, counted, may_name_alone,
                tuple(w.isdigit() for w in words) if numbered_items >= 2 else (), frozenset(), whole_key,
                kind in _ORDERED_KINDS and len(words) >= 2,
                tuple(w in own_key for w in words) if own_key else (),
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
        # A detail explains the key in its own words and polarity ("Never reuse passwords: a different
        # password for every site" states the good habit): the key's negation spreads to aliases only.
        if answer is not None and answer.negative and phrase.kind == "alias" and not phrase.negative:
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
    if kind == "key+detail":
        return 2, 0.0  # and a word of each side: see the grader
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
