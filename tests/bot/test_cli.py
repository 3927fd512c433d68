"""The command line as a teacher and a student use it: deck check/convert, terminal practice, bad input."""

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

DATA = Path(__file__).resolve().parents[2] / "data" / "decks"
RAW = DATA / "cours-2-flashcards.txt"


def run_cli(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_deck_check_json_has_the_stable_shape(capsys):
    assert main(["deck", "check", str(RAW), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"title", "cards", "warnings"}
    assert data["title"] == "Cours 2 Flashcards"
    assert len(data["cards"]) == 13
    first_item = data["cards"][0]["items"][0]
    assert set(first_item) == {"answer", "detail", "aliases"}
    assert [len(c["items"]) for c in data["cards"]][2] == 10
    assert all(isinstance(w, str) for w in data["warnings"]) and data["warnings"]


def test_deck_check_prints_cards_counts_and_warnings(capsys):
    assert main(["deck", "check", str(RAW)]) == 0
    out = capsys.readouterr().out
    assert "13 cards" in out
    assert "[10 items]" in out
    assert re.search(r"\n\d+ warnings:\n", out) and "cours-2-flashcards.txt:79" in out
    assert "(s)" not in out


def test_deck_convert_writes_reviewable_yaml_that_loads_back(tmp_path, capsys):
    out = tmp_path / "cours.yaml"
    assert main(["deck", "convert", str(RAW), "-o", str(out)]) == 0
    assert main(["deck", "check", str(out), "--json"]) == 0
    capsys.readouterr()
    assert main(["deck", "convert", str(RAW), "-o", str(out)]) == 1  # never overwrites silently
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01binary", "binary"), (b"title: T\ncards: 3\n", ":2:")],
)
def test_bad_deck_is_one_clear_line_without_traceback(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = run_cli("deck", "check", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_practice_in_the_terminal_records_attempts_and_summarises(tmp_path):
    db = tmp_path / "practice.db"
    deck = tmp_path / "forces.yaml"
    deck.write_text(
        "title: Forces\ncards:\n"
        "  - question: Les 4 forces?\n    items: [Connexion, Preuve, Cohérence, Historique]\n"
        "  - question: Les outils?\n    items: [Google Analytics, Radian 6]\n",
        encoding="utf-8",
    )
    answers = "connexion\npreuve, cohérence\n\n"
    result = run_cli(
        "practice", "--deck", str(deck), "--count", "2", "--db", str(db), "--lang", "en", stdin=answers
    )
    assert result.returncode == 0, result.stderr
    assert "Question 1/2" in result.stdout
    assert "Score: 3/4 (75%)" in result.stdout
    assert "✗ Historique" in result.stdout
    assert "Session over: 1 question," in result.stdout  # input ended during question 2: clean summary
    # As in Discord: the weakest cards, and when spaced repetition asks this deck again.
    summary = result.stdout[result.stdout.index("Session over") :]
    assert "To review first:\n  • Les 4 forces? — 75%" in summary
    assert re.search(r"Next review of this deck: \d{4}-\d\d-\d\d \d\d:\d\d\.", summary)
    assert "Traceback" not in result.stderr
    # Hours later, those cards are overdue: the next session says so, not a time already past.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reviews SET due = due - 86400")
    later = run_cli("practice", "--deck", str(deck), "--db", str(db), "--lang", "en", stdin="")
    assert "Cards of this deck are due for review now" in later.stdout
    assert "Next review of this deck" not in later.stdout

    import asyncio

    from bot.store import Store

    async def attempts() -> tuple[int, int]:
        async with Store.open(db) as store:
            return await store.practice_totals(None, 0)

    points, count = asyncio.run(attempts())
    assert points > 0
    assert count == 1


def test_practice_in_the_terminal_says_when_nothing_was_found(tmp_path):
    deck = tmp_path / "forces.yaml"
    deck.write_text(
        "title: Forces\ncards:\n  - question: Les 4 forces?\n    items: [Connexion, Preuve]\n",
        encoding="utf-8",
    )
    result = run_cli(
        "practice",
        "--deck",
        str(deck),
        "--db",
        str(tmp_path / "p.db"),
        "--lang",
        "en",
        stdin="aucune idée 😅\n\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Nothing found this time." in result.stdout and "Found (0)" not in result.stdout
    assert "Score: 0/2 (0%)" in result.stdout


def test_practice_on_a_missing_deck(tmp_path):
    result = run_cli("practice", "--deck", str(tmp_path / "nope.yaml"), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1 and "no such file" in result.stderr and "Traceback" not in result.stderr


def test_count_must_be_positive(capsys):
    assert main(["practice", "--count", "0"]) == 2
    assert "--count" in capsys.readouterr().err
