"""A report table as a file: CSV (UTF-8 with a header row), XLSX (openpyxl; numbers as numbers) or PDF
(reportlab; landscape A4 table, repeated header)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from gridvend.reports.table import ReportTable

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _lines(table: ReportTable) -> list[list[Any]]:
    keys = [c.key for c in table.columns]
    lines = [[row.get(key, "") for key in keys] for row in table.rows]
    if table.totals:
        first = "Total"
        lines.append([table.totals.get(key, first if position == 0 else "") for position, key in enumerate(keys)])
    return lines


def as_csv(table: ReportTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.title for c in table.columns])
    writer.writerows(_lines(table))
    return buffer.getvalue().encode("utf-8")


def _cell_value(kind: str, value: Any) -> Any:
    if kind in ("money", "energy") and isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def as_xlsx(table: ReportTable) -> bytes:
    from openpyxl import Workbook  # loaded on the first export, not at every cold start

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append([c.title for c in table.columns])
    kinds = [c.kind for c in table.columns]
    for line in _lines(table):
        sheet.append([_cell_value(kind, value) for kind, value in zip(kinds, line, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_pdf(table: ReportTable) -> bytes:
    from reportlab.lib import colors  # loaded on the first export, not at every cold start
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=table.title)
    styles = getSampleStyleSheet()
    period = f"{table.parameters.get('from') or '…'} to {table.parameters.get('to') or '…'}"
    grid = Table([[c.title for c in table.columns], *[[str(v) for v in line] for line in _lines(table)]],
                 repeatRows=1)
    grid.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
    ]))
    document.build([Paragraph(table.title, styles["Title"]), Paragraph(period, styles["Normal"]), Spacer(1, 8), grid])
    return buffer.getvalue()


def export(table: ReportTable, form: str) -> bytes:
    if form == "csv":
        return as_csv(table)
    if form == "xlsx":
        return as_xlsx(table)
    return as_pdf(table)
