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
