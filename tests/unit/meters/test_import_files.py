"""Import files: CSV and XLSX rows with the line numbers a person sees, cells read as text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from gridvend.errors import InvalidInput
from gridvend.imports.files import FileUnreadable, file_format, read_rows


def test_csv_rows_keep_their_line_numbers_across_blank_and_multi_line_rows() -> None:
    content = '\ufeffSerial, Meter Model ,Remark\n1,A,x\n\n2,B,"two\nlines"\n3,C,\n'.encode()
    source = read_rows("file.csv", content)
    assert source.header == ["serial", "meter_model", "remark"]
    assert source.expected_rows == 5
    assert [(line, row["serial"]) for line, row in source.rows] == [(2, "1"), (4, "2"), (6, "3")]


def test_xlsx_cells_become_text_as_a_csv_would_give_them() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["serial", "sgc", "factory_date", "remark"])
    sheet.append([1234567890, 600123.0, dt.datetime(2024, 5, 1), None])
    sheet.append([None, None, None, None])
    sheet.append(["X-1", "000001", dt.date(2024, 6, 2), " spaced "])
    content = io.BytesIO()
    workbook.save(content)
    source = read_rows("file.xlsx", content.getvalue())
    assert source.expected_rows == 3
    assert list(source.rows) == [
        (2, {"serial": "1234567890", "sgc": "600123", "factory_date": "2024-05-01", "remark": ""}),
        (4, {"serial": "X-1", "sgc": "000001", "factory_date": "2024-06-02", "remark": "spaced"}),
    ]


@pytest.mark.parametrize(("name", "content"), [("a.csv", b""), ("a.csv", b"\xff\xfe\x00"), ("a.xlsx", b"PK nope")])
def test_unreadable_files_are_refused_whole(name: str, content: bytes) -> None:
    with pytest.raises(FileUnreadable):
        list(read_rows(name, content).rows)


def test_only_csv_and_xlsx_are_accepted() -> None:
    assert file_format("Meters.CSV") == "csv"
    with pytest.raises(InvalidInput):
        file_format("meters.xls")
