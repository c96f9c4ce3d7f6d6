"""A report's result as a table: typed columns, rows of shown values and totals; the one shape that the JSON
answer and every export (CSV, XLSX, PDF) are made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gridvend.reports.definitions import COLUMN_TITLES, ColumnKind


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind


@dataclass(frozen=True)
class ReportTable:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    chart: dict[str, Any] = field(default_factory=dict)  # e.g. a curve report's series, for screens only

    def as_json(self) -> dict[str, Any]:
        shown = {
            "report": self.name,
            "title": self.title,
            "parameters": self.parameters,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in self.columns],
            "rows": self.rows,
            "totals": self.totals,
        }
        return {**shown, "chart": self.chart} if self.chart else shown


def column(key: str) -> Column:
    title, kind = COLUMN_TITLES.get(key, (key.replace("_", " ").capitalize(), "text"))
    return Column(key, title, kind)


def shown(kind: ColumnKind, value: Any, decimals: int) -> Any:
    """Money as a decimal string in the tenant's decimals, energy in kWh with one decimal, counts as numbers."""
    if kind == "money":
        return str(Decimal(int(value)).scaleb(-decimals)) if decimals else str(int(value))
    if kind == "energy":
        return str(Decimal(int(value)).scaleb(-1))
    if kind == "count":
        return int(value)
    return value
