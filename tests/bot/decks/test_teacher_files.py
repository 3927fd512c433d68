"""Every realistic teacher file in ``teacher_files/`` imports to what the teacher meant, through the CLI.

``expected.yaml`` beside the files says, for each, the cards and item counts, some questions and answers,
and the warnings (or the errors) the teacher must see. The check runs ``tutorbot deck check --json`` in
process, exactly as a teacher or another tool would, and reads its JSON (whose shape is a contract).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main

FOLDER = Path(__file__).resolve().parent / "teacher_files"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((FOLDER / "expected.yaml").read_text(encoding="utf-8"))


def run_check(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["deck", "check", str(path), "--json"])
    return code, out.getvalue(), err.getvalue()


def test_every_file_in_the_folder_has_its_expectations_and_every_case_is_there():
    files = {path.name for path in FOLDER.iterdir() if path.name != "expected.yaml"}
    assert files == set(EXPECTED)
    cases = " ".join(entry["case"] for entry in EXPECTED.values())
    for case in ("numbered", "Q1)", "imperative", "lettered", "sub-bullets", "Anki", "one answer per column",
                 '"Q:" / "A:"', '"Question :" / "Réponse :"', "UTF-16", "Windows-1252", "Latin-1", "Markdown",
                 '"|"', "newlines", "comma", "YAML", "PNG", "PDF", ".docx", ".xlsx", "zip"):  # fmt: skip
        assert case in cases, case


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_teacher_file_imports_as_meant(name: str):
    expected = EXPECTED[name]
    code, out, err = run_check(FOLDER / name)
    if "error" in expected:
        assert code == 1 and not out
        lines = err.strip().split("\n")
        assert len(lines) == len(expected["error"]), err
        for line, wanted in zip(lines, expected["error"], strict=True):
            assert line.startswith("tutorbot: ") and wanted in line, (wanted, line)
        return
    assert code == 0, err
    deck = json.loads(out)
    assert set(deck) == {"title", "cards", "warnings"}
    assert deck["title"] == expected["title"]
    assert [len(card["items"]) for card in deck["cards"]] == expected["items"]
    questions = [card["question"] for card in deck["cards"]]
    assert questions[: len(expected.get("questions", []))] == expected.get("questions", [])
    for number, answers in expected.get("answers", {}).items():
        assert [item["answer"] for item in deck["cards"][number - 1]["items"]] == answers
    for question in questions:  # nothing of the file's markup is left in what students read
        assert not question.startswith(("#", "Q1", "1.", "- ", "Question :")) and "**" not in question
    assert len(deck["warnings"]) == len(expected["warnings"]), deck["warnings"]
    for warning, wanted in zip(deck["warnings"], expected["warnings"], strict=True):
        assert wanted in warning, (wanted, warning)
