"""Report queries, grouping arithmetic and the permission catalogue's report names."""

from __future__ import annotations

import pytest

from functions.reports.query import parse_query, range_end
from gridvend.auth.permissions import REPORT_NAMES
from gridvend.errors import InvalidInput
from gridvend.reports.cells import Cell, Selection, summarise
from gridvend.reports.definitions import ROLLUP_REPORTS


def test_range_ends_widen_to_whole_periods() -> None:
    assert range_end("from", "2024", last=False) == "2024-01-01"
    assert range_end("to", "2024-02", last=True) == "2024-02-29"
    assert range_end("to", "2023-02", last=True) == "2023-02-28"
    with pytest.raises(InvalidInput):
        range_end("to", "2024-02-30", last=True)


def test_unknown_groups_and_empty_filters_are_refused() -> None:
    with pytest.raises(InvalidInput):
        parse_query({"group": "day,day"}, ("day",))
    with pytest.raises(InvalidInput):
        parse_query({"operator": " , "}, ("day",))
    assert parse_query({"operator": "a,b"}, ("day",)).filters["operator"] == frozenset({"a", "b"})


def test_summary_groups_filters_and_totals() -> None:
    cells = [
        Cell("2024-01-05", {"sales_point": "A"}, {"sales_count": 2, "sales_net": 300}),
        Cell("2024-01-06", {"sales_point": "A"}, {"sales_count": 1, "sales_net": 100, "correction_net": 0}),
        Cell("2024-02-01", {"sales_point": "B"}, {"sales_count": 1, "sales_net": 50}),
        Cell("2024-02-01", {"sales_point": "B"}, {"refund_amount": 20}),
    ]
    summary = summarise(cells, Selection("2024-01-06", None, {}, ("month",)))
    assert [(row["month"], row["sales_net"], row["income"]) for row in summary.rows] == [
        ("2024-01", 100, 100), ("2024-02", 50, 30)]
    assert summary.totals["income"] == 130
    only_a = summarise(cells, Selection(None, None, {"sales_point": frozenset({"A"})}, ()))
    assert only_a.totals["sales_count"] == 3


def test_the_permission_catalogue_names_every_report() -> None:
    assert set(REPORT_NAMES) == set(ROLLUP_REPORTS)
