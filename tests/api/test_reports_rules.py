"""The pure rules under the record reports and the dashboard counters (no store, no HTTP): which counters a
table change moves, when a meter expires, and how report parameters are read."""

from __future__ import annotations

from datetime import date

import pytest

from gridvend.errors import InvalidInput
from gridvend.reports.counts import CountChange, billed_meter, count_changes
from gridvend.reports.meter_rules import expiry, is_due, life_start, using_status
from gridvend.reports.parameters import ReportParameter, months_from_to, read_parameters


def meter(state: str, model: str = "m1") -> dict[str, object]:
    return {"pk": "T#acme#METER", "sk": "M#1", "entity": "meter", "data": {"state": state, "model_id": model}}


def test_a_meter_counts_in_on_insert_moves_on_a_state_change_and_counts_out_on_removal() -> None:
    assert count_changes("INSERT", None, meter("in_warehouse")) == (
        "acme", [CountChange(None, "meters|in_warehouse|m1", 1)])
    assert count_changes("MODIFY", meter("in_warehouse"), meter("in_service")) == (
        "acme", [CountChange(None, "meters|in_warehouse|m1", -1), CountChange(None, "meters|in_service|m1", 1)])
    assert count_changes("MODIFY", meter("in_service"), meter("in_service")) is None
    assert count_changes("REMOVE", meter("scrapped"), None) == ("acme", [CountChange(None, "meters|scrapped|m1", -1)])


def test_an_alarm_counts_while_open_and_a_rollup_adds_only_its_new_readings() -> None:
    alarm = {"pk": "T#acme#ALARM#2025-01", "entity": "alarm", "data": {"state": "open", "severity": 4}}
    closed = {**alarm, "data": {"state": "closed", "severity": 4}}
    assert count_changes("INSERT", None, alarm) == ("acme", [CountChange(None, "open-alarms|4", 1)])
    assert count_changes("MODIFY", alarm, closed) == ("acme", [CountChange(None, "open-alarms|4", -1)])
    before = {"pk": "T#acme#RU#7", "entity": "rollup-day", "data": {"period": "2025-01-31", "marks": [1, 2]}}
    after = {**before, "data": {"period": "2025-01-31", "marks": [1, 2, 3, 4, 5]}}
    assert count_changes("MODIFY", before, after) == ("acme", [CountChange("2025-01", "readings|2025-01-31", 3)])
    assert count_changes("INSERT", None, before) == (
        "acme", [CountChange("2025-01", "readings|2025-01-31", 2), CountChange("2025-01", "reporting|2025-01-31", 1)])


def test_other_items_and_foreign_keys_count_nothing() -> None:
    assert count_changes("INSERT", None, {"pk": "T#acme#VEND", "entity": "vend", "data": {}}) is None
    assert count_changes("INSERT", None, {"pk": "X#acme#METER", "entity": "meter", "data": {}}) is None
    assert count_changes("INSERT", None, {"pk": "T#acme#ARC#sites", "entity": "code-guard", "data": {}}) is None
    site = {"pk": "T#acme#ARC#sites", "entity": "archive:sites", "data": {}}
    assert count_changes("REMOVE", site, None) == ("acme", [CountChange(None, "archive|sites", -1)])


def test_a_sale_bills_its_meter_in_its_local_month_and_a_cancelled_one_does_not() -> None:
    receipt = {"meter": "123", "time_local": "2025-02-01T00:30+03:00", "status": "issued"}
    sale = {"pk": "T#acme#VEND", "entity": "vend", "data": receipt}
    assert billed_meter("INSERT", sale) == ("acme", "2025-02", "123")
    assert billed_meter("MODIFY", sale) is None
    assert billed_meter("INSERT", {**sale, "data": {**receipt, "status": "cancelled"}}) is None


def test_a_meter_life_counts_from_the_factory_date_and_ends_on_28_february_after_a_leap_day() -> None:
    assert life_start("2016-02-29", "2017-05-01", None) == (date(2016, 2, 29), "factory_date")
    assert life_start(None, "2017-05-01T10:00", None) == (date(2017, 5, 1), "install_date")
    assert life_start(None, None, None) == (None, "-")
    assert expiry(date(2016, 2, 29), 10) == date(2026, 2, 28)
    today = date(2025, 1, 1)
    assert is_due(date(2025, 1, 31), today, 30, False) and not is_due(date(2025, 2, 1), today, 30, False)
    assert not is_due(date(2024, 12, 31), today, 30, False) and is_due(date(2024, 12, 31), today, 30, True)
    assert (using_status("in_service"), using_status("in_warehouse"), using_status("in_transit")) == (
        "using", "in_warehouse", "other")


def test_parameters_are_read_by_their_declared_kind_and_bad_ones_name_the_field() -> None:
    declared = (ReportParameter("days", "integer", "Days", default=7, minimum=1, maximum=31),
                ReportParameter("from", "month", "From"), ReportParameter("to", "month", "To"),
                ReportParameter("state", "list", "States", choices=("a", "b")))
    assert read_parameters(declared, {}) == {"days": 7, "from": None, "to": None, "state": None}
    assert read_parameters(declared, {"days": "31", "state": "a, b"})["state"] == frozenset({"a", "b"})
    for params, field in (({"days": "32"}, "days"), ({"days": "1e3"}, "days"), ({"from": "2025-1"}, "from"),
                          ({"from": "2025-03", "to": "2025-02"}, "to"), ({"state": "c"}, "state"),
                          ({"state": ","}, "state")):
        with pytest.raises(InvalidInput) as refused:
            read_parameters(declared, params)
        assert refused.value.problems[0].field == field, params
    assert months_from_to("2024-11-15", "2025-02-01") == ["2024-11", "2024-12", "2025-01", "2025-02"]
