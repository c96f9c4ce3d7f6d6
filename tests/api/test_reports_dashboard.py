"""The dashboard reads counters that the stream handler keeps: every figure equals what the test counts
itself from the meters, customers, things, readings, events, alarms and sales it made."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from functions.ingest.rollups import TenantZones, update_rollups
from functions.reports.recount import recount
from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.ami.events import DEFAULT_EVENT_TYPES
from gridvend.archives.kinds import ARCHIVE_KINDS
from gridvend.iot import obis
from gridvend.iot.messages import EventCode
from gridvend.reports.counts import CountChange
from gridvend.store.ami.events import NewEvent, add_event
from gridvend.store.ami.readings import NewReading, add_readings, stored_reading
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from gridvend.store.items import Item, ItemStore
from gridvend.store.report_counts import CountRepository
from tests.api.conftest import Api
from tests.api.test_customers import archive
from tests.api.test_meters import meter_model, new_meter
from tests.api.test_reports import tenant_items
from tests.api.test_roles_and_operators import _operator_with
from tests.api.vending_setup import Shop, _master_key, install, open_shop
from tests.stores import unique_tenant

__all__ = ["_master_key"]
ZONE = ZoneInfo("Africa/Nairobi")


def tenant_records(api: Api, tenant_id: str, serials: list[str]) -> list[Item]:
    """Every item the dashboard counts, as the table's stream would hand them over (INSERT)."""
    prefix = f"T#{tenant_id}#"
    partitions = ["METER", "CUST", "THING", "THINGMETER", "POC", "VEND",
                  *(f"ARC#{kind}" for kind in ARCHIVE_KINDS),
                  *(f"EV#{serial}" for serial in serials), *(f"RU#{serial}" for serial in serials)]
    today = datetime.now(UTC)
    partitions += [f"ALARM#{month:%Y-%m}" for month in (today, today - timedelta(days=28))]
    return [item for partition in dict.fromkeys(partitions) for item in tenant_items(api.store, prefix + partition)]


def feed(api: Api, items: list[Item]) -> None:
    outcome = process_stream_batch(stream_event([stream_record("INSERT", item) for item in items]), api.store,
                                   TenantFacts(api.store))
    assert outcome["batchItemFailures"] == []


def read(api: Api, tenant_id: str, serial: str, at: datetime, kwh: str) -> None:
    registers = obis.stored_registers({obis.ACTIVE_IMPORT: Decimal(kwh)})
    new = NewReading(tenant_id, f"MOD-{serial}", f"m-{serial}-{at.timestamp()}",
                     stored_reading({"data": {"meter": serial, "at": at.isoformat(), "registers": registers}}))
    assert add_readings(api.store, [new], 90) == [True]
    update_rollups(api.store, TenantZones(api.store), [(tenant_id, new.reading)])


def raise_event(api: Api, tenant_id: str, serial: str, code: EventCode, at: datetime) -> None:
    new = NewEvent(tenant_id, f"MOD-{serial}", f"e-{serial}-{code}-{at.timestamp()}", serial, at,
                   DEFAULT_EVENT_TYPES[code.value])
    assert add_event(api.store, new)


def scene(api: Api) -> tuple[Shop, dict[str, Any]]:
    """Two meters in service with modules, one in the warehouse, readings over two days, events, two sales,
    and a project with a point of collection beside one without."""
    shop = open_shop(api)
    serials = ["41000000001", "41000000002"]
    for serial in serials:
        install(api, shop, serial)
        ThingRegistry(api.store, shop.tenant_id).register(
            Thing(f"MOD-{serial}", ThingKind.MODULE, (serial,), f"{shop.tenant_id}:{serial}"))
    new_meter(api, shop.headers, "41000000003", meter_model(api, shop.headers, "M9"))
    now = datetime.now(UTC).astimezone(ZONE)
    today = now.replace(hour=0, minute=5, second=0, microsecond=0)
    yesterday = today - timedelta(days=1)
    times = {serials[0]: [yesterday + timedelta(hours=h) for h in (1, 5, 9, 13)] + [today, today + timedelta(
        minutes=10)], serials[1]: [today, today + timedelta(minutes=3), today + timedelta(minutes=7)]}
    for serial, moments in times.items():
        for position, moment in enumerate(moments):
            read(api, shop.tenant_id, serial, moment, f"{100 + position}.5")
    raise_event(api, shop.tenant_id, serials[0], EventCode.COVER_OPEN, today.astimezone(UTC))
    raise_event(api, shop.tenant_id, serials[0], EventCode.TAMPER, today.astimezone(UTC))
    raise_event(api, shop.tenant_id, serials[1], EventCode.COVER_OPEN, today.astimezone(UTC))
    raise_event(api, shop.tenant_id, serials[1], EventCode.POWER_OFF, today.astimezone(UTC))
    sold = [shop.sell(api, serial, f"pay-dash-{serial}", amount="40.00") for serial in serials]
    assert all(reply.status == 201 for reply in sold)
    site = archive(api, shop.headers, "sites", {"code": "S1", "name": "Village"})
    used = archive(api, shop.headers, "projects", {"code": "P1", "name": "Phase 1", "site_id": site})
    archive(api, shop.headers, "projects", {"code": "P2", "name": "Phase 2", "site_id": site})
    grid = archive(api, shop.headers, "power-grids", {"code": "G1", "name": "Grid 1", "project_id": used})
    poc = {"serial": serials[0], "name": "POC 1", "customer_code": "C000001", "site_id": site, "project_id": used,
           "grid_id": grid}
    assert api.call("POST", "/v1/points-of-collection", poc, shop.headers).status == 201
    return shop, {"serials": serials, "times": times, "today": today.date(),
                  "receipts": [reply.body for reply in sold]}


def dashboard(api: Api, headers: dict[str, str], query: str = "") -> Any:
    reply = api.call("GET", f"/v1/dashboard{query}", headers=headers)
    assert reply.status == 200, reply.body
    return reply.body


def test_the_dashboard_figures_equal_the_counts_of_what_was_made(api: Api) -> None:
    shop, made = scene(api)
    feed(api, tenant_records(api, shop.tenant_id, made["serials"]))
    body = dashboard(api, shop.headers, f"?days=2&expected=4&top_month={made['today']:%Y-%m}")
    assert body["meter_status"]["by_state"] == {"in_service": 2, "in_warehouse": 1}
    assert body["meter_status"]["by_using"] == {"using": 2, "in_warehouse": 1}
    rate = body["reading_rate"]
    received = sum(len(moments) for moments in made["times"].values())
    assert (rate["connected_meters"], rate["received"], rate["expected"]) == (2, received, 2 * 4 * 2)
    assert rate["rate"] == round(received / 16, 4)
    assert [day["meters_reporting"] for day in rate["by_day"]] == [1, 2]
    events = {entry["code"]: entry["count"] for entry in body["events_by_type"]}
    assert events == dict(Counter(["cover_open", "cover_open", "tamper", "power_off"]))
    assert body["open_alarms"]["total"] == 3
    summary = body["archive_summary"]
    assert (summary["meters"], summary["customers"], summary["communication_modules"]) == (3, 2, 2)
    assert (summary["points_of_collection"], summary["projects"], summary["sites"]) == (1, 2, 1)
    models = api.call("GET", "/v1/archives/meter-models", headers=shop.headers).body["items"]
    assert summary["meter-models"] == len(models)
    projects = {p["code"]: p["status"] for p in body["project_status"]["projects"]}
    assert projects == {"P1": "in_use", "P2": "no_points"}
    month = next(m for m in body["billing_by_month"] if m["month"] == f"{made['today']:%Y-%m}")
    net = sum(Decimal(r["breakdown"]["net_amount"]) for r in made["receipts"])
    assert (month["sales_count"], Decimal(month["sales_amount"]), month["meters_billed"]) == (2, net, 2)
    assert month["meters_not_billed"] == 0 and len(body["billing_by_month"]) == 12
    assert [Decimal(p["sales_amount"]) for p in body["top_sales_points"]] == [net]
    # Only the first meter has a point of collection (in P1).
    assert [(p["code"], p["meters_billed"]) for p in body["top_projects"]] == [("P1", 1)]


def test_counters_count_each_record_once_and_follow_moves_and_removals(api: Api) -> None:
    shop, made = scene(api)
    records = tenant_records(api, shop.tenant_id, made["serials"])
    wire = [stream_record("INSERT", item) for item in records]
    # A batch cut short and delivered again, then the whole batch twice: each record counts once.
    for part in (wire[: len(wire) // 3], wire, wire):
        assert process_stream_batch(stream_event(part), api.store, TenantFacts(api.store))["batchItemFailures"] == []
    assert dashboard(api, shop.headers)["meter_status"]["by_state"] == {"in_service": 2, "in_warehouse": 1}
    warehouse = next(item for item in records if item.get("entity") == "meter" and item["sk"] == "M#41000000003")
    scrapped = {**warehouse, "data": {**warehouse["data"], "state": "scrapped"}}
    process_stream_batch(stream_event([stream_record("MODIFY", scrapped, warehouse)]), api.store,
                         TenantFacts(api.store))
    states = dashboard(api, shop.headers)["meter_status"]["by_state"]
    assert {state: count for state, count in states.items() if count} == {"in_service": 2, "scrapped": 1}
    process_stream_batch(stream_event([stream_record("REMOVE", None, scrapped)]), api.store, TenantFacts(api.store))
    states = dashboard(api, shop.headers)["meter_status"]["by_state"]
    assert {state: count for state, count in states.items() if count} == {"in_service": 2}


def test_the_dashboard_agrees_with_the_meter_status_report(api: Api) -> None:
    shop, made = scene(api)
    feed(api, tenant_records(api, shop.tenant_id, made["serials"]))
    by_state = api.call("GET", "/v1/reports/meter-status?summary_by=state", headers=shop.headers).body["rows"]
    assert dashboard(api, shop.headers)["meter_status"]["by_state"] == {row["state"]: row["count"] for row in by_state}


def test_another_tenant_sees_nothing_of_it_and_bad_input_is_refused(api: Api) -> None:
    shop, made = scene(api)
    feed(api, tenant_records(api, shop.tenant_id, made["serials"]))
    other_tenant, other = api.new_tenant()
    empty = dashboard(api, other)
    assert empty["meter_status"]["total"] == 0 and empty["reading_rate"]["received"] == 0
    assert empty["events_by_type"] == [] and all(m["sales_count"] == 0 for m in empty["billing_by_month"])
    for query, field in (("?days=0", "days"), ("?days=x", "days"), ("?expected=2000", "expected"),
                         ("?top_month=2025-13", "top_month")):
        reply = api.call("GET", f"/v1/dashboard{query}", headers=shop.headers)
        assert reply.status == 400 and field in str(reply.body), (query, reply.body)
    clerk = _operator_with(api, other, other_tenant, ["vending:view"])
    assert api.call("GET", "/v1/dashboard", headers=clerk).status == 403


def test_a_recount_from_the_records_gives_the_totals_the_stream_keeps(api: Api) -> None:
    shop, made = scene(api)
    feed(api, tenant_records(api, shop.tenant_id, made["serials"]))
    streamed = dashboard(api, shop.headers)
    counters = f"T#{shop.tenant_id}#RPT#COUNT"
    api.store.put({"pk": counters, "sk": "meters|in_service|drifted", "entity": "report-count", "tally_count": 7})
    api.store.put({"pk": counters, "sk": "customers|active", "entity": "report-count", "tally_count": 99})
    recount(api.store, shop.tenant_id)
    counted = dashboard(api, shop.headers)
    for part in ("meter_status", "archive_summary", "project_status", "open_alarms"):
        assert counted[part] == streamed[part], part
    assert counted["meter_status"]["by_state"] == {"in_service": 2, "in_warehouse": 1}
    assert counted["archive_summary"]["customers"] == 2 and counted["open_alarms"]["total"] == 3


def test_many_records_count_in_chunked_transactions_and_each_once(item_store: ItemStore) -> None:
    counts = CountRepository(item_store, unique_tenant())
    records = [
        (f"ev-{number}", [CountChange(None, "meters|in_service|m1", 1),
                          CountChange("2025-01", f"readings|2025-01-{number % 28 + 1:02d}", 2)])
        for number in range(230)
    ]
    assert counts.apply_many(records) == 230
    again = [*records[100:130], ("ev-new", [CountChange(None, "customers|active", 1)])]
    assert counts.apply_many(again) == 1
    assert counts.totals() == {"meters|in_service|m1": 230, "customers|active": 1}
    monthly = counts.of_months(["2025-01"])
    assert len(monthly) == 28 and sum(monthly.values()) == 2 * 230


def test_the_openapi_document_names_the_report_routes(api: Api) -> None:
    paths = api.call("GET", "/v1/openapi.json").body["paths"]
    assert {"/v1/dashboard", "/v1/reports", "/v1/reports/{name}", "/v1/reports/{name}/exports"} <= set(paths)
