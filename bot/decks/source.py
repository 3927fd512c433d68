"""Turning raw deck bytes into text safely: size limit, binary detection, encoding.

Every format goes through here first, so an empty, binary or huge upload gets the same clear error.
"""

from __future__ import annotations

from .model import DeckError

MAX_DECK_BYTES = 1_000_000  # a deck of a whole course is ~10 kB; a megabyte is a wrong file, not a deck


def decode_deck_bytes(data: bytes, *, path: str) -> str:
    if len(data) > MAX_DECK_BYTES:
        raise DeckError(
            f"the file is {len(data) / 1_000_000:.1f} MB; a deck may be at most {MAX_DECK_BYTES // 1000} kB",
            path=path,
            hint="split the course into several decks",
        )
    if b"\x00" in data:
        raise DeckError(
            "this is a binary file, not a text deck",
            path=path,
            hint="export the notes as plain text (.txt), CSV or YAML",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError(
            "the file is not UTF-8 text",
            path=path,
            line=line,
            hint="save it again as UTF-8 (most editors offer it in 'Save as')",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DeckError("the file is empty", path=path, hint="write a question, then its answers below it")
    bad = [c for c in text if ord(c) < 32 and c not in "\n\t"]
    if len(bad) > 10:
        raise DeckError("the file is full of control characters; it is not a text deck", path=path)
    return text
