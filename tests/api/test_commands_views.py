"""What ingest stored, through the API: readings and rollups, events and alarms (closing one), the
network monitor and shadows; each tenant sees only its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import BaseModel

from functions.commands.context import CommandContext, use_context
from functions.commands.notifier import RecordingMailer
from functions.commands.wiring import ack_handler, event_listeners
from functions.ingest.directory import Directory
from functions.ingest.network import NetworkTracker
from functions.ingest.rollups import TenantZones, update_rollups
from functions.ingest.service import Ingestor, Outcome
from gridvend.ami.rollups import StoredReading
from gridvend.iot import obis
from gridvend.iot.messages import EventCode, EventMessage, ReadingMessage
from gridvend.iot.publishing import MemoryShadowStore, RecordingPublisher
from gridvend.iot.rule_events import read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.firmware import MemoryObjectStore
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from tests.api.conftest import Api

SERIAL = "04710000001"
THING = f"MOD-{SERIAL}"
_counter = iter(range(1_000_000))


@pytest.fixture
def devices(api: Api) -> Iterator[CommandContext]:
    context = CommandContext(api.store, RecordingPublisher(), MemoryShadowStore(), MemoryObjectStore())
    use_context(context)
    yield context
    use_context(None)


def provision(api: Api, tenant_id: str, serial: str = SERIAL) -> None:
    ThingRegistry(api.store, tenant_id).register(Thing(f"MOD-{serial}", ThingKind.MODULE, (serial,), f"{tenant_id}:x"))


def ingest(api: Api, context: CommandContext, tenant_id: str, message: BaseModel, channel: Channel,
           thing: str = THING) -> Outcome:
    ingestor = Ingestor(api.store, Directory(api.store), NetworkTracker(api.store), ack_handler(api.store, context),
                        event_listeners(api.store, context, RecordingMailer()))
    body = json.dumps(rule_message(uplink_topic(tenant_id, thing, channel), message.model_dump_json().encode(),
                                   int(datetime.now(UTC).timestamp() * 1000)))
    return ingestor.ingest([read_uplink(body)])[0]


def msg_id() -> str:
    return f"msg-{next(_counter):010d}"


def reading(at: datetime, kwh: str, serial: str = SERIAL) -> ReadingMessage:
    return ReadingMessage(msg_id=msg_id(), meter=serial, at=at, registers={
        obis.ACTIVE_IMPORT: Decimal(kwh), obis.VOLTAGE_L1: Decimal("229.5"), obis.CREDIT: Decimal("12.5")})


def event(code: EventCode, at: datetime | None = None, **detail: str | int | bool) -> EventMessage:
    return EventMessage(msg_id=msg_id(), meter=SERIAL, at=at or datetime.now(UTC), code=code, detail=detail)


def test_readings_and_rollups_show_in_wire_units(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    _, other = api.new_tenant()
    provision(api, tenant_id)
    day = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0) - timedelta(days=1)
    hourly = ((0, "100.250"), (6, "103.000"), (12, "104.5"))
    messages = [reading(day + timedelta(hours=hour), kwh) for hour, kwh in hourly]
    for message in messages:
        ingest(api, devices, tenant_id, message, Channel.READING)
    stored = [StoredReading(SERIAL, message.at, obis.stored_registers(dict(message.registers))) for message in messages]
    update_rollups(api.store, TenantZones(api.store), [(tenant_id, reading_) for reading_ in stored])
    period = f"{day:%Y-%m-%d}"

    raw = api.call("GET", f"/v1/readings?meter={SERIAL}&since={(day - timedelta(hours=1)).isoformat()}", headers=admin)
    daily = api.call("GET", f"/v1/rollups?meter={SERIAL}&kind=day&from={period}&to={period}&expected=24", headers=admin)
    everyone = api.call("GET", f"/v1/rollups/{period}?expected=24", headers=admin)
    stranger = api.call("GET", f"/v1/rollups/{period}", headers=other)

    assert raw.status == 200 and [item["registers"][obis.ACTIVE_IMPORT] for item in raw.body["items"]] == [
        "104.500", "103.000", "100.250"]
    assert raw.body["items"][0]["registers"][obis.VOLTAGE_L1] == "229.5"
    shown = daily.body["items"][0]
    assert (shown["import_kwh"], shown["readings"], shown["success_rate"]) == ("4.250", 3, 0.125)
    assert [item["meter"] for item in everyone.body["items"]] == [SERIAL]
    assert stranger.body["items"] == []


def test_bad_query_parameters_name_the_field(api: Api, devices: CommandContext) -> None:
    _, admin = api.new_tenant()
    cases = {
        "/v1/readings?meter=no%20such": "meter",
        f"/v1/readings?meter={SERIAL}&since=yesterday": "since",
        f"/v1/rollups?meter={SERIAL}&kind=week": "kind",
        f"/v1/rollups?meter={SERIAL}&from=2025-02-30": "from",
        "/v1/events?day=2025-13-01": "day",
        "/v1/alarms?month=2025-1": "month",
    }
    for path, field in cases.items():
        reply = api.call("GET", path, headers=admin)
        assert (reply.status, reply.body["errors"][0]["field"]) == (400, field), path


def test_an_alarm_event_opens_an_alarm_that_an_operator_closes(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    ingest(api, devices, tenant_id, event(EventCode.COVER_OPEN), Channel.EVENT)
    ingest(api, devices, tenant_id, event(EventCode.POWER_ON), Channel.EVENT)

    open_alarms = api.call("GET", "/v1/alarms", headers=admin).body["items"]
    alarm_id = open_alarms[0]["alarm_id"]
    closed = api.call("POST", f"/v1/alarms/{alarm_id}/close", {"note": "cover sealed again"}, admin)
    again = api.call("POST", f"/v1/alarms/{alarm_id}/close", {}, admin)
    day_events = api.call("GET", "/v1/events", headers=admin).body["items"]
    audit = api.call("GET", "/v1/audit?entity=alarm", headers=admin).body["items"]

    assert [alarm["code"] for alarm in open_alarms] == ["cover_open"]
    assert closed.status == 200 and closed.body["state"] == "closed" and closed.body["closed_by"] == "admin"
    assert again.status == 409
    assert api.call("GET", "/v1/alarms", headers=admin).body["items"] == []
    assert sorted(item["code"] for item in day_events) == ["cover_open", "power_on"]
    assert [entry["action"] for entry in audit] == ["close"]


def test_the_tenants_event_types_decide_what_raises_an_alarm(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    seeded = api.call("GET", "/v1/archives/event-types?limit=200", headers=admin).body["items"]
    power_off = next(record for record in seeded if record["code"] == "POWER_OFF")
    changed = api.call("PATCH", f"/v1/archives/event-types/{power_off['id']}",
                       {"name": "Outage", "alarm": True, "severity": 4}, admin)
    assert changed.status == 200, changed.body
    ingest(api, devices, tenant_id, event(EventCode.POWER_OFF), Channel.EVENT)

    alarms = api.call("GET", "/v1/alarms", headers=admin).body["items"]

    assert [(alarm["code"], alarm["name"], alarm["severity"]) for alarm in alarms] == [("power_off", "Outage", 4)]


def test_the_network_monitor_follows_online_and_offline(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    provision(api, tenant_id, "04710000002")
    ingest(api, devices, tenant_id, event(EventCode.MODULE_ONLINE, signal_dbm=-71), Channel.EVENT)
    online = api.call("GET", "/v1/network", headers=admin).body
    ingest(api, devices, tenant_id, event(EventCode.MODULE_OFFLINE, datetime.now(UTC) + timedelta(seconds=5)),
           Channel.EVENT)
    offline = api.call("GET", f"/v1/things/{THING}", headers=admin).body

    by_thing = {item["thing_id"]: item for item in online["items"]}
    assert (by_thing[THING]["online"], by_thing[THING]["signal_dbm"]) == (True, -71)
    assert by_thing["MOD-04710000002"]["online"] is False and by_thing["MOD-04710000002"]["silent"] is True
    assert online["page_summary"] == {"online": 1, "offline": 1}
    assert (offline["online"], offline["meters"]) == (False, [SERIAL])
    assert api.call("GET", "/v1/things/MOD-NOPE", headers=admin).status == 404


def test_a_meters_shadow_shows_desired_and_reported_relay_state(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    api.call("POST", "/v1/commands", {"kind": "relay_disconnect", "targets": {"meters": [SERIAL]}}, admin)
    ingest(api, devices, tenant_id, event(EventCode.RELAY_OPEN, mode="prepayment"), Channel.EVENT)

    shadow = api.call("GET", f"/v1/shadows/{SERIAL}", headers=admin).body

    assert shadow["desired"] == {"relay": "open"}
    assert shadow["reported"] == {"relay": "open", "mode": "prepayment"}
    assert api.call("GET", "/v1/shadows/04719999999", headers=admin).status == 404


def test_a_redelivered_reading_is_stored_once_on_either_store(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    at = datetime.now(UTC) - timedelta(minutes=5)
    first = reading(at, "10.000")
    altered = first.model_copy(update={"registers": {obis.ACTIVE_IMPORT: Decimal("99.000")}})

    outcomes = [ingest(api, devices, tenant_id, message, Channel.READING) for message in (first, first, altered)]
    shown = api.call("GET", f"/v1/readings?meter={SERIAL}&since={(at - timedelta(minutes=1)).isoformat()}",
                     headers=admin).body["items"]

    assert [outcome.status.value for outcome in outcomes] == ["stored", "duplicate", "duplicate"]
    assert [item["registers"][obis.ACTIVE_IMPORT] for item in shown] == ["10.000"]  # the first one wins
