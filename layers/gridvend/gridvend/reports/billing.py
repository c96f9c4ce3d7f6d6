"""Billing report templates (seed 004 §6): a tenant names the columns of its electricity usage export, each one
a title and a field from the catalogue below. The usage is per meter over whole months, from the monthly
reading rollups: the first reading of the first month, the last of the last month, and what the registers grew
within the months. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT
from gridvend.reports.definitions import ColumnKind
from gridvend.reports.line_loss import kwh
from gridvend.reports.table import Column, ReportTable

# field -> (default title, kind)
BILLING_FIELDS: dict[str, tuple[str, ColumnKind]] = {
    "meter": ("Meter", "text"),
    "customer_code": ("Customer code", "text"),
    "customer_name": ("Customer name", "text"),
    "period_from": ("From", "text"),
    "period_to": ("To", "text"),
    "first_reading_at": ("First reading at", "text"),
    "last_reading_at": ("Last reading at", "text"),
    "start_reading_kwh": ("Start reading kWh", "energy"),
    "end_reading_kwh": ("End reading kWh", "energy"),
    "consumption_kwh": ("Consumption kWh", "energy"),
    "export_kwh": ("Export kWh", "energy"),
    "reading_days": ("Days with readings", "count"),
}


@dataclass(frozen=True)
class MeterMonth:
    meter: str
    month: str
    first_at: str
    last_at: str
    first: Mapping[str, int]
    last: Mapping[str, int]
    days: int


def _grew(month: MeterMonth, code: str) -> int:
    if code not in month.first or code not in month.last:
        return 0
    return max(0, month.last[code] - month.first[code])


def usage_rows(months: Iterable[MeterMonth], customers: Mapping[str, tuple[str, str]], period: tuple[str, str]
               ) -> list[dict[str, Any]]:
    """One row per meter with every catalogue field, meters in serial order."""
    by_meter: dict[str, list[MeterMonth]] = {}
    for month in months:
        by_meter.setdefault(month.meter, []).append(month)
    rows = []
    for meter in sorted(by_meter):
        ordered = sorted(by_meter[meter], key=lambda month: month.month)
        code, name = customers.get(meter, ("-", "-"))
        rows.append({
            "meter": meter,
            "customer_code": code,
            "customer_name": name,
            "period_from": period[0],
            "period_to": period[1],
            "first_reading_at": ordered[0].first_at,
            "last_reading_at": ordered[-1].last_at,
            "start_reading_kwh": kwh(int(ordered[0].first.get(ACTIVE_IMPORT, 0))),
            "end_reading_kwh": kwh(int(ordered[-1].last.get(ACTIVE_IMPORT, 0))),
            "consumption_kwh": kwh(sum(_grew(month, ACTIVE_IMPORT) for month in ordered)),
            "export_kwh": kwh(sum(_grew(month, ACTIVE_EXPORT) for month in ordered)),
            "reading_days": sum(month.days for month in ordered),
        })
    return rows


def template_table(template_name: str, fields: list[Mapping[str, str]], rows: list[dict[str, Any]],
                   parameters: dict[str, Any]) -> ReportTable:
    """The rows with only the template's columns, in its order and with its titles."""
    columns = [
        Column(f"c{position}", str(field.get("title") or BILLING_FIELDS[field["value"]][0]),
               BILLING_FIELDS[field["value"]][1])
        for position, field in enumerate(fields)
    ]
    shown = [
        {f"c{position}": row[field["value"]] for position, field in enumerate(fields)}
        for row in rows
    ]
    return ReportTable("billing", template_name, columns, shown, {}, parameters)
