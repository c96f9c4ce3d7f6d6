"""Energy, month power, consumption between readings, curve, alarm events and disconnected devices, each
checked against figures computed here from the readings, events and statuses the test generated."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from functions.ingest.rollups import TenantZones, update_rollups
from gridvend.ami.events import DEFAULT_EVENT_TYPES
from gridvend.ami.network import NetworkStatus
from gridvend.ami.rollups import StoredReading
from gridvend.auth.context import system_context
from gridvend.iot import obis
from gridvend.iot.messages import EventCode
from gridvend.store.ami.events import EventRepository, NewEvent, add_event
from gridvend.store.ami.readings import NewReading, add_readings
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from tests.api.conftest import Api
from tests.api.test_customers import archive
from tests.api.test_meters import meter_model, new_meter
from tests.api.test_roles_and_operators import _operator_with
from tests.api.vending_setup import _master_key, install, open_shop

__all__ = ["_master_key"]
ZONE = ZoneInfo("Africa/Nairobi")
Reading = tuple[str, datetime, dict[str, Decimal]]


def report(api: Api, headers: dict[str, str], name: str, query: str = "") -> Any:
    reply = api.call("GET", f"/v1/reports/{name}{query}", headers=headers)
    assert reply.status == 200, reply.body
    return reply.body


def store_readings(api: Api, tenant_id: str, readings: list[Reading]) -> None:
    """As ingest stores them and the rollup stream consumer merges them."""
    new = [
        NewReading(tenant_id, f"MOD-{serial}", f"r-{serial}-{at.timestamp()}",
                   StoredReading(serial, at.astimezone(UTC), obis.stored_registers(values)))
        for serial, at, values in readings
    ]
    assert all(add_readings(api.store, new, 90))
    update_rollups(api.store, TenantZones(api.store), [(tenant_id, reading.reading) for reading in new])


def generated(serials: list[str], first_day: date, days: int) -> list[Reading]:
    """Readings every 3 hours (local time), import growing by a different step per meter and hour."""
    readings: list[Reading] = []
    for number, serial in enumerate(serials, start=1):
        total = Decimal("1000") * number
        for offset in range(days):
            for hour in range(0, 24, 3):
                at = datetime(first_day.year, first_day.month, first_day.day, hour, 7, tzinfo=ZONE) + timedelta(
                    days=offset)
                total += Decimal(number) * Decimal("0.125") * (hour + 1)
                readings.append((serial, at, {
                    obis.ACTIVE_IMPORT: total, obis.import_rate(1): total / 2, obis.ACTIVE_EXPORT: Decimal("0.5"),
                    obis.VOLTAGE_L1: Decimal(220 + hour) + Decimal("0.5"), obis.CREDIT: Decimal(500 - hour)}))
    return readings


def per_period(readings: list[Reading], width: int) -> dict[tuple[str, str], Decimal]:
    """Import kWh of each (local period, meter): its last reading less its first, as a meter's register tells."""
    seen: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for serial, at, values in sorted(readings, key=lambda reading: reading[1]):
        seen[(at.astimezone(ZONE).isoformat()[:width], serial)].append(values[obis.ACTIVE_IMPORT])
    return {key: values[-1] - values[0] for key, values in seen.items()}


def test_energy_per_day_and_per_meter_equals_the_register_growth(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    serials = ["43000000001", "43000000002"]
    first = datetime.now(ZONE).date() - timedelta(days=5)
    readings = generated(serials, first, 3)
    store_readings(api, tenant_id, readings)
    expected = per_period(readings, 10)
    span = f"?from={first}&to={first + timedelta(days=2)}"
    detail = report(api, headers, "energy", span)
    assert {(row["period"], row["meter"]): Decimal(row["import_kwh"]) for row in detail["rows"]} == expected
    assert all(row["readings"] == 8 for row in detail["rows"])
    assert Decimal(detail["totals"]["import_kwh"]) == sum(expected.values())
    summary = report(api, headers, "energy", span + "&view=summary&meter=" + serials[1])
    assert [(row["meter"], Decimal(row["import_kwh"])) for row in summary["rows"]] == [
        (serials[1], sum(value for (_, serial), value in expected.items() if serial == serials[1]))]
    assert Decimal(summary["rows"][0]["t1_kwh"]) * 2 == Decimal(summary["rows"][0]["import_kwh"])
    one_day = report(api, headers, "energy", f"?from={first}&to={first}")
    assert {row["period"] for row in one_day["rows"]} == {first.isoformat()}


def test_month_power_is_each_meters_growth_within_each_month(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    serials = ["44000000001", "44000000002"]
    first = datetime.now(ZONE).date() - timedelta(days=4)
    readings = generated(serials, first, 3)
    store_readings(api, tenant_id, readings)
    expected = per_period(readings, 7)
    months = sorted({month for month, _ in expected})
    body = report(api, headers, "month-power", f"?from={months[0]}&to={months[-1]}")
    assert {(row["month"], row["meter"]): Decimal(row["consumption_kwh"]) for row in body["rows"]} == expected
    assert Decimal(body["totals"]["consumption_kwh"]) == sum(expected.values())


def test_consumption_between_two_readings_with_balances_and_what_was_bought(api: Api) -> None:
    shop = open_shop(api)
    serial = "45000000001"
    install(api, shop, serial)
    now = datetime.now(ZONE)
    yesterday = (now - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    store_readings(api, shop.tenant_id, [
        (serial, yesterday, {obis.ACTIVE_IMPORT: Decimal("100"), obis.CREDIT: Decimal("50")}),
        (serial, yesterday + timedelta(hours=10), {obis.ACTIVE_IMPORT: Decimal("110.250"), obis.CREDIT: Decimal("40")}),
    ])
    sold = shop.sell(api, serial, "pay-consumption-1", amount="50.00")
    assert sold.status == 201, sold.body
    later = datetime.now(ZONE) + timedelta(seconds=2)
    if later.date() != now.date():
        later = now
    store_readings(api, shop.tenant_id, [
        (serial, later, {obis.ACTIVE_IMPORT: Decimal("115.750"), obis.CREDIT: Decimal("60")})])
    body = report(api, shop.headers, "consumption", f"?from={yesterday.date()}&to={later.date()}")
    [row] = body["rows"]
    bought = Decimal(sold.body["energy_kwh"])
    assert (Decimal(row["start_kwh"]), Decimal(row["end_kwh"]), Decimal(row["consumption_kwh"])) == (
        Decimal("110.25"), Decimal("115.75"), Decimal("5.5"))
    assert (Decimal(row["start_credit_kwh"]), Decimal(row["end_credit_kwh"])) == (Decimal(40), Decimal(60))
    assert (row["purchases"], Decimal(row["bought_kwh"])) == (1, bought)
    assert Decimal(row["sales_amount"]) == Decimal(sold.body["breakdown"]["net_amount"])
    assert Decimal(row["used_credit_kwh"]) == Decimal(40) + bought - Decimal(60)
    assert row["customer_code"] == "C000001" and row["ratio"] == 1


def test_the_curve_gives_every_reading_of_the_item_or_each_days_last(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    serial = "46000000001"
    first = datetime.now(ZONE).date() - timedelta(days=3)
    readings = generated([serial], first, 2)
    store_readings(api, tenant_id, readings)
    body = report(api, headers, "curve", f"?meter={serial}&item={obis.VOLTAGE_L1}&from={first}&to={first}")
    wanted = [values[obis.VOLTAGE_L1] for _, at, values in readings if at.date() == first]
    assert [Decimal(row["value"]) for row in body["rows"]] == wanted
    assert body["chart"]["unit"] == "V"
    assert [point[1] for point in body["chart"]["series"]] == [float(value) for value in wanted]
    daily = report(api, headers, "curve", f"?meter={serial}&item={obis.ACTIVE_IMPORT}&source=day"
                                           f"&from={first}&to={first + timedelta(days=1)}")
    assert [Decimal(row["value"]) for row in daily["rows"]] == [readings[7][2][obis.ACTIVE_IMPORT],
                                                                readings[15][2][obis.ACTIVE_IMPORT]]
    for query, field in (("", "meter"), (f"?meter={serial}&item=1.2.3", "item"),
                         (f"?meter={serial}&from=2024-01-01&to=2025-06-01", "from")):
        reply = api.call("GET", f"/v1/reports/curve{query}", headers=headers)
        assert reply.status == 400 and field in str(reply.body), (query, reply.body)


def raise_event(api: Api, tenant_id: str, serial: str, code: EventCode, at: datetime) -> None:
    new = NewEvent(tenant_id, f"MOD-{serial}", f"e-{serial}-{code}", serial, at, DEFAULT_EVENT_TYPES[code.value])
    assert add_event(api.store, new)


def test_alarm_events_show_open_alarms_and_the_history_with_closed_ones(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    _, other = api.new_tenant()
    now = datetime.now(UTC)
    raise_event(api, tenant_id, "47000000001", EventCode.COVER_OPEN, now - timedelta(minutes=3))
    raise_event(api, tenant_id, "47000000001", EventCode.TAMPER, now - timedelta(minutes=2))
    raise_event(api, tenant_id, "47000000002", EventCode.LOW_CREDIT_1, now - timedelta(minutes=1))
    raise_event(api, tenant_id, "47000000002", EventCode.POWER_OFF, now)
    events = EventRepository(api.store, tenant_id)
    cover = next(alarm for alarm in events.open_alarms(limit=10, start_key=None)[0] if alarm["code"] == "cover_open")
    events.close_alarm(system_context(tenant_id, "test"), cover["alarm_id"], "fixed", now.isoformat())
    open_now = report(api, headers, "alarm-events")["rows"]
    assert [row["code"] for row in open_now] == ["low_credit_1", "tamper"]
    history = report(api, headers, "alarm-events", "?state=all")["rows"]
    assert [row["code"] for row in history] == ["low_credit_1", "tamper", "cover_open"]
    assert [row["closed_by"] for row in report(api, headers, "alarm-events", "?state=closed")["rows"]] == ["test"]
    assert [row["code"] for row in report(api, headers, "alarm-events", "?state=all&severity=5")["rows"]] == ["tamper"]
    assert [row["meter"] for row in report(api, headers, "alarm-events", "?meter=47000000002")["rows"]] == [
        "47000000002"]
    assert report(api, other, "alarm-events", "?state=all")["rows"] == []


def test_disconnected_devices_are_the_offline_and_silent_ones(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    other_tenant, other = api.new_tenant()
    registry = ThingRegistry(api.store, tenant_id)
    now = datetime.now(UTC)
    things = {"MOD-A": ("48000000001",), "MOD-B": ("48000000002",), "MOD-C": ("48000000003",),
              "DCU-1": ("48000000004", "48000000005")}
    for thing_id, meters in things.items():
        kind = ThingKind.CONCENTRATOR if thing_id.startswith("DCU") else ThingKind.MODULE
        registry.register(Thing(thing_id, kind, meters, f"{tenant_id}:{thing_id}"))
    stamp = now.isoformat(timespec="milliseconds")
    stale = (now - timedelta(hours=3)).isoformat(timespec="milliseconds")
    assert registry.put_status(NetworkStatus("MOD-A", False, stamp, stale, -90), 0)
    assert registry.put_status(NetworkStatus("MOD-B", True, stamp, stamp, -60), 0)
    assert registry.put_status(NetworkStatus("MOD-C", True, stale, stale, -70), 0)
    assert registry.put_status(NetworkStatus("DCU-1", False, stamp, stale, -80), 0)
    everything = report(api, headers, "disconnected-devices")["rows"]
    assert [(row["thing_id"], row["reason"]) for row in everything] == [
        ("DCU-1", "offline"), ("MOD-A", "offline"), ("MOD-C", "silent")]
    assert report(api, headers, "disconnected-devices")["totals"]["meter_count"] == 4
    meters = report(api, headers, "disconnected-devices", "?devices=meters&silent=false")["rows"]
    assert [row["thing_id"] for row in meters] == ["MOD-A"]
    gateways = report(api, headers, "disconnected-devices", "?devices=gateways")["rows"]
    assert [(row["thing_id"], row["meters"]) for row in gateways] == [("DCU-1", "48000000004 48000000005")]
    assert report(api, other, "disconnected-devices")["rows"] == []
    viewer = _operator_with(api, other, other_tenant, ["reports:view"])
    assert api.call("GET", "/v1/reports/disconnected-devices", headers=viewer).status == 403
    assert api.call("GET", "/v1/reports/energy", headers=viewer).status == 403


def test_energy_reports_of_one_tenant_never_show_another_tenants_meters(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    _, other = api.new_tenant()
    first = datetime.now(ZONE).date() - timedelta(days=2)
    store_readings(api, tenant_id, generated(["49000000001"], first, 1))
    span = f"?from={first}&to={first}"
    assert len(report(api, headers, "energy", span)["rows"]) == 1
    assert report(api, other, "energy", span)["rows"] == []
    assert report(api, other, "month-power", f"?from={first:%Y-%m}&to={first:%Y-%m}")["rows"] == []
    assert report(api, other, "curve", f"?meter=49000000001&from={first}&to={first}")["rows"] == []


def test_bad_energy_report_queries_are_refused_naming_the_field(api: Api) -> None:
    _, headers = api.new_tenant()
    for name, query, field in (
        ("energy", "?from=2025-03-02&to=2025-03-01", "to"), ("energy", "?from=2024-01-01&to=2025-06-01", "from"),
        ("energy", "?period=week", "period"), ("energy", "?from=2025-02-30", "from"),
        ("month-power", "?from=2020-01&to=2025-01", "from"), ("month-power", "?to=2025-1", "to"),
        ("consumption", "?meter=a;b", "meter"), ("alarm-events", "?severity=9", "severity"),
        ("alarm-events", "?state=gone", "state"), ("disconnected-devices", "?devices=phones", "devices"),
        ("curve", "?meter=1&source=hourly", "source"), ("energy", "?from=0000-01-01", "from"),
        ("month-power", "?from=0000-05", "from"), ("alarm-events", "?state=all&from=1990-01", "from"),
    ):
        reply = api.call("GET", f"/v1/reports/{name}{query}", headers=headers)
        assert reply.status == 400, (name, query, reply.body)
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert field in str(reply.body), (name, query, reply.body)


def test_energy_reports_filter_by_meter_model_branch_and_region(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    region = archive(api, headers, "regions", {"code": "R1", "name": "Coast"})
    branch = archive(api, headers, "branches", {"code": "B1", "name": "Mombasa", "region_id": region})
    first_model, second_model = meter_model(api, headers, "M1"), meter_model(api, headers, "M2")
    new_meter(api, headers, "50000000001", first_model)
    new_meter(api, headers, "50000000002", second_model, branch_id=branch)
    first = datetime.now(ZONE).date() - timedelta(days=2)
    store_readings(api, tenant_id, generated(["50000000001", "50000000002"], first, 1))
    span = f"?from={first}&to={first}"
    for query in (f"&meter_model={second_model}", f"&branch={branch}", f"&region={region}"):
        assert [row["meter"] for row in report(api, headers, "energy", span + query)["rows"]] == ["50000000002"]
    assert [row["meter"] for row in report(api, headers, "month-power", f"?meter_model={first_model}")["rows"]] == [
        "50000000001"]
    status = report(api, headers, "meter-status", f"?view=detail&region={region}")["rows"]
    assert [row["serial"] for row in status] == ["50000000002"]
