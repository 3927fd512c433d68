"""Doubles shared by the whole suite, and only those: one clock, waiting for state, decks and markup.

Importable as ``tests.support``, like the fake (``tests.fakediscord``).
"""

from .clock import Clock
from .decks import card, deck
from .markup import MARK, Mark
from .waiting import until

__all__ = ["MARK", "Clock", "Mark", "card", "deck", "until"]
