"""Bulk vending from an uploaded file: rows `meter,amount[,idempotency key]`, each sold as a normal vend through
VendService, exactly once per row key (a row without a key gets `bulk.<job id>.<row number>`)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from functions.vending.schemas import VendRequest
from functions.vending.service import VendService
from gridvend.errors import FieldProblem, InvalidInput

BULK_VEND_JOB = "bulk-vend"
HEADER_WORDS = ("meter", "serial")


def rows_of_file(text: str, payment_term: str) -> list[dict[str, Any]]:
    """The rows of the file, each checked as a vend request; every bad line is named, and nothing starts."""
    rows: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for line_number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells) or (line_number == 1 and cells[0].lower() in HEADER_WORDS):
            continue
        if len(cells) not in (2, 3):
            problems.append(FieldProblem(f"file[{line_number}]", "a row is meter,amount[,idempotency key]"))
            continue
        try:
            VendRequest(meter=cells[0], amount=Decimal(cells[1]), payment_term=payment_term)
        except (ValidationError, InvalidOperation):
            problems.append(FieldProblem(f"file[{line_number}]", f"'{cells[0]}' / '{cells[1]}' is not a valid vend"))
            continue
        key = cells[2] if len(cells) == 3 and cells[2] else None
        if key is not None and not (8 <= len(key) <= 100 and key.replace("-", "").replace("_", "").isalnum()):
            problems.append(FieldProblem(f"file[{line_number}]", "an idempotency key is 8-100 letters, digits, - or _"))
            continue
        rows.append({"line": line_number, "meter": cells[0], "amount": cells[1], "key": key})
    if problems:
        raise InvalidInput(f"{len(problems)} bad rows in the file; nothing was sold", problems[:50])
    if not rows:
        raise InvalidInput.for_field("file", "the file has no rows")
    return rows


def row_seller(service: VendService, job_id: str, payment_term: str) -> Any:
    def sell_row(row: dict[str, Any]) -> dict[str, Any]:
        request = VendRequest(meter=row["meter"], amount=Decimal(row["amount"]), payment_term=payment_term)
        receipt, fresh = service.vend(request, row["key"] or f"bulk.{job_id}.{row['line']}")
        return {
            "line": row["line"],
            "meter": row["meter"],
            "bill_number": receipt["bill_number"],
            "tokens": receipt["tokens"],
            "energy_kwh": receipt["energy_kwh"],
            "net_amount": receipt["breakdown"]["net_amount"],
            "replayed": not fresh,
        }

    return sell_row
