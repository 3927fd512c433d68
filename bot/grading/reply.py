"""A reply read for grading: its tokens, its parts and the scope of its negations, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate

from .text import COMMA, CONJ, HARD, NEGATIONS, Token, scope_negations, tokenize

_NEGATION_OR_T = NEGATIONS | {"t"}  # "t": the end of "don't", read by text.scope_negations


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
        norms = [t.norm for t in tokens]
        if not _NEGATION_OR_T.isdisjoint(norms):  # most replies have none
            tokens, excluded = scope_negations(tokens, gaps)
            norms = [t.norm for t in tokens]
            if not any(excluded):
                excluded = []
        # One pass over the gaps: the tokens after a separator of each strength, and the part of each token.
        conj: list[int] = []
        comma: list[int] = []
        hard: list[int] = []
        atom_of: list[int] = []
        atom = -1
        for index, gap in enumerate(gaps):
            if gap >= CONJ:  # every part starts after a separator (the first token has a HARD gap)
                atom += 1
                conj.append(index)
                if gap >= COMMA:
                    comma.append(index)
                    if gap >= HARD:
                        hard.append(index)
            atom_of.append(atom)
        ends = [start - 1 for start in conj[1:]] + [len(tokens) - 1] if conj else []
        spans = list(zip(conj, ends, strict=True))
        content_before = list(accumulate((not token.stop for token in tokens), initial=0))
        has_negation = bool(excluded) or not NEGATIONS.isdisjoint(norms)
        breaks = {CONJ: conj, COMMA: comma, HARD: hard}
        return cls(text, tokens, gaps, atom_of, spans, breaks, content_before, has_negation, excluded)

    def quote(self, start: int, end: int) -> str:
        return self.text[self.tokens[start].start : self.tokens[end].end]
