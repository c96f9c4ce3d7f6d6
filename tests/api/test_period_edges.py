"""Every figure lands in the tenant's own period at its edges: a sale, a cancel, a report, a collection schedule
run and a stock bill at 23:59:30 on a month's last day and 00:00:30 on the next month's first, tenant time, and
across daylight saving changes, in UTC+3, UTC-5 with daylight saving and UTC+5:30. The process clock is set for
each moment, so these run the same at any hour and in any machine zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from functions.commands.context import CommandContext
from functions.commands.sweeper import sweep
from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.auth.context import system_context
from gridvend.clock import FixedClock, clock_at
from gridvend.iot import obis
from gridvend.store.vends import VendRepository
from gridvend.tenancy.calendar import TenantCalendar
from tests.api.commands_setup import devices
from tests.api.conftest import Api
from tests.api.test_commands_views import SERIAL, provision
from tests.api.test_customers import archive
from tests.api.test_meters import branch, meter_model
from tests.api.test_stock_bills import stock_in_new
from tests.api.test_vends import key, meter_decoder
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key", "devices"]

ZONES = ("Africa/Nairobi", "America/New_York", "Asia/Kolkata")
NEW_YORK = TenantCalendar.named("America/New_York")


def at_wall(zone: str, wall: str) -> datetime:
    """The UTC instant of a tenant wall-clock time (ISO, no offset)."""
    return TenantCalendar.named(zone).at_wall(datetime.fromisoformat(wall))


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    with clock_at(datetime(2026, 1, 15, 12, tzinfo=UTC)) as fixed:
        yield fixed


def monthly_shop(api: Api, zone: str) -> Shop:
    """A shop whose customers pay a monthly standing charge at the first purchase of each of their months."""
    shop = open_shop(api, timezone=zone)
    monthly = archive(api, shop.headers, "charge-items",
                      {"code": "MON", "name": "Standing charge", "method": "monthly", "amount": "3.00"})
    shop.customer_type_id = archive(api, shop.headers, "customer-types",
                                    {"code": "MRES", "name": "Monthly", "vat_percent": "0",
                                     "charge_item_ids": [monthly]})
    return shop


def sell(api: Api, shop: Shop, serial: str) -> dict[str, Any]:
    reply = shop.sell(api, serial, key(), amount="50.00")
    assert reply.status == 201, reply.body
    return dict(reply.body)


def charge_codes(receipt: dict[str, Any]) -> list[str]:
    return [charge["code"] for charge in receipt["breakdown"]["charges"]]


def day_rollups(api: Api, shop: Shop, day: str) -> dict[str, Any]:
    repository = VendRepository(api.store, system_context(shop.tenant_id))
    return {item["sk"]: item for item in repository.day_rollups(day)}


def feed(api: Api, records: list[dict[str, Any]]) -> None:
    """Records through the report stream as the table's stream hands them over, stamped with the clock's moment."""
    outcome = process_stream_batch(stream_event(records), api.store, TenantFacts(api.store))
    assert outcome["batchItemFailures"] == []


@pytest.mark.parametrize("zone", ZONES)
def test_sales_at_a_months_turn_fall_in_the_tenants_day_month_and_bill_period(
    api: Api, clock: FixedClock, zone: str
) -> None:
    clock.set(at_wall(zone, "2026-03-15T12:00:00"))
    shop = monthly_shop(api, zone)
    install(api, shop, "51000000001")

    clock.set(at_wall(zone, "2026-03-31T23:59:30"))
    last = sell(api, shop, "51000000001")
    clock.advance(timedelta(minutes=1))
    first = sell(api, shop, "51000000001")
    second = sell(api, shop, "51000000001")

    assert last["time_local"] == "2026-03-31T23:59"
    assert first["time_local"] == "2026-04-01T00:00"
    assert last["bill_number"] == "V20260331000001"
    assert first["bill_number"] == "V20260401000001", "the monthly numbering starts again in the tenant's April"
    assert second["bill_number"] == "V20260401000002"
    assert charge_codes(last) == ["MON"] and charge_codes(first) == ["MON"] and charge_codes(second) == []
    decoder = meter_decoder("51000000001")
    assert all(decoder.enter(receipt["tokens"][0]).accepted for receipt in (last, first, second))

    march, april = day_rollups(api, shop, "2026-03-31"), day_rollups(api, shop, "2026-04-01")
    assert march["M#51000000001"]["tally_count"] == 1
    assert april["M#51000000001"]["tally_count"] == 2
    state = VendRepository(api.store, system_context(shop.tenant_id)).state("51000000001")
    april_tenths = sum(int(Decimal(receipt["energy_kwh"]) * 10) for receipt in (first, second))
    assert (state.month, state.month_energy_tenths) == ("2026-04", april_tenths)


@pytest.mark.parametrize("zone", ZONES)
def test_a_cancel_after_midnight_is_filed_on_its_own_day_and_the_report_shows_both_days(
    api: Api, clock: FixedClock, zone: str
) -> None:
    clock.set(at_wall(zone, "2026-06-10T09:00:00"))
    shop = open_shop(api, timezone=zone)
    install(api, shop, "51000000002")
    clock.set(at_wall(zone, "2026-06-30T23:59:30"))
    sold = sell(api, shop, "51000000002")
    vend_key = (f"T#{shop.tenant_id}#VEND", sold["bill_number"])
    issued = api.store.get(*vend_key)
    assert issued is not None
    feed(api, [stream_record("INSERT", issued)])
    clock.advance(timedelta(minutes=1))
    cancelled = api.call("POST", f"/v1/vends/{sold['bill_number']}/cancel", {"reason": "wrong meter"}, shop.headers)
    assert cancelled.status == 201, cancelled.body
    undone, cancellation = api.store.get(*vend_key), api.store.get(f"T#{shop.tenant_id}#CANCEL", sold["bill_number"])
    assert undone is not None and cancellation is not None
    feed(api, [stream_record("MODIFY", undone, issued), stream_record("INSERT", cancellation)])

    june, july = day_rollups(api, shop, "2026-06-30"), day_rollups(api, shop, "2026-07-01")
    assert june["M#51000000002"]["tally_count"] == 1 and "CANCEL#M#51000000002" not in june
    assert july["CANCEL#M#51000000002"]["tally_count"] == 1
    listed = api.call("GET", "/v1/cancellations?date=2026-07-01", headers=shop.headers).body["items"]
    assert [item["vend_bill_number"] for item in listed] == [sold["bill_number"]]
    rows = api.call("GET", "/v1/reports/sales-daily?from=2026-06-30&to=2026-07-01", headers=shop.headers).body["rows"]
    by_day = {row["day"]: row for row in rows}
    assert set(by_day) == {"2026-06-30", "2026-07-01"}
    assert (by_day["2026-06-30"]["sales_count"], by_day["2026-06-30"]["correction_count"]) == (1, 0)
    assert (by_day["2026-07-01"]["sales_count"], by_day["2026-07-01"]["correction_count"]) == (0, 1)


@pytest.mark.parametrize("zone", ZONES)
def test_stock_bills_take_the_tenants_date_and_number_year(api: Api, clock: FixedClock, zone: str) -> None:
    clock.set(at_wall(zone, "2026-12-01T10:00:00"))
    _, headers = api.new_tenant(timezone=zone)
    store, model_id = branch(api, headers), meter_model(api, headers)
    clock.set(at_wall(zone, "2026-12-31T23:59:30"))
    old_year = api.call("POST", "/v1/stock-bills", stock_in_new(store, model_id, "52000000001", "52000000001"),
                        headers)
    clock.advance(timedelta(minutes=1))
    new_year = api.call("POST", "/v1/stock-bills", stock_in_new(store, model_id, "52000000002", "52000000002"),
                        headers)
    assert old_year.status == new_year.status == 201, (old_year.body, new_year.body)
    assert old_year.body["number"] == "S20261200001"
    assert new_year.body["number"] == "S20270100001", "the yearly numbering starts again in the tenant's new year"


@pytest.mark.parametrize("zone", ZONES)
def test_a_monthly_collection_runs_at_the_tenants_midnight(
    api: Api, clock: FixedClock, devices: CommandContext, zone: str
) -> None:
    clock.set(at_wall(zone, "2026-03-20T10:00:00"))
    tenant_id, admin = api.new_tenant(timezone=zone)
    provision(api, tenant_id)
    body = {"name": "Month end", "obis": [obis.ACTIVE_IMPORT], "unit": "month", "every": 1,
            "base_time": at_wall(zone, "2026-01-01T00:00:00").isoformat(), "targets": {"meters": [SERIAL]}}
    made = api.call("POST", "/v1/collection-schedules", body, admin)
    assert made.status == 201, made.body
    assert datetime.fromisoformat(made.body["next_run"]) == at_wall(zone, "2026-04-01T00:00:00")

    clock.set(at_wall(zone, "2026-03-31T23:59:30"))
    sweep(devices, [tenant_id])
    assert devices.publisher.sent == []  # type: ignore[attr-defined]
    clock.set(at_wall(zone, "2026-04-01T00:00:30"))
    sweep(devices, [tenant_id])
    assert len(devices.publisher.sent) == 1  # type: ignore[attr-defined]
    shown = api.call("GET", f"/v1/collection-schedules/{made.body['schedule_id']}", headers=admin).body
    assert datetime.fromisoformat(shown["next_run"]) == at_wall(zone, "2026-05-01T00:00:00")


def test_a_daily_collection_keeps_its_wall_clock_time_across_daylight_saving(
    api: Api, clock: FixedClock, devices: CommandContext
) -> None:
    zone = "America/New_York"
    clock.set(at_wall(zone, "2026-03-06T12:00:00"))
    tenant_id, admin = api.new_tenant(timezone=zone)
    provision(api, tenant_id)
    body = {"name": "Nightly", "obis": [obis.ACTIVE_IMPORT], "unit": "day", "every": 1,
            "base_time": at_wall(zone, "2026-03-01T03:00:00").isoformat(), "targets": {"meters": [SERIAL]}}
    made = api.call("POST", "/v1/collection-schedules", body, admin).body
    runs = []
    for _ in range(3):
        runs.append(datetime.fromisoformat(
            api.call("GET", f"/v1/collection-schedules/{made['schedule_id']}", headers=admin).body["next_run"]))
        clock.set(runs[-1] + timedelta(seconds=1))
        sweep(devices, [tenant_id])
    assert [NEW_YORK.wall(run).isoformat() for run in runs] == [
        "2026-03-07T03:00:00", "2026-03-08T03:00:00", "2026-03-09T03:00:00"]
    assert runs[1] - runs[0] == timedelta(hours=23), "the spring-forward night is an hour short"


@pytest.mark.parametrize(("before", "after", "day"), [
    ("2026-03-08T01:59:30", "2026-03-08T03:00:30", "2026-03-08"),  # clocks jump from 02:00 to 03:00
    ("2026-11-01T01:59:30", "2026-11-01T01:00:30", "2026-11-01"),  # clocks fall back from 02:00 to 01:00
])
def test_sales_across_a_daylight_saving_change_stay_on_their_day_with_rising_tids(
    api: Api, clock: FixedClock, before: str, after: str, day: str
) -> None:
    zone = "America/New_York"
    clock.set(at_wall(zone, f"{day}T00:30:00") - timedelta(days=2))
    shop = monthly_shop(api, zone)
    install(api, shop, "51000000003")
    clock.set(at_wall(zone, before))
    early = sell(api, shop, "51000000003")
    clock.advance(timedelta(minutes=1))
    late = sell(api, shop, "51000000003")

    assert (early["time_local"], late["time_local"]) == (before[:16], after[:16])
    assert late["tid"] > early["tid"]
    assert charge_codes(early) == ["MON"] and charge_codes(late) == [], "the same month: one standing charge"
    decoder = meter_decoder("51000000003")
    assert decoder.enter(early["tokens"][0]).accepted and decoder.enter(late["tokens"][0]).accepted
    assert day_rollups(api, shop, day)["M#51000000003"]["tally_count"] == 2
