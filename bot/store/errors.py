"""Errors the store raises: each message says what went wrong and what to do about it."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database the bot cannot work around; the message is meant for the operator."""


class DatabaseLocked(StoreError):
    """Another process holds the database longer than the busy timeout."""


class UnknownRecord(StoreError, LookupError):
    """A guild, deck, card or post id that is not in the database."""


class DeckInUse(StoreError):
    """A deck that cannot be removed because a guild uses it as its active deck."""


class PostClosed(StoreError):
    """An answer to a daily post that is not posted yet or whose answer window has closed."""


class InvalidValue(StoreError, ValueError):
    """A value the store refuses to save (bad time, unknown timezone, naive datetime, ...)."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached right now (down, restarting, network); nothing was recorded.

    Callers tell the member to try again; the store reconnects by itself once the server is back."""


class CardChanged(StoreError):
    """A card edit refused because someone else saved the card since the editor read it; nothing changed."""
