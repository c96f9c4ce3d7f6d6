"""Every report the tenant can open, as the console sees it (`GET /v1/reports`): name, title, section, the
parameters with their kinds, defaults and choices, and the columns with their titles and kinds, so that one
generic screen renders and exports any of them."""

from __future__ import annotations

from typing import Any

from functions.reports import customer_reports, energy_reports, event_reports, meter_reports
from functions.reports.listed import ListedReport, ReportInputs
from functions.reports.query import FORMATS, VIEWS
from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.reports.cells import DIMENSIONS, GROUPS
from gridvend.reports.definitions import ReportDefinition
from gridvend.reports.table import ReportTable, column
from gridvend.store.items import ItemStore

LISTED_REPORTS: dict[str, ListedReport] = {
    report.name: report
    for report in (*customer_reports.REPORTS, *meter_reports.REPORTS, *energy_reports.REPORTS,
                   *event_reports.REPORTS)
}


def rollup_described(definition: ReportDefinition) -> dict[str, Any]:
    """A sales-cell report in the catalogue's shape (its query rules are functions/reports/query.py)."""
    parameters: list[dict[str, Any]] = [
        {"name": "from", "kind": "date", "title": "From (YYYY, YYYY-MM or YYYY-MM-DD)", "required": False},
        {"name": "to", "kind": "date", "title": "To (YYYY, YYYY-MM or YYYY-MM-DD)", "required": False},
        *({"name": name, "kind": "list", "title": name.replace("_", " ").capitalize(), "required": False}
          for name in DIMENSIONS),
        {"name": "group", "kind": "list", "title": "Group by", "required": False,
         "default": list(definition.default_group), "choices": list(GROUPS)},
        {"name": "view", "kind": "choice", "title": "View", "required": False, "default": "summary",
         "choices": list(VIEWS)},
        {"name": "format", "kind": "choice", "title": "Format", "required": False, "default": "json",
         "choices": list(FORMATS)},
    ]
    columns = [column(key) for key in (*definition.default_group, *definition.columns)]
    return {
        "name": definition.name,
        "title": definition.title,
        "section": "sales",
        "default_group": list(definition.default_group),
        "parameters": parameters,
        "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in columns],
        "formats": list(FORMATS),
    }


def run_listed(report: ListedReport, store: ItemStore, ctx: TenantContext, decimals: int,
               params: dict[str, str]) -> tuple[ReportTable, str]:
    """The report's table for this query string, and the format asked for."""
    if report.also_requires is not None:
        ctx.require(*report.also_requires)
    values = report.values(params)
    inputs = ReportInputs(store, ctx, decimals, ctx.calendar.zone, values, utc_now())
    return report.table(inputs), str(values["format"])
