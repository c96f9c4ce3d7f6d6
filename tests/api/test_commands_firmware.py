"""Firmware images and upgrades in chunks: each acknowledged chunk sends the next and moves the progress;
a chunk without an answer is sent again by the sweeper."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

from functions.commands.acks import apply_ack
from functions.commands.context import CommandContext
from functions.commands.sweeper import sweep
from gridvend.iot.messages import AckMessage, AckStatus, CommandMessage
from gridvend.iot.rule_events import read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from tests.api.commands_setup import Clock, clock, devices
from tests.api.conftest import Api
from tests.api.test_commands_views import SERIAL, THING, msg_id, provision

IMAGE = bytes(range(256)) * 3  # 768 bytes: three chunks of 256

__all__ = ["clock", "devices"]


def _upload(api: Api, admin: dict[str, str], firmware_id: str = "fw-200") -> dict[str, object]:
    body = {"firmware_id": firmware_id, "name": "Meter firmware 2.0", "version": 200,
            "image_b64": base64.b64encode(IMAGE).decode(), "chunk_size": 256}
    reply = api.call("POST", "/v1/firmware", body, admin)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def _ack(context: CommandContext, tenant_id: str, command: CommandMessage, status: AckStatus, **fields: object) -> None:
    ack = AckMessage(msg_id=msg_id(), meter=SERIAL, at=datetime.now(UTC), command_id=command.command_id,
                     status=status, **fields)  # type: ignore[arg-type]
    body = json.dumps(rule_message(uplink_topic(tenant_id, THING, Channel.ACK), ack.model_dump_json().encode(),
                                   int(datetime.now(UTC).timestamp() * 1000)))
    apply_ack(context, read_uplink(body))


def test_an_image_is_stored_once_with_its_digest_and_chunking(api: Api, devices: CommandContext) -> None:
    _, admin = api.new_tenant()
    uploaded = _upload(api, admin)
    again = api.call("POST", "/v1/firmware", {"firmware_id": "fw-200", "name": "x", "version": 1,
                                              "image_b64": "AAAA"}, admin)
    garbled = api.call("POST", "/v1/firmware", {"firmware_id": "fw-x", "name": "x", "version": 1,
                                                "image_b64": "not base64!"}, admin)

    assert (uploaded["size"], uploaded["chunks"], uploaded["sha256"]) == (768, 3, hashlib.sha256(IMAGE).hexdigest())
    assert again.status == 409
    assert (garbled.status, garbled.body["errors"][0]["field"]) == (400, "image_b64")
    listed = api.call("GET", "/v1/firmware", headers=admin).body["items"]
    assert [image["firmware_id"] for image in listed] == ["fw-200"]


def test_an_upgrade_goes_chunk_by_chunk_with_progress_and_resends_a_lost_chunk(
    api: Api, devices: CommandContext, clock: Clock
) -> None:
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    _upload(api, admin)
    task = api.call("POST", "/v1/commands", {"kind": "firmware_upgrade", "targets": {"meters": [SERIAL]},
                                             "params": {"firmware_id": "fw-200"}, "timeout_seconds": 30}, admin).body
    sent = devices.publisher.sent  # type: ignore[attr-defined]
    _ack(devices, tenant_id, sent[-1][2], AckStatus.PROGRESS, progress=33, result={"chunk": 0, "chunks": 3})
    after_one = api.call("GET", f"/v1/tasks/{task['task_id']}", headers=admin).body
    clock.now += timedelta(seconds=31)  # chunk 1 got lost
    sweep(devices, [tenant_id])
    _ack(devices, tenant_id, sent[-1][2], AckStatus.PROGRESS, progress=66, result={"chunk": 1, "chunks": 3})
    _ack(devices, tenant_id, sent[-1][2], AckStatus.DONE, progress=100, result={"chunk": 2, "version": 200})
    done = api.call("GET", f"/v1/tasks/{task['task_id']}", headers=admin).body

    chunks = [command.params["chunk"] for _, _, command in sent]
    assert chunks == [0, 1, 1, 2]
    assert b"".join(base64.b64decode(sent[index][2].params["data_b64"]) for index in (0, 2, 3)) == IMAGE
    assert (after_one["percent"], after_one["states"]) == (33, {"sent": 1})  # the next chunk is out
    assert (done["status"], done["percent"]) == ("done", 100)
    reported = devices.shadows.get(tenant_id, THING, SERIAL)["reported"]
    assert reported == {"firmware_id": "fw-200", "firmware_version": 200}
