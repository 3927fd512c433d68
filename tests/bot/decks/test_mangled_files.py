"""Mangled teacher files never crash the importer: a deck or a clear DeckError, never another exception.

The files of ``teacher_files/`` are cut, spliced with the characters the importers react to, and given other
extensions, with a fixed seed so a failure replays. Each class of crash it found is kept below as a case.
"""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from bot.decks import DeckError, load_deck_bytes

FOLDER = Path(__file__).resolve().parent / "teacher_files"
TOKENS = [b"\n", b"\t", b"  ", b"- ", b"* ", b"**", b"_", b"## ", b"1. ", b"a) ", b"Q: ", b"A: ", b"?", b":",
          b",", b";", b"|", b'"', b"[", b"{", b"&a ", b"*a", b"!!", b"\xe9", b"\x00", b"\xff\xfe", b"{{c1::",
          b"}}", b"<br>", b"\r", b"o\t", "•\t".encode(), b"#separator:tab\n", b"title: x\n", b"cards:\n",
          b"  - question: ", b"    items: ", b"\x0c", "²".encode()]  # fmt: skip
EXTENSIONS = [".txt", ".csv", ".tsv", ".md", ".yaml"]


def load_or_refuse(data: bytes, name: str) -> None:
    with contextlib.suppress(DeckError):
        load_deck_bytes(data, name)


def _future_zip() -> bytes:
    """A .docx whose directory says it needs a zip version the standard library does not read."""
    data = bytearray((FOLDER / "questions-du-cours.txt").read_bytes())
    directory = data.index(b"PK\x01\x02")
    data[directory + 6 : directory + 8] = b"\xff\x00"
    return bytes(data)


def test_mangled_teacher_files_get_a_deck_or_a_deck_error():
    rng = random.Random(20261201)
    seeds = [path.read_bytes() for path in sorted(FOLDER.iterdir()) if path.name != "expected.yaml"]
    for _ in range(3000):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            where, choice = rng.randint(0, len(data)), rng.random()
            if choice < 0.4:
                data[where:where] = rng.choice(TOKENS)
            elif choice < 0.7:
                del data[where : where + rng.randint(1, 20)]
            else:
                data[where : where + 1] = bytes([rng.randint(0, 255)])
        load_or_refuse(bytes(data), "mangled" + rng.choice(EXTENSIONS))


@pytest.mark.parametrize(
    "data",
    [
        _future_zip(),  # zipfile raised NotImplementedError
        "#separator:tab\n#tags column:²\nQ?\tA\n".encode(),  # "²".isdigit() but int("²") fails
    ],
)
def test_the_crashes_it_found(data: bytes):
    load_or_refuse(data, "found.txt")
