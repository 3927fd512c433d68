"""Turning raw deck bytes into text safely: size limit, binary detection, encoding.

Every format goes through here first, so an empty, binary or huge upload gets the same clear error, whether
it comes from the command line or from ``/deck import`` (which shows it translated).
"""

from __future__ import annotations

from .model import DeckError

MAX_DECK_BYTES = 1_000_000  # a deck of a whole course is ~10 kB; a megabyte is a wrong file, not a deck


def decode_deck_bytes(data: bytes, *, path: str) -> str:
    if len(data) > MAX_DECK_BYTES:
        raise DeckError(
            "decks.source.too_large", path=path, size=len(data) / 1_000_000, limit=MAX_DECK_BYTES // 1000
        )
    if b"\x00" in data:
        raise DeckError("decks.source.binary", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError("decks.source.not_utf8", path=path, line=line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DeckError("decks.source.empty", path=path)
    bad = [c for c in text if ord(c) < 32 and c not in "\n\t"]
    if len(bad) > 10:
        raise DeckError("decks.source.control_characters", path=path)
    return text
