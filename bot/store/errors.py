"""Errors the store raises: each message says what went wrong and what to do about it."""

from __future__ import annotations

from bot.errors import Outage

#: What can be wrong with the database while the bot runs (``StoreUnavailable.reason``).
#: ``server_read_only``: a PostgreSQL server that accepts only reads (a standby, read-only transactions).
REASONS = ("unavailable", "read_only", "disk_full", "file_gone", "locked", "io_error", "server_read_only")


class StoreError(Exception):
    """A problem with the database the bot cannot work around; the message is meant for the operator."""


class StoreUnavailable(StoreError, Outage):
    """The database cannot record anything right now (its server is down, restarting or unreachable; the
    file is read-only, its disk full, it was deleted or replaced; the server accepts only reads); nothing was
    recorded.

    Callers tell the member to try again; the store recovers by itself once the cause is gone (a deleted or
    replaced file excepted: the bot never writes to a new empty file under a running bot). ``reason`` is one
    of ``REASONS``."""

    def __init__(self, message: str, reason: str = "unavailable") -> None:
        super().__init__(message)
        self.reason = reason


class DatabaseLocked(StoreUnavailable):
    """Another process holds the database longer than the busy timeout."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "locked")


class UnknownRecord(StoreError, LookupError):
    """A guild, deck, card or post id that is not in the database."""


class DeckInUse(StoreError):
    """A deck that cannot be removed because a guild uses it as its active deck."""


class PostClosed(StoreError):
    """An answer to a daily post that is not posted yet or whose answer window has closed."""


class InvalidValue(StoreError, ValueError):
    """A value the store refuses to save (bad time, unknown timezone, naive datetime, ...)."""


class CardChanged(StoreError):
    """A card edit refused because someone else saved the card since the editor read it; nothing changed."""
