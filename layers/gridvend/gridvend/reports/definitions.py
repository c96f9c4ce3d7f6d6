"""The rollup reports by name: title, default grouping and columns (seed 000 §5, seed 001 §6.1, seed 004 §9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "count", "money", "energy", "number", "date", "time", "percent", "flag"]

COLUMN_TITLES: dict[str, tuple[str, ColumnKind]] = {
    "day": ("Day", "text"),
    "month": ("Month", "text"),
    "year": ("Year", "text"),
    "sales_point": ("Sales point", "text"),
    "operator": ("Operator", "text"),
    "customer_type": ("Customer type", "text"),
    "meter_model": ("Meter model", "text"),
    "branch": ("Branch", "text"),
    "region": ("Region", "text"),
    "sales_count": ("Sales", "count"),
    "sales_amount": ("Amount asked", "money"),
    "sales_net": ("Sales amount", "money"),
    "sales_energy": ("Energy kWh", "energy"),
    "vat": ("VAT", "money"),
    "charges": ("Charges", "money"),
    "debt": ("Debt recovered", "money"),
    "correction_count": ("Corrections", "count"),
    "correction_net": ("Corrected amount", "money"),
    "correction_energy": ("Corrected kWh", "energy"),
    "refund_count": ("Refunds", "count"),
    "refund_amount": ("Refunded amount", "money"),
    "income": ("Income", "money"),
}

SALES_COLUMNS = (
    "sales_count", "sales_energy", "sales_net", "correction_count", "correction_net",
    "refund_count", "refund_amount", "income",
)


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str
    default_group: tuple[str, ...]
    columns: tuple[str, ...]


ROLLUP_REPORTS: dict[str, ReportDefinition] = {
    definition.name: definition
    for definition in (
        ReportDefinition("sales-daily", "Daily sales", ("day", "operator", "sales_point"), SALES_COLUMNS),
        ReportDefinition("sales-monthly", "Monthly sales", ("month", "operator", "sales_point"), SALES_COLUMNS),
        ReportDefinition("sales-annual", "Annual sales", ("year", "operator", "sales_point"), SALES_COLUMNS),
        ReportDefinition(
            "purchase-daily-balance", "Purchase daily balance", ("day", "operator"),
            ("sales_count", "sales_net", "correction_net", "refund_amount", "income"),
        ),
        ReportDefinition(
            "power-vending", "Power vending", ("sales_point",),
            ("sales_count", "sales_energy", "sales_amount", "sales_net", "correction_energy"),
        ),
        ReportDefinition(
            "charges-collected", "Charges collected", ("month", "sales_point"), ("sales_count", "charges")
        ),
        ReportDefinition("vat", "VAT", ("month", "sales_point"), ("sales_count", "sales_net", "vat")),
        ReportDefinition("debt-recovered", "Debt recovered", ("month", "sales_point"), ("sales_count", "debt")),
    )
}
