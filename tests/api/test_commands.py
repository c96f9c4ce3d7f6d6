"""`/v1/commands` and `/v1/tasks`: a command to meters becomes a task with one tracked command per meter,
published to the thing that serves each meter; answers move the states; retry, cancel, two tenants."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from functions.commands.acks import apply_ack
from functions.commands.context import CommandContext, use_context
from gridvend.iot.messages import AckMessage, AckStatus, CommandKind
from gridvend.iot.publishing import MemoryShadowStore, RecordingPublisher
from gridvend.iot.rule_events import read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.firmware import MemoryObjectStore
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from tests.api.conftest import Api

SERIALS = ["04710000001", "04710000002"]
UNSERVED = "04710000999"


@pytest.fixture
def devices(api: Api) -> Iterator[CommandContext]:
    context = CommandContext(api.store, RecordingPublisher(), MemoryShadowStore(), MemoryObjectStore())
    use_context(context)
    yield context
    use_context(None)


def _provisioned(api: Api, tenant_id: str) -> None:
    registry = ThingRegistry(api.store, tenant_id)
    for serial in SERIALS:
        registry.register(Thing(f"MOD-{serial}", ThingKind.MODULE, (serial,), f"{tenant_id}:MOD-{serial}"))


def _answer(context: CommandContext, tenant_id: str, command_id: str, meter: str, status: AckStatus,
            **fields: Any) -> None:
    ack = AckMessage(msg_id=f"ack{command_id[-12:]}{status.value}".replace(".", "-")[:60], meter=meter,
                     at=datetime.now(UTC), command_id=command_id, status=status, **fields)
    topic = uplink_topic(tenant_id, f"MOD-{meter}", Channel.ACK)
    body = json.dumps(rule_message(topic, ack.model_dump_json().encode(), int(datetime.now(UTC).timestamp() * 1000)))
    apply_ack(context, read_uplink(body))


def test_a_command_becomes_a_task_with_one_command_per_meter_sent_to_its_thing(
    api: Api, devices: CommandContext
) -> None:
    tenant_id, admin = api.new_tenant()
    _provisioned(api, tenant_id)
    body = {"kind": "relay_disconnect", "targets": {"meters": [*SERIALS, UNSERVED]}}

    created = api.call("POST", "/v1/commands", body, admin)

    assert created.status == 201, created.body
    assert created.body["total"] == 3 and created.body["status"] == "running"
    assert created.body["states"] == {"sent": 2, "failed": 1}
    sent = devices.publisher.sent  # type: ignore[attr-defined]
    assert sorted((tenant, thing, command.meter, command.kind) for tenant, thing, command in sent) == [
        (tenant_id, f"MOD-{serial}", serial, CommandKind.RELAY_DISCONNECT) for serial in SERIALS
    ]
    commands = api.call("GET", f"/v1/tasks/{created.body['task_id']}/commands", headers=admin).body["items"]
    unserved = next(command for command in commands if command["meter"] == UNSERVED)
    assert unserved["reason"] == "no communication module serves this meter"


def test_answers_move_each_command_and_the_task_to_done(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    _provisioned(api, tenant_id)
    task = api.call("POST", "/v1/commands", {"kind": "relay_connect", "targets": {"meters": SERIALS}}, admin).body
    for _, _, command in devices.publisher.sent:  # type: ignore[attr-defined]
        _answer(devices, tenant_id, command.command_id, command.meter, AckStatus.RECEIVED)
    halfway = api.call("GET", f"/v1/tasks/{task['task_id']}", headers=admin).body
    first = devices.publisher.sent[0][2]  # type: ignore[attr-defined]
    _answer(devices, tenant_id, first.command_id, first.meter, AckStatus.DONE, result={"relay": "closed"})

    shown = api.call("GET", f"/v1/tasks/{task['task_id']}", headers=admin).body

    assert halfway["states"] == {"acknowledged": 2}
    assert shown["states"] == {"acknowledged": 1, "done": 1} and shown["percent"] == 50
    assert devices.shadows.get(tenant_id, f"MOD-{first.meter}", first.meter) == {
        "desired": {"relay": "closed"}, "reported": {"relay": "closed"}
    }


def test_each_kind_checks_its_params_and_the_targets(api: Api, devices: CommandContext) -> None:
    _, admin = api.new_tenant()
    bad_params = api.call("POST", "/v1/commands", {"kind": "set_power_threshold", "targets": {"meters": SERIALS},
                                                   "params": {"watts": -5}}, admin)
    two_targets = api.call("POST", "/v1/commands", {"kind": "relay_connect",
                                                    "targets": {"meters": SERIALS, "concentrator": "DCU-1"}}, admin)
    unknown_kind = api.call("POST", "/v1/commands", {"kind": "self_destruct", "targets": {"meters": SERIALS}}, admin)
    unknown_obis = api.call("POST", "/v1/commands", {"kind": "read", "targets": {"meters": SERIALS},
                                                     "params": {"obis": ["9.9.9.9.9.9"]}}, admin)

    assert (bad_params.status, bad_params.body["errors"][0]["field"]) == (400, "params.watts")
    assert two_targets.status == 400 and two_targets.body["errors"][0]["field"].startswith("targets")
    assert (unknown_kind.status, unknown_kind.body["errors"][0]["field"]) == (400, "kind")
    assert unknown_obis.status == 400
    assert devices.publisher.sent == []  # type: ignore[attr-defined]


def test_a_meter_password_reaches_the_meter_and_nothing_keeps_it(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    _provisioned(api, tenant_id)
    secret = "Zq81secret"
    body = {"kind": "change_password", "targets": {"meters": SERIALS[:1]}, "params": {"level": 2, "password": secret}}

    task = api.call("POST", "/v1/commands", body, admin).body

    assert devices.publisher.sent[0][2].params == {"level": 2, "password": secret}  # type: ignore[attr-defined]
    assert task["params"] == {"level": 2, "password": "***"} and task["max_attempts"] == 1
    paths = [f"/v1/tasks/{task['task_id']}/commands", f"/v1/tasks/{task['task_id']}", "/v1/tasks", "/v1/audit"]
    stored = json.dumps([api.call("GET", path, headers=admin).body for path in paths])
    assert secret not in stored
    if hasattr(api.store, "all_items"):
        assert secret not in json.dumps(api.store.all_items(), default=str)


def test_retry_sends_failed_commands_again_and_cancel_stops_waiting_ones(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    _provisioned(api, tenant_id)
    task = api.call("POST", "/v1/commands", {"kind": "forced_on", "targets": {"meters": SERIALS}}, admin).body
    first, _ = (command for _, _, command in devices.publisher.sent)  # type: ignore[attr-defined]
    _answer(devices, tenant_id, first.command_id, first.meter, AckStatus.FAILED, reason="relay welded")

    retried = api.call("POST", f"/v1/tasks/{task['task_id']}/retry", headers=admin).body
    cancelled = api.call("POST", f"/v1/tasks/{task['task_id']}/cancel", headers=admin).body

    assert retried["retried"] == 1 and len(devices.publisher.sent) == 3  # type: ignore[attr-defined]
    assert cancelled["cancelled"] == 2 and cancelled["status"] == "failed"
    assert cancelled["states"] == {"cancelled": 2} and cancelled["percent"] == 100


def test_a_task_belongs_to_its_tenant(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    _, other_admin = api.new_tenant()
    _provisioned(api, tenant_id)
    task = api.call("POST", "/v1/commands", {"kind": "relay_connect", "targets": {"meters": SERIALS}}, admin).body

    assert api.call("GET", f"/v1/tasks/{task['task_id']}", headers=other_admin).status == 404
    assert api.call("GET", "/v1/tasks", headers=other_admin).body["items"] == []
    assert api.call("POST", f"/v1/tasks/{task['task_id']}/cancel", headers=other_admin).status == 404


def test_commands_need_their_permission(api: Api, devices: CommandContext) -> None:
    tenant_id, admin = api.new_tenant()
    role = api.call("POST", "/v1/archives/roles", {"code": "RO", "name": "Viewer", "permissions": ["commands:view"]},
                    admin)
    operator = {"username": "viewer", "display_name": "V", "password": "viewer-pass-1", "roles": [role.body["id"]]}
    assert api.call("POST", "/v1/operators", operator, admin).status == 201
    viewer = api.login(tenant_id, "viewer", "viewer-pass-1")

    command = {"kind": "relay_connect", "targets": {"meters": SERIALS}}
    assert api.call("POST", "/v1/commands", command, viewer).status == 403
    assert api.call("GET", "/v1/tasks", headers=viewer).status == 200


def test_a_firmware_upgrade_needs_a_known_image(api: Api, devices: CommandContext) -> None:
    _, admin = api.new_tenant()
    reply = api.call("POST", "/v1/commands", {"kind": "firmware_upgrade", "targets": {"meters": SERIALS},
                                              "params": {"firmware_id": "nope"}}, admin)
    assert (reply.status, reply.body["errors"][0]["field"]) == (400, "params.firmware_id")
    assert base64  # the upload route is tested with the firmware routes


def test_a_big_task_sends_its_first_commands_at_once_and_the_sweeper_sends_the_rest(
    api: Api, devices: CommandContext
) -> None:
    from functions.commands.service import SEND_AT_ONCE
    from functions.commands.sweeper import sweep

    tenant_id, admin = api.new_tenant()
    meters = tuple(f"0472{number:07d}" for number in range(SEND_AT_ONCE + 50))
    ThingRegistry(api.store, tenant_id).register(Thing("DCU-1", ThingKind.CONCENTRATOR, meters, f"{tenant_id}:DCU-1"))

    task = api.call("POST", "/v1/commands", {"kind": "read", "targets": {"concentrator": "DCU-1"},
                                             "params": {"obis": ["0.0.19.10.0.255"]}}, admin).body
    sent_at_once = len(devices.publisher.sent)  # type: ignore[attr-defined]
    sweep(devices, [tenant_id])

    assert (task["total"], sent_at_once) == (len(meters), SEND_AT_ONCE)
    assert sorted(command.meter for _, _, command in devices.publisher.sent) == sorted(meters)  # type: ignore[attr-defined]
    assert {thing for _, thing, _ in devices.publisher.sent} == {"DCU-1"}  # type: ignore[attr-defined]
