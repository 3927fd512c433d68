"""Grading free-text replies against a card's expected items: ``grade_reply(expected, reply)``.

Words first (:mod:`bot.grading.grader`), then meaning for what words left unmatched
(:mod:`bot.grading.meaning`, with the offline model of :mod:`bot.grading.semantic`).
"""

from .grader import (
    MAX_REPLY_CHARS,
    TIME_BUDGET,
    Credit,
    Grade,
    GradeRequest,
    PreparedCard,
    grade_lexical,
    grade_reply,
    prepare_card,
)
from .meaning import deck_texts, grade_many, prepare_deck
from .semantic import (
    SemanticStatus,
    embeddings_blob,
    restore_embeddings,
    semantic_status,
    set_semantic,
    warm_up,
)

__all__ = [
    "MAX_REPLY_CHARS",
    "TIME_BUDGET",
    "Credit",
    "Grade",
    "GradeRequest",
    "PreparedCard",
    "SemanticStatus",
    "deck_texts",
    "embeddings_blob",
    "grade_lexical",
    "grade_many",
    "grade_reply",
    "prepare_card",
    "prepare_deck",
    "restore_embeddings",
    "semantic_status",
    "set_semantic",
    "warm_up",
]
