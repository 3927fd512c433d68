"""Grading free-text replies against a card's expected items: ``grade_reply(expected, reply)``."""

from .grader import MAX_REPLY_CHARS, Credit, Grade, PreparedCard, grade_reply, prepare_card

__all__ = ["MAX_REPLY_CHARS", "Credit", "Grade", "PreparedCard", "grade_reply", "prepare_card"]
