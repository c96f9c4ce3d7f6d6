"""Reading an uploaded file (CSV or XLSX) as rows of text keyed by normalised column names, each with the
line number a person sees in a spreadsheet or editor (the header is line 1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gridvend.errors import InvalidInput

SUPPORTED_SUFFIXES = (".csv", ".xlsx")
Row = dict[str, str]


def file_format(file_name: str) -> str:
    lowered = file_name.lower()
    for suffix in SUPPORTED_SUFFIXES:
        if lowered.endswith(suffix):
            return suffix.removeprefix(".")
    raise InvalidInput.for_field("file_name", "a .csv or .xlsx file")


def column_name(raw: Any) -> str:
    return "_".join(str(raw or "").strip().lower().replace("-", " ").split())


class FileUnreadable(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, no header): no row can be imported."""


@dataclass(frozen=True)
class RowSource:
    header: list[str]
    rows: Iterator[tuple[int, Row]]  # data rows (blank ones skipped) with their line numbers
    expected_rows: int  # an estimate before reading (line count), for progress


def read_rows(file_name: str, content: bytes) -> RowSource:
    if file_format(file_name) == "csv":
        return _csv_rows(content)
    return _xlsx_rows(content)


def _csv_rows(content: bytes) -> RowSource:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable("the CSV file is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column_name(cell) for cell in next(reader)]
    except StopIteration:
        raise FileUnreadable("the file is empty; line 1 must name the columns") from None
    except csv.Error as error:
        raise FileUnreadable(f"line 1: {error}") from None

    def rows() -> Iterator[tuple[int, Row]]:
        line = reader.line_num
        try:
            for cells in reader:
                start, line = line + 1, reader.line_num
                if any(cell.strip() for cell in cells):
                    yield start, _row(header, cells)
        except csv.Error as error:
            raise FileUnreadable(f"line {line + 1}: {error}") from None

    return RowSource(header, rows(), max(0, text.count("\n") - 1))


def _xlsx_rows(content: bytes) -> RowSource:
    try:
        from openpyxl import load_workbook  # loaded for the first spreadsheet, not at every cold start

        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileUnreadable("not a readable .xlsx workbook") from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [column_name(cell) for cell in next(values)]
    except StopIteration:
        raise FileUnreadable("the sheet is empty; line 1 must name the columns") from None

    def rows() -> Iterator[tuple[int, Row]]:
        for line, cells in enumerate(values, start=2):
            texts = [_cell_text(cell) for cell in cells]
            if any(texts):
                yield line, _row(header, texts)
        workbook.close()

    return RowSource(header, rows(), max(0, (sheet.max_row or 1) - 1))


def _row(header: list[str], cells: list[str]) -> Row:
    return {name: cells[position].strip() for position, name in enumerate(header) if name and position < len(cells)}


def _cell_text(cell: Any) -> str:
    """Spreadsheets hold numbers and dates; rows are read as text, as a CSV would give them."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()
