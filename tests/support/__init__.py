"""Doubles shared by the whole suite, and only those: one clock, waiting for state, decks and markup.

Importable as ``support`` (``tests/`` is on ``sys.path`` under pytest, like ``fakediscord``).
"""

from .clock import Clock
from .decks import card, deck
from .markup import MARK, Mark
from .waiting import until

__all__ = ["MARK", "Clock", "Mark", "card", "deck", "until"]
