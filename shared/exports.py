"""Spreadsheet exports, CSV and XLSX, in which no cell can become a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR runs as a formula when a spreadsheet
opens a CSV (CSV injection), so such text gets a leading apostrophe, and every cell is quoted
so that a ``;`` or ``,`` inside it can never split it where a spreadsheet guesses a separator.
XLSX cells are typed strings, which spreadsheets never evaluate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = frozenset({"=", "+", "-", "@", "\t", "\r"})
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

Row = Sequence[Any]


def safe_row(row: Row) -> list[Any]:
    """A row's cells with spreadsheet formulas neutralised (CSV injection); None is empty.

    Only text can hold a formula: other values (numbers, dates) go to the CSV writer as they
    are, which writes them as ``str`` would, without a Python call per cell.
    """
    return [
        ""
        if cell is None
        else ("'" + cell if cell[:1] in FORMULA_PREFIXES else cell)
        if isinstance(cell, str)
        else cell
        for cell in row
    ]


def csv_chunks(header: Row, rows: Iterable[Row], batch: int = 500) -> Iterator[str]:
    """Header and rows as CSV text, ``batch`` rows a chunk, so a streamed export of any length
    holds one batch in memory: every cell quoted and formula-safe, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    for n, row in enumerate(rows, start=1):
        writer.writerow(safe_row(row))
        if n % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    """Header and rows as one CSV text (see ``csv_chunks``)."""
    return "".join(csv_chunks(header, rows))


def xlsx_bytes(header: Row, rows: Iterable[Row], title: str = "Export") -> bytes:
    """Header and rows as a one-sheet XLSX workbook whose text cells are all typed strings."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    try:
        sheet.append([_xlsx_cell(sheet, value) for value in header])
        for row in rows:  # write-only: rows may come straight from a database cursor
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    except BaseException:
        sheet.close()  # the row source failed (e.g. no such event): finish the sheet's writer now
        raise
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Any) -> WriteOnlyCell:
    """Counts stay numbers; anything else is a string cell, never a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    return cell


def download(header: Row, rows: Iterable[Row], filename: str, fmt: str) -> Response:
    """An attachment in fmt ("csv" or "xlsx"); filename has no extension."""
    if fmt == "xlsx":
        body: str | bytes = xlsx_bytes(header, rows, filename)
        mimetype = XLSX_TYPE
    else:
        body, mimetype = csv_text(header, rows), CSV_TYPE
    disposition = f'attachment; filename="{filename}.{fmt}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
