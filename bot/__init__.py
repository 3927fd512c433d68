"""Discord tutor bot: the Discord-free core (decks, grading, scoring, scheduling, store) and the runner."""

__version__ = "0.1.0"
