"""Reading a reply the way a teacher does: words without case, accents or markdown, and where the parts split.

A reply is turned into tokens (accent-free, case-folded words with their offsets in the original text, so
feedback can quote the student) and, between consecutive tokens, a *gap* that tells how strongly the two are
separated: nothing, a conjunction ("et", "pis", "and"), a comma-like separator, or a hard break (newline,
bullet, numbering, sentence end). Matching uses the gaps to keep one part of the reply from feeding two items.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import snowballstemmer
from stop_words import get_stop_words

# Gap strengths between two consecutive tokens.
SPACE, CONJ, COMMA, HARD = 0, 1, 2, 3

# Content words the stop-word package lists as stop words, but that are answers in real decks.
_NOT_STOP = {"valeur", "force", "personne", "personnes", "nouveau", "nouveaux", "grande", "debut", "essai",
             "etat", "droite", "haut", "nom", "mot", "parole", "piece", "point", "sujet", "chose", "choses",
             "concernant", "contre", "devant", "derriere", "dessus", "dessous", "bon",
             }  # fmt: skip
# The package's English list is a web-search list that drops real answers ("information", "results"), so the
# English side is the plain function words only.
_ENGLISH_STOP = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "why",
        "do",
        "does",
        "did",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "can",
        "could",
        "should",
        "would",
        "will",
        "just",
        "also",
        "some",
        "any",
        "all",
        "more",
        "most",
        "such",
        "only",
        "own",
        "same",
        "about",
        "into",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "both",
        "each",
        "few",
        "other",
        "s",
        "t",
        "don",
        "isn",
        "aren",
        "doesn",
        "didn",
        "i'm",
        "it's",
    ]
)
_FILLER = {"pense", "crois", "genre", "ben", "bah", "euh", "hmm", "ok", "oui", "voila", "etc", "idee",
           "jsp", "idk", "know", "think", "guess", "like", "well", "yeah", "yes", "lol", "mdr",
           "surtout", "aussi", "aucune", "important", "importants", "importante", "chose", "choses",
           "faut", "falloir", "donc", "alors", "enfin", "bref", "exemple", "ex", "vraiment", "souvent",
           "toujours"}  # fmt: skip
STOP_WORDS = frozenset(
    {unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode().replace("'", "") for w in
     get_stop_words("fr")} - _NOT_STOP | _ENGLISH_STOP | _FILLER
)  # fmt: skip
NEGATIONS = frozenset({"pas", "non", "sauf", "jamais", "ni", "aucun", "aucune", "sans", "excepte", "hormis",
                       "not", "no", "never", "except", "without", "nor", "n", "eviter", "avoid", "isnt",
                       "doesnt", "didnt", "cant", "wont", "arent", "wasnt", "shouldnt"})  # fmt: skip
# "except X and Y", "tous sauf X et Y": the exclusion covers the list that follows, to the sentence end.
EXCLUSIONS = frozenset({"sauf", "except", "excepte", "hormis", "excepted", "besides"})
# "not only X but also Y", "pas juste X, aussi Y": a negation before these asserts X, it rejects nothing.
_NOT_ONLY = frozenset({"only", "just", "juste", "seulement", "que", "uniquement", "simplement", "merely"})
# English contractions split at the apostrophe: "don't" is "don" + "t".
_CONTRACTED = frozenset({"don", "doesn", "didn", "isn", "aren", "wasn", "weren", "can", "couldn", "wouldn",
                         "shouldn", "won", "haven", "hasn", "hadn", "mustn"})  # fmt: skip
_BUT = frozenset({"mais", "but"})
# The question words in the other language: "who, what, where, how" answer a card of "Qui, Quoi, Où, Comment".
_INTERROGATIVE_PAIRS = [("qui", "who"), ("quoi", "what"), ("ou", "where"), ("comment", "how"),
                        ("quand", "when"), ("pourquoi", "why")]  # fmt: skip
INTERROGATIVES: dict[str, tuple[str, ...]] = {
    word: (other,) for pair in _INTERROGATIVE_PAIRS for word, other in (pair, pair[::-1])
}
# "dire non", "vote no": after a verb of saying or voting, "non" is the word said, not a negation.
_SAID = frozenset({"non", "no"})
_SAYING = frozenset({"dire", "dit", "dis", "disent", "disait", "repond", "repondre", "repondent", "repondu",
                     "vote", "voter", "votent", "votes", "say", "says", "said", "saying", "answer",
                     "answers", "answered", "voted", "voting"})  # fmt: skip
# Words that join two list items in speech; with content on both sides they separate parts like a comma.
CONJUNCTIONS = frozenset({"et", "pis", "puis", "ou", "mais", "and", "or", "but"})
# Opposites that turn an item into its contrary: "le bon outil" is not "le mauvais outil".
_OPPOSITE_PAIRS = [("mauvais", "bon"), ("mauvaise", "bonne"), ("mauvais", "bons"), ("bad", "good"),
                   ("wrong", "right"), ("faible", "fort"), ("faibles", "forts"), ("faibles", "eleves"),
                   ("faible", "eleve"), ("petit", "grand"), ("petite", "grande"),
                   ("low", "high")]  # fmt: skip
OPPOSITES: dict[str, frozenset[str]] = {}
for _one, _other in _OPPOSITE_PAIRS:
    OPPOSITES[_one] = OPPOSITES.get(_one, frozenset()) | {_other}
    OPPOSITES[_other] = OPPOSITES.get(_other, frozenset()) | {_one}
# Abbreviations students use in chat, expanded before matching (both in replies and in deck items).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ms": ("medias", "sociaux"), "rs": ("reseaux", "sociaux"), "sm": ("social", "media"),
    "cm": ("community", "manager"), "fb": ("facebook",), "ig": ("instagram",), "yt": ("youtube",),
    "nb": ("nombre",), "nbr": ("nombre",), "nbre": ("nombre",), "stats": ("statistiques",),
    "stat": ("statistiques",), "rt": ("retweets",), "ga": ("google", "analytics"), "comms": ("commentaires",),
    "coms": ("commentaires",), "com": ("commentaires",), "perso": ("personnel",),
    "qqch": ("quelque", "chose"), "bcp": ("beaucoup",), "pcq": ("parce", "que"), "ds": ("dans",),
    "tjrs": ("toujours",), "pr": ("pour",), "ac": ("avec",), "avc": ("avec",), "infos": ("informations",),
    "info": ("information",), "pub": ("publicite",), "pubs": ("publicites",), "ajd": ("aujourd", "hui"),
    "dev": ("developpement",), "mgmt": ("management",), "mngr": ("manager",), "ppl": ("people",),
    "deuxieme": ("second",), "deuxiemes": ("seconds",),
}  # fmt: skip
# Ordinals in figures are the ordinal words ("1re", "2e", "2nd": "Première", "Seconde", "Second"); "deuxième"
# and "second(e)" are one ordinal, read as "second".
_ORDINALS: dict[str, str] = {
    "1er": "premier", "1re": "premiere", "1ere": "premiere", "1st": "first",
    "2e": "second", "2eme": "second", "2nd": "second", "2de": "seconde",
    "3e": "troisieme", "3eme": "troisieme", "3rd": "third",
    "4e": "quatrieme", "4eme": "quatrieme", "4th": "fourth",
}  # fmt: skip
_ORDINAL = re.compile(r"(?<![\w])\d(?:er|re|ere|e|eme|de|st|nd|rd|th)\b", re.I)

_FR_STEMMER = snowballstemmer.stemmer("french")
_EN_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[^\W\d_]+|\d+")
_WORD_SPLIT = re.compile(r"(\w+)")  # coarse and fast; _word_forms splits "Radian6" and drops "_"
# Discord syntax that is not words: mentions, channels, roles, custom emoji, timestamps, links.
_DISCORD_NOISE = re.compile(r"<a?:\w+:\d+>|<[@#][!&]?\d+>|<t:\d+(?::\w)?>|@everyone|@here|https?://\S+")
_SPOILERS_APART = re.compile(r"\|\|[^\S\n]*\|\|")
_MARKDOWN = re.compile(r"\|\||\*\*|__|~~|```|`")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case-folded, accent-free form of one word."""
    word = word.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=65536)
def stems(norm: str) -> frozenset[str]:
    """French and English stems of a folded word: either may meet the other language's form."""
    if len(norm) < 4 or norm.isdigit():
        return frozenset((norm,))
    return frozenset((_FR_STEMMER.stemWord(norm), _EN_STEMMER.stemWord(norm)))


class Token(NamedTuple):
    norm: str
    start: int  # offsets into the original text, for quoting the student back
    end: int
    stop: bool
    joins: bool = False  # a conjunction that may separate two list items


@lru_cache(maxsize=4096)
def _gap_strength(gap: str) -> int:
    if "\n" in gap:
        return HARD
    if not gap.strip():
        return SPACE
    if any(c in gap for c in ";.?!:•·▪◦●"):
        return HARD
    if any(c in gap for c in ",/|&+()[]{}>→⇒") or re.search(r"\s[-–—]\s|^[-–—]\s|\s[-–—]$", gap):
        return COMMA
    return SPACE  # apostrophes, hyphens inside words, emoji, quotes


def tokenize(text: str) -> tuple[list[Token], list[int]]:
    """Tokens of ``text`` and, for each token, the strength of the gap before it (HARD for the first)."""
    if "<" in text or "@" in text or "http" in text:
        text = _DISCORD_NOISE.sub(lambda m: " " * len(m.group()), text)
    if "||" in text:  # spoilers side by side ("||contexte|| ||lexique||") are list entries
        text = _SPOILERS_APART.sub(lambda m: "," + " " * (len(m.group()) - 1), text)
    masked = _MARKDOWN.sub(lambda m: " " * len(m.group()), text)
    # [gap, word, gap, word, ..., gap], split in C; offsets come from the running length of the pieces.
    pieces = _WORD_SPLIT.split(masked)
    offsets = list(accumulate(map(len, pieces), initial=0))
    tokens: list[Token] = []
    gaps: list[int] = []
    pending = HARD
    any_joins = False
    compound = False  # inside a hyphenated compound with a conjunction ("yes-or-no")
    make = tuple.__new__
    for index in range(1, len(pieces), 2):
        raw = pieces[index]
        strength = _gap_strength(pieces[index - 1]) if tokens else HARD
        if pending > strength:
            strength = pending
        pending = SPACE
        after = pieces[index + 1]
        if (
            len(raw) <= 2
            and after[:1] in (".", ")")
            and _is_numbering(raw, after[:2], first=not tokens or strength >= COMMA)
        ):
            pending = HARD
            continue
        start, end = offsets[index], offsets[index + 1]
        forms = _word_forms(raw)
        if not forms:
            pending = max(pending, strength)  # "___": no word, the separator before it still counts
            continue
        word, stop, joins = forms[0]
        # "yes-or-no", "tout-ou-rien": a hyphenated compound with a conjunction inside is one word (it joins
        # no list, and its "no" negates nothing): its conjunction, then the rest, join the word before.
        compound = (compound and pieces[index - 1] == "-") or bool(
            joins and tokens and pieces[index - 1] == after == "-" and index + 2 < len(pieces)
        )
        if compound:
            tokens[-1] = make(Token, (tokens[-1][0] + word, tokens[-1][1], end, False, False))
            continue
        tokens.append(make(Token, (word, start, end, stop, joins)))  # tuple.__new__: 3x a NamedTuple call
        gaps.append(strength)
        any_joins = any_joins or joins
        if len(forms) > 1:
            for word, stop, joins in forms[1:]:
                tokens.append(make(Token, (word, start, end, stop, joins)))
                gaps.append(SPACE)
    if any_joins:
        return _soften_conjunctions(tokens, gaps)
    return tokens, gaps


@lru_cache(maxsize=65536)
def _word_forms(raw: str) -> tuple[tuple[str, bool, bool], ...]:
    """(folded word, is a stop word, may join list items) for each word ``raw`` stands for."""
    if not (raw.isalpha() or raw.isdigit()):
        ordinal = _ORDINALS.get(fold(raw)) if len(raw) <= 4 and raw[0].isdigit() else None
        if ordinal is not None:
            return ((ordinal, False, False),)
        return tuple(form for piece in _WORD.findall(raw) for form in _word_forms(piece))
    norm = fold(raw)
    if norm == "ou" and raw.lower() == "où":
        return (("ou", True, False),)  # the question word Où, never the conjunction "ou"
    words = ABBREVIATIONS.get(norm) or (norm,)
    return tuple((word, word in STOP_WORDS, word in CONJUNCTIONS) for word in words)


def _is_numbering(raw: str, after: str, *, first: bool) -> bool:
    """List numbering: "1." / "2)" anywhere ("1. veille 2. identification"), "a." / "b)" at a part's start."""
    if after[:1] not in (".", ")") or after[1:2].isalnum():
        return False
    if raw.isdigit():
        return len(raw) <= 2
    return len(raw) == 1 and raw.islower() and (first or after[:1] == ")")


def _soften_conjunctions(tokens: list[Token], gaps: list[int]) -> tuple[list[Token], list[int]]:
    """Turn "A et B" into a separator between A and B, but keep a lone "ou?" (the question word Où)."""
    kept_tokens: list[Token] = []
    kept_gaps: list[int] = []
    carry = SPACE
    last = len(tokens) - 1
    for index, (token, gap) in enumerate(zip(tokens, gaps, strict=True)):
        if token.joins and kept_tokens and index < last and gap < COMMA and gaps[index + 1] < COMMA:
            carry = CONJ
            continue
        kept_tokens.append(token)
        kept_gaps.append(max(gap, carry))
        carry = SPACE
    return kept_tokens, kept_gaps


def scope_negations(tokens: list[Token], gaps: list[int]) -> tuple[list[Token], list[bool]]:
    """Tokens with negations read in their scope, and for each token whether an exclusion covers it.

    "don't" becomes a negation ("not"); the negation of "not only", "pas juste", "pas seulement" is dropped
    (it asserts what follows); "sauf", "except" exclude everything after them up to the end of the sentence
    or a "mais"/"but" ("tous sauf l'infiltration et le ruissellement" names neither).
    """
    if not tokens:
        return tokens, []
    out = list(tokens)
    for index, token in enumerate(out):
        if token.norm == "t" and index and out[index - 1].norm in _CONTRACTED and gaps[index] == SPACE:
            out[index] = token._replace(norm="not", stop=True)
    last = len(out) - 1
    for index, token in enumerate(out):
        if token.norm not in NEGATIONS:
            continue
        not_only = index < last and out[index + 1].norm in _NOT_ONLY and gaps[index + 1] < COMMA
        said = token.norm in _SAID and index and out[index - 1].norm in _SAYING and gaps[index] < COMMA
        if not_only or said:
            out[index] = token._replace(norm=f"~{token.norm}", stop=True)
    excluded = [False] * len(out)
    active = False
    for index, token in enumerate(out):
        if gaps[index] >= HARD or token.norm in _BUT:
            active = False
        excluded[index] = active
        if token.norm in EXCLUSIONS:
            active = True
    return out, excluded


ELISIONS = ("qu", "d", "l", "j", "n", "s", "m", "t", "c")


# "yes-or-no", "tout-ou-rien": a hyphenated run with a conjunction inside.
_CONJUNCTION_COMPOUND = re.compile(
    r"\w+(?:-\w+)*-(?:" + "|".join(sorted(CONJUNCTIONS)) + r")-\w+(?:-\w+)*", re.IGNORECASE
)


def phrase_tokens(text: str) -> list[str]:
    """The folded words of a deck phrase, abbreviations expanded (no gaps: a phrase is one part)."""
    words: list[str] = []
    if "-" in text:  # "yes-or-no" is one word, as tokenize() reads it in a reply
        text = _CONJUNCTION_COMPOUND.sub(lambda m: m.group().replace("-", ""), text)
    text = _MARKDOWN.sub(" ", text)
    if any(c.isdigit() for c in text):
        text = _ORDINAL.sub(lambda m: _ORDINALS.get(fold(m.group()), m.group()), text)
    for match in _WORD.finditer(text):
        norm = fold(match.group())
        words.extend(ABBREVIATIONS.get(norm, (norm,)))
    return words
