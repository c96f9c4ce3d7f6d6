"""Collection periods (including month ends) and notification templates and rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridvend.ami.notifications import Group, MeterPlace, Rule, matches, render, unknown_placeholders
from gridvend.ami.schedules import PeriodUnit, add_months, expected_runs_per_day, next_run_after, run_at

BASE = datetime(2025, 1, 31, 6, 0, tzinfo=UTC)


def test_the_next_run_skips_missed_periods_and_months_keep_their_day() -> None:
    assert next_run_after(BASE, PeriodUnit.MINUTE, 15, BASE + timedelta(minutes=31)) == BASE + timedelta(minutes=45)
    assert next_run_after(BASE, PeriodUnit.HOUR, 6, BASE) == BASE + timedelta(hours=6)
    assert next_run_after(BASE, PeriodUnit.DAY, 1, BASE - timedelta(days=3)) == BASE
    assert next_run_after(BASE, PeriodUnit.MONTH, 1, BASE + timedelta(days=1)) == datetime(2025, 2, 28, 6, tzinfo=UTC)
    assert run_at(BASE, PeriodUnit.MONTH, 1, 2) == datetime(2025, 3, 31, 6, tzinfo=UTC)
    assert add_months(datetime(2024, 1, 31, tzinfo=UTC), 1) == datetime(2024, 2, 29, tzinfo=UTC)
    assert expected_runs_per_day(PeriodUnit.MINUTE, 15) == 96


def test_templates_fill_known_placeholders_and_escape_for_html() -> None:
    text = "Meter ${devAddr}: ${eventName} <${eventValue}> ${nope}"
    values = {"devAddr": "0471", "eventName": "Tamper", "eventValue": "<b>"}

    assert render(text, values, as_html=True) == "Meter 0471: Tamper <&lt;b&gt;> ${nope}"
    assert render(text, values, as_html=False) == "Meter 0471: Tamper <<b>> ${nope}"
    assert unknown_placeholders(text) == ["nope"]


def test_rules_match_by_event_type_and_group() -> None:
    everyone = Rule("r1", "all alarms", (), "t", ("a@b.c",))
    regional = Rule("r2", "north", ("tamper",), "t", ("a@b.c",), Group(region_ids=("NORTH",)))
    place = MeterPlace("0471", "BR1", ("DISTRICT", "NORTH"))

    assert matches(everyone, "cover_open", True, place) and not matches(everyone, "power_on", False, place)
    assert matches(regional, "tamper", True, place)
    assert not matches(regional, "tamper", True, MeterPlace("0472", "BR2", ("SOUTH",)))
    assert not matches(Rule("r3", "off", (), "t", (), enabled=False), "tamper", True, place)
