"""Rollup cells and the arithmetic of every rollup report: filter cells, group them, add derived columns.

A cell holds the measures of one period (a day or a month) for one combination of dimensions: sales point,
operator, customer type and meter model (and, once placed, the sales point's branch and region).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gridvend.reports.facts import MEASURES

CELL_DIMENSIONS = ("sales_point", "operator", "customer_type", "meter_model")
PLACE_DIMENSIONS = ("branch", "region")
DIMENSIONS = (*CELL_DIMENSIONS, *PLACE_DIMENSIONS)
TIME_GROUPS = ("day", "month", "year")
GROUPS = (*TIME_GROUPS, *DIMENSIONS)


@dataclass(frozen=True)
class Cell:
    period: str  # YYYY-MM-DD (day cell) or YYYY-MM (month cell)
    dims: Mapping[str, str]
    measures: Mapping[str, int]


@dataclass(frozen=True)
class Selection:
    """Which cells count (an inclusive period range, open at either end, and dimension filters) and how
    they are grouped."""

    period_from: str | None = None
    period_to: str | None = None
    filters: Mapping[str, frozenset[str]] = field(default_factory=dict)
    group_by: tuple[str, ...] = ()


def derived(measures: Mapping[str, int]) -> dict[str, int]:
    """Income: money taken for sales, less corrections and refunds."""
    taken = measures.get("sales_net", 0)
    return {"income": taken - measures.get("correction_net", 0) - measures.get("refund_amount", 0)}


def group_value(cell: Cell, group: str) -> str:
    if group == "day":
        return cell.period[:10]
    if group == "month":
        return cell.period[:7]
    if group == "year":
        return cell.period[:4]
    return cell.dims.get(group, "-")


def selected(cell: Cell, selection: Selection) -> bool:
    width = len(cell.period)
    if selection.period_from and cell.period < selection.period_from[:width]:
        return False
    if selection.period_to and cell.period > selection.period_to[:width]:
        return False
    return all(cell.dims.get(name, "-") in allowed for name, allowed in selection.filters.items())


def placed(cells: Iterable[Cell], branch_of_sales_point: Mapping[str, str],
           region_of_branch: Mapping[str, str]) -> list[Cell]:
    """The cells with the branch and region of their sales point as dimensions too."""
    out = []
    for cell in cells:
        branch = branch_of_sales_point.get(cell.dims.get("sales_point", ""), "-")
        dims = {**cell.dims, "branch": branch, "region": region_of_branch.get(branch, "-")}
        out.append(Cell(cell.period, dims, cell.measures))
    return out


@dataclass(frozen=True)
class Summary:
    rows: list[dict[str, str | int]]
    totals: dict[str, int]


def summarise(cells: Iterable[Cell], selection: Selection) -> Summary:
    """One row per group (sorted by the group values) with every measure and the derived columns, and the
    totals over all selected cells."""
    sums: dict[tuple[str, ...], dict[str, int]] = {}
    totals = dict.fromkeys(MEASURES, 0)
    for cell in cells:
        if not selected(cell, selection):
            continue
        key = tuple(group_value(cell, group) for group in selection.group_by)
        row = sums.setdefault(key, dict.fromkeys(MEASURES, 0))
        for name, value in cell.measures.items():
            if name in row:
                row[name] += value
                totals[name] += value
    rows: list[dict[str, str | int]] = []
    for key in sorted(sums):
        measures = sums[key]
        rows.append({**dict(zip(selection.group_by, key, strict=True)), **measures, **derived(measures)})
    return Summary(rows, {**totals, **derived(totals)})
