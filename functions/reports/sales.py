"""Rollup reports (sales, corrections, refunds, VAT, charges, debt): read the cells of the range, place them
in their branch and region, filter, group, and shape the table."""

from __future__ import annotations

import calendar
from typing import Any

from functions.reports.places import Places
from functions.reports.query import ReportQuery
from gridvend.auth.context import TenantContext
from gridvend.reports.cells import CELL_DIMENSIONS, Selection, placed, summarise
from gridvend.reports.definitions import ReportDefinition
from gridvend.reports.table import ReportTable, column, shown
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import ItemStore
from gridvend.store.reports import CellKind, SalesRollupRepository

DETAIL_GROUPS = ("day", *CELL_DIMENSIONS)


def cell_kind(query: ReportQuery, group_by: tuple[str, ...]) -> CellKind:
    """Month cells unless the grouping or a range end inside a month needs day cells."""
    partial_from = query.date_from is not None and not query.date_from.endswith("-01")
    partial_to = query.date_to is not None and not _ends_month(query.date_to)
    return "day" if "day" in group_by or partial_from or partial_to else "month"


def _ends_month(date: str) -> bool:
    return int(date[8:10]) == calendar.monthrange(int(date[:4]), int(date[5:7]))[1]


def run_rollup_report(
    store: ItemStore, ctx: TenantContext, decimals: int, definition: ReportDefinition, query: ReportQuery
) -> ReportTable:
    group_by = query.group_by
    if query.view == "detail":
        group_by = (*group_by, *(name for name in DETAIL_GROUPS if name not in group_by))
    filters = dict(query.filters)
    cells = SalesRollupRepository(store, ctx).cells(cell_kind(query, group_by), query.date_from, query.date_to)
    if {"branch", "region"} & (set(group_by) | set(filters)):
        places = Places.load(ArchiveRepository(store, ctx))
        if "region" in filters:
            filters["region"] = places.regions_within(filters["region"])
        cells = placed(cells, places.branch_of_sales_point, places.region_of_branch)
    summary = summarise(cells, Selection(query.date_from, query.date_to, filters, group_by))
    columns = [column(key) for key in (*group_by, *definition.columns)]
    rows = [{c.key: shown(c.kind, row.get(c.key, "-"), decimals) for c in columns} for row in summary.rows]
    totals = {c.key: shown(c.kind, summary.totals[c.key], decimals) for c in columns if c.key in summary.totals}
    parameters: dict[str, Any] = {
        "from": query.date_from,
        "to": query.date_to,
        "group": list(group_by),
        "view": query.view,
        "filters": {name: sorted(values) for name, values in query.filters.items()},
    }
    return ReportTable(definition.name, definition.title, columns, rows, totals, parameters)
