"""/tutor export opens safely in a spreadsheet: no cell is read as a formula."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from store_support import GUILD, MONDAY, MakePost

from bot.store import Store
from bot.store.exports import SpreadsheetSafeWriter, spreadsheet_safe


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Alice", "Alice"),
        ("a=b", "a=b"),  # only a leading sign starts a formula
        ("-5", "-5"),  # plain numbers stay numbers
        ("-0.250", "-0.250"),
        (12, "12"),
        (None, ""),
    ],
)
def test_a_cell_that_would_start_a_formula_is_neutralised(cell: object, shown: str) -> None:
    assert spreadsheet_safe(cell) == shown


def test_the_writer_neutralises_every_cell_and_csv_still_reads_back() -> None:
    out = io.StringIO()
    writer = SpreadsheetSafeWriter(out)
    writer.writerow(["name", "points"])
    writer.writerow(["=1+1", -3])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["name", "points"], ["'=1+1", "-3"]]


async def test_the_export_has_no_formula_cell(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    await store.record_answer(post.id, 7, "=cmd|' /C calc'!A0", [0], 1.0, MONDAY + timedelta(minutes=1))
    text = await store.export_scores_csv(GUILD)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    for row in rows:
        for cell in row:
            assert cell == spreadsheet_safe(cell), cell  # nothing left that a spreadsheet would run
