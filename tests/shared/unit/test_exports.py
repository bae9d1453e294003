"""Spreadsheet exports: every CSV cell quoted and formula-safe, every XLSX text cell a string."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from shared.exports import csv_text, xlsx_bytes

FORMULAS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def test_a_semicolon_and_a_formula_stay_inside_one_quoted_cell():
    text = csv_text(["name", "count"], [["Anna;=1+2", 3]])

    assert text == '"name","count"\r\n"Anna;=1+2","3"\r\n'


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_csv_cell_starting_like_a_formula_is_neutralised(formula):
    (_, row) = list(csv.reader(io.StringIO(csv_text(["cell"], [[formula]]), newline="")))

    assert row == ["'" + formula]


def test_csv_keeps_line_breaks_quotes_and_emoji_inside_their_cell():
    value = 'Ånna "the" 🎉\r\nsecond line, third'
    (_, row) = list(csv.reader(io.StringIO(csv_text(["cell"], [[value, None]]), newline="")))

    assert row == [value, ""]


def test_xlsx_text_cells_are_strings_never_formulas_and_counts_stay_numbers():
    body = xlsx_bytes(["name", "count"], [[f, 1] for f in FORMULAS] + [["Anna;=1+2", 2]], "roster")
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]

    assert rows[0] == [("name", "s"), ("count", "s")]
    texts = [f.replace("\r", "\n") for f in FORMULAS]  # XML reads a CR as LF
    assert [row[0] for row in rows[1:]] == [(t, "s") for t in [*texts, "Anna;=1+2"]]
    assert [row[1] for row in rows[1:]] == [(1, "n")] * len(FORMULAS) + [(2, "n")]


def test_xlsx_drops_characters_a_worksheet_cannot_hold():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["x"], [["bell\x07 nul\x00"]]))).active

    assert sheet["A2"].value == "bell nul"


def test_an_xlsx_whose_rows_fail_leaves_no_writer_behind():
    """A failing row source (no such event) must not leave openpyxl's writer to die in GC."""
    import gc
    import sys

    from shared.exports import xlsx_bytes

    def rows():
        raise LookupError("no such event")
        yield ()

    hits, hook = [], sys.unraisablehook
    sys.unraisablehook = hits.append
    try:
        with pytest.raises(LookupError):
            xlsx_bytes(["name"], rows())
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert hits == []
