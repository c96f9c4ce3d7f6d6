"""`/v1/collection-schedules`: periodic reads of chosen OBIS items; the sweeper starts each due run once
as a read task, and the answers are kept as readings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from functions.commands.acks import apply_ack
from functions.commands.context import CommandContext
from functions.commands.sweeper import sweep
from gridvend.clock import utc_now
from gridvend.iot import obis
from gridvend.iot.messages import AckMessage, AckStatus
from gridvend.iot.rule_events import read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.readings import ReadingRepository
from tests.api.commands_setup import Clock, clock, devices
from tests.api.conftest import Api
from tests.api.test_commands_views import SERIAL, THING, provision

__all__ = ["clock", "devices"]


def _schedule(**changes: object) -> dict[str, object]:
    return {
        "name": "Hourly energy", "obis": [obis.ACTIVE_IMPORT, obis.CREDIT], "unit": "minute", "every": 15,
        "base_time": (utc_now() - timedelta(hours=1)).isoformat(), "targets": {"meters": [SERIAL]},
        **changes,
    }


def test_a_schedule_is_checked_and_its_next_run_lies_ahead(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)

    made = api.call("POST", "/v1/collection-schedules", _schedule(), admin)
    too_often = api.call("POST", "/v1/collection-schedules", _schedule(every=65), admin)
    weekly = api.call("POST", "/v1/collection-schedules", _schedule(unit="week"), admin)
    unknown = api.call("POST", "/v1/collection-schedules", _schedule(obis=["1.2.3.4.5.6"]), admin)
    naive = api.call("POST", "/v1/collection-schedules", _schedule(base_time="2025-01-01T00:00:00"), admin)

    assert made.status == 201, made.body
    next_run = datetime.fromisoformat(made.body["next_run"])
    assert utc_now() < next_run <= utc_now() + timedelta(minutes=15)
    assert [reply.body["errors"][0]["field"] for reply in (too_often, weekly, unknown, naive)] == [
        "every", "unit", "obis", "base_time"]


def test_a_due_schedule_runs_once_and_its_answers_become_readings(api: Api, devices: CommandContext,
                                                                   clock: Clock) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    schedule = api.call("POST", "/v1/collection-schedules", _schedule(), admin).body
    clock.now = datetime.fromisoformat(schedule["next_run"]) + timedelta(seconds=1)

    sweep(devices, [tenant_id])
    sweep(devices, [tenant_id])

    sent = devices.publisher.sent  # type: ignore[attr-defined]
    assert len(sent) == 1 and sent[0][2].params == {"obis": [obis.ACTIVE_IMPORT, obis.CREDIT]}
    command = sent[0][2]
    ack = AckMessage(msg_id="schedule-answer-1", meter=SERIAL, at=clock.now, command_id=command.command_id,
                     status=AckStatus.DONE, result={obis.ACTIVE_IMPORT: "12.345", obis.CREDIT: "7.5"})
    body = json.dumps(rule_message(uplink_topic(tenant_id, THING, Channel.ACK), ack.model_dump_json().encode(),
                                   int(clock.now.timestamp() * 1000)))
    apply_ack(devices, read_uplink(body))

    shown = api.call("GET", f"/v1/collection-schedules/{schedule['schedule_id']}", headers=admin).body
    assert len(shown["runs"]) == 1 and datetime.fromisoformat(shown["next_run"]) > clock.now
    task = api.call("GET", f"/v1/tasks/{shown['runs'][0]['task_id']}", headers=admin).body
    assert (task["status"], task["source"]) == ("done", schedule["schedule_id"])
    items, _ = ReadingRepository(api.store, tenant_id).between(SERIAL, clock.now - timedelta(minutes=1),
                                                              clock.now + timedelta(minutes=1))
    registers = items[0]["data"]["registers"]
    assert (int(registers[obis.ACTIVE_IMPORT]), int(registers[obis.CREDIT])) == (12345, 7500)
    assert items[0]["data"]["source"] == task["task_id"]
    assert Decimal(12345).scaleb(-3) == Decimal("12.345")


def test_a_deleted_schedule_is_gone_and_other_tenants_never_see_it(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    _, other = api.new_tenant()
    provision(api, tenant_id)
    schedule = api.call("POST", "/v1/collection-schedules", _schedule(), admin).body
    path = f"/v1/collection-schedules/{schedule['schedule_id']}"

    assert api.call("GET", path, headers=other).status == 404
    assert api.call("DELETE", path, headers=other).status == 404
    assert api.call("DELETE", path, headers=admin).status == 204
    assert api.call("GET", path, headers=admin).status == 404
