"""A report that reads the tenant's records (customers, meters, readings, events, ...) rather than the sales
cells: its parameters and columns, declared once for the catalogue, and the function that makes its rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from gridvend.auth.context import TenantContext
from gridvend.reports.definitions import ColumnKind
from gridvend.reports.parameters import ReportParameter, read_parameters
from gridvend.reports.table import Column, ReportTable
from gridvend.store.items import ItemStore

FORMAT = ReportParameter("format", "choice", "Format", default="json", choices=("json", "csv", "xlsx", "pdf"))


@dataclass(frozen=True)
class ReportInputs:
    store: ItemStore
    ctx: TenantContext
    decimals: int
    zone: ZoneInfo
    values: dict[str, Any]
    now: datetime  # aware, UTC

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()


@dataclass(frozen=True)
class ReportRows:
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = field(default_factory=dict)
    chart: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListedReport:
    name: str
    title: str
    section: str
    parameters: tuple[ReportParameter, ...]
    columns: tuple[Column, ...]
    make: Callable[[ReportInputs], ReportRows]
    also_requires: tuple[str, str] | None = None  # a module permission beyond reports:view

    def described(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "section": self.section,
            "parameters": [parameter.described() for parameter in (*self.parameters, FORMAT)],
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in self.columns],
            "formats": list(FORMAT.choices),
        }

    def values(self, params: dict[str, str]) -> dict[str, Any]:
        return read_parameters((*self.parameters, FORMAT), params)

    def table(self, inputs: ReportInputs) -> ReportTable:
        made = self.make(inputs)
        shown_values = {
            name: sorted(value) if isinstance(value, frozenset) else value
            for name, value in inputs.values.items() if name != "format"
        }
        rows = [{name: "" if value is None else value for name, value in row.items()} for row in made.rows]
        return ReportTable(self.name, self.title, list(self.columns), rows, made.totals, shown_values, made.chart)


def col(key: str, title: str, kind: ColumnKind = "text") -> Column:
    return Column(key, title, kind)


def money(minor_units: int, decimals: int) -> str:
    return str(Decimal(int(minor_units)).scaleb(-decimals)) if decimals else str(int(minor_units))
