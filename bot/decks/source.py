"""Turning raw deck bytes into text safely: size limit, binary files named, encodings detected, hostile text.

Every format goes through here first, so an empty, binary, huge or hostile upload gets the same clear error,
whether it comes from the command line or from ``/deck import`` (which shows it translated). All of it is
linear in the size of the file and runs before any importer looks at the text.

Encodings: UTF-8 with or without BOM (no warning), UTF-16 and UTF-32 with BOM, UTF-16 without BOM (Excel's
"Unicode Text" written by some tools), and legacy 8-bit files detected by charset-normalizer among the
encodings French and English teachers' computers write (Windows-1252, Latin-1, Latin-9, Mac Roman, DOS 850);
the warning names the encoding so a teacher can check accents came through.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from .limits import MAX_DECK_BYTES, MAX_LINE_CHARS
from .model import DeckError, DeckWarning

__all__ = ["MAX_DECK_BYTES", "DecodedText", "decode_deck_bytes", "read_deck_text"]

# What a file starts with, when it is not text: the kind's message says what to export instead.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "decks.source.image"),
    (b"\xff\xd8\xff", "decks.source.image"),
    (b"GIF87a", "decks.source.image"),
    (b"GIF89a", "decks.source.image"),
    (b"BM", "decks.source.image"),  # checked further below: "BM" alone starts words too
    (b"II*\x00", "decks.source.image"),
    (b"MM\x00*", "decks.source.image"),
    (b"%PDF", "decks.source.pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "decks.source.old_office"),
    (b"{\\rtf", "decks.source.rtf"),
    (b"SQLite format 3\x00", "decks.source.anki_package"),
    (b"\x1f\x8b", "decks.source.archive"),
    (b"7z\xbc\xaf\x27\x1c", "decks.source.archive"),
    (b"Rar!", "decks.source.archive"),
    (b"MZ", "decks.source.program"),
    (b"\x7fELF", "decks.source.program"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Inside a zip: which program wrote it, by the names of its members.
_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("word/", "decks.source.word"),
    ("xl/", "decks.source.excel"),
    ("ppt/", "decks.source.powerpoint"),
    ("collection.anki", "decks.source.anki_package"),
)
_OPENDOCUMENT = re.compile(rb"mimetype\s*application/vnd\.oasis\.opendocument\.(\w+)")

# Legacy encodings a French or English teacher's computer writes, the most likely first. Letting
# charset-normalizer choose among every code page calls short French notes "cp1250" or "Hungarian".
_LEGACY = ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"]
_ENCODING_NAMES = {
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16 (little-endian, no BOM)",
    "utf_16_be": "UTF-16 (big-endian, no BOM)",
    "utf_32": "UTF-32",
    "cp1252": "Windows-1252 (Latin-1)",
    "latin_1": "Latin-1 (ISO-8859-1)",
    "iso8859_15": "Latin-9 (ISO-8859-15)",
    "mac_roman": "Mac OS Roman",
    "cp850": "DOS (code page 850)",
}

# Invisible characters Word and web pages leave in text: removed without a word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Characters that reorder the text on screen (a question that displays as something else): removed, with a
# warning, as they are never part of course notes.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters other than tab and newline. Vertical tab and form feed are line and page breaks in
# Word and PowerPoint exports, read as newlines.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str  # the codec that decoded it, e.g. "utf-8", "utf_16", "cp1252"
    warnings: tuple[DeckWarning, ...] = ()


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()[:200]  # only the central directory is read: nothing is unpacked
    except Exception:  # a damaged archive (zipfile raises several kinds): it is still a zip
        names = []
    for prefix, kind in _ZIP_KINDS:
        # The names also stand in each member's local header, readable when the directory is damaged.
        if any(name.startswith(prefix) for name in names) or prefix.encode() in data[:100_000]:
            return kind
    document = _OPENDOCUMENT.search(data[:200])
    if document:
        return (
            "decks.source.spreadsheet_odf" if document[1] == b"spreadsheet" else "decks.source.opendocument"
        )
    return "decks.source.zip"


def _binary_kind(data: bytes) -> str | None:
    """The kind of a binary file, by what it starts with; None for a file that may be text."""
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if magic == b"BM" and (len(data) < 14 or b"\x00" not in data[:14]):
                continue
            if magic == b"MZ" and b"\x00" not in data[:64]:
                continue
            return kind
    if data[4:8] == b"ftyp":  # HEIC photos from a phone, MP4 videos
        return "decks.source.image"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "decks.source.image"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf_16_le``/``utf_16_be`` when the bytes look like mostly-ASCII UTF-16 written without a BOM."""
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf_16_le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf_16_be"
    return None


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf_32"),
        (codecs.BOM_UTF32_BE, "utf_32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf_16"),
        (codecs.BOM_UTF16_BE, "utf_16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                line = _line_of_byte(data, exc.start, codec)
                name = _ENCODING_NAMES.get(codec, "UTF-8")
                raise DeckError("decks.source.bad_unicode", path=path, line=line, encoding=name) from None
    key = _binary_kind(data)
    if key:
        raise DeckError(key, path=path)
    wide = _utf16_without_bom(data)
    if wide:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise DeckError("decks.source.binary", path=path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    match = from_bytes(data, cp_isolation=_LEGACY).best() or from_bytes(data).best()
    if match is None:
        raise DeckError("decks.source.not_utf8", path=path, line=data[:first_bad].count(b"\n") + 1)
    return str(match), match.encoding


def _line_of_byte(data: bytes, offset: int, codec: str) -> int:
    """The line of the first byte that does not decode: the text before it, decoded, counts the lines."""
    return data[:offset].decode(codec, errors="ignore").count("\n") + 1


def read_deck_text(data: bytes, *, path: str) -> DecodedText:
    """The text of a deck file, with a warning naming a legacy encoding, or a :class:`DeckError`."""
    if len(data) > MAX_DECK_BYTES:
        raise DeckError(
            "decks.source.too_large", path=path, size=len(data) / 1_000_000, limit=MAX_DECK_BYTES // 1000
        )
    if not data.strip():
        raise DeckError("decks.source.empty", path=path)
    text, codec = _decode(data, path)
    warnings: list[DeckWarning] = []
    if codec not in ("utf-8", "utf-8-sig"):
        warnings.append(
            DeckWarning("decks.source.encoding", None, encoding=_ENCODING_NAMES.get(codec, codec))
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    text = text.translate(_INVISIBLE)
    if not text.strip():
        raise DeckError("decks.source.empty", path=path)
    first = _CONTROL.search(text)
    if first:
        count = len(_CONTROL.findall(text))
        line = text[: first.start()].count("\n") + 1
        # A stray one or two (a pasted page break) are removed; many mean the file is not text at all.
        if count > 10:
            raise DeckError("decks.source.control_characters", path=path, count=count)
        text = _CONTROL.sub("", text)
        warnings.append(DeckWarning("decks.source.control_removed", line, count=count))
    bidi = _BIDI.search(text)
    if bidi:
        warnings.append(DeckWarning("decks.source.bidi_removed", text[: bidi.start()].count("\n") + 1))
        text = _BIDI.sub("", text)
    _check_line_lengths(text, path)
    return DecodedText(text, codec, tuple(warnings))


def _check_line_lengths(text: str, path: str) -> None:
    """Refuse a line no deck has (a 100,000-character item) before any importer's pattern reads it."""
    if len(text) <= MAX_LINE_CHARS:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise DeckError(
                "decks.limits.line_too_long", path=path, line=number, length=len(line), limit=MAX_LINE_CHARS
            )


def decode_deck_bytes(data: bytes, *, path: str) -> str:
    """The text only (kept for callers that do not show warnings)."""
    return read_deck_text(data, path=path).text
