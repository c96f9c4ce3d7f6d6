"""A device's answer to a command: moves the command's state (once: the message id is kept in the same
transaction), reports relay and parameter state to the shadow, keeps the values of a read as a reading,
and sends a firmware upgrade's next chunk."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from functions.commands.context import CommandContext
from functions.commands.service import send
from functions.ingest.service import DUPLICATE, STORED, Outcome, rejected
from gridvend.ami.commands import DESIRED_RELAY, UNSHADOWED
from gridvend.ami.rollups import StoredReading
from gridvend.ami.tasks import CommandRecord, CommandState, acknowledged, split_command_id
from gridvend.clock import utc_now
from gridvend.iot.messages import AckMessage, CommandKind, utc_stamp
from gridvend.iot.obis import OBIS_ITEMS
from gridvend.iot.rule_events import Uplink
from gridvend.store.ami.readings import DEFAULT_RETENTION_DAYS, NewReading, add_readings
from gridvend.store.ami.tasks import TaskRecord, TaskRepository
from gridvend.store.items import Condition, Put

log = logging.getLogger("gridvend.commands")
SAVE_ATTEMPTS = 5
ACK_RETENTION_DAYS = 30


def apply_ack(context: CommandContext, uplink: Uplink) -> Outcome:
    ack = uplink.message
    assert isinstance(ack, AckMessage)
    tenant_id, thing_id = uplink.topic.tenant_id, uplink.topic.thing_id
    task_id, meter = split_command_id(ack.command_id)
    if meter != ack.meter:
        return rejected("the command id names another meter")
    repository = TaskRepository(context.store, tenant_id)
    task = repository.task(task_id)
    if task is None:
        return rejected(f"no command {ack.command_id} in this tenant")
    seen_key = (f"{repository.commands_partition(task_id)}#ACK", ack.msg_id)
    for _ in range(SAVE_ATTEMPTS):
        if context.store.get(*seen_key) is not None:
            return DUPLICATE
        found = repository.command(task_id, meter)
        if found is None:
            return rejected(f"no command {ack.command_id} in this tenant")
        record, version = found
        if record.thing_id != thing_id:
            return rejected(f"thing {thing_id} was not sent command {ack.command_id}")
        chunk = ack.result.get("chunk")
        updated = acknowledged(
            record, ack.status, utc_now(), timedelta(seconds=task.timeout_seconds), progress=ack.progress,
            reason=ack.reason, result=dict(ack.result), chunk=int(chunk) if isinstance(chunk, int) else None,
        )
        seen = Put({"pk": seen_key[0], "sk": seen_key[1], "entity": "ack",
                    "expires_at": int(utc_now().timestamp()) + ACK_RETENTION_DAYS * 86400,
                    "data": {"status": ack.status.value, "at": utc_stamp(ack.at)}}, Condition.absent())
        if updated is None:
            context.store.put(seen.item, seen.condition)
            return STORED  # kept, but it changes nothing: late or repeated
        if repository.save(updated, version, extra=[seen]):
            _after(context, tenant_id, task, updated, version + 1, uplink)
            return STORED
    raise RuntimeError(f"command {ack.command_id} kept changing")


def _after(context: CommandContext, tenant_id: str, task: TaskRecord, record: CommandRecord, version: int,
           uplink: Uplink) -> None:
    if record.kind is CommandKind.FIRMWARE_UPGRADE and record.state is CommandState.ACKNOWLEDGED \
            and record.chunk < record.chunks:
        send(context, tenant_id, task, record, version)
        return
    if record.state is not CommandState.DONE:
        return
    if record.kind is CommandKind.READ:
        _keep_read_values(context, tenant_id, record, uplink)
    reported = _reported(task, record)
    if reported and record.thing_id:
        try:
            context.shadows.update(tenant_id, record.thing_id, record.meter, reported=reported)
        except Exception:
            log.warning("shadow of %s not updated", record.meter, exc_info=True)


def _reported(task: TaskRecord, record: CommandRecord) -> dict[str, Any]:
    if record.kind in DESIRED_RELAY:
        return {name: record.result[name] for name in ("relay", "mode") if name in record.result}
    if record.kind in UNSHADOWED:
        return {}
    if record.kind is CommandKind.FIRMWARE_UPGRADE:
        return {"firmware_id": task.params.get("firmware_id"), "firmware_version": record.result.get("version")}
    return {record.kind.value.removeprefix("set_"): task.params}


def _keep_read_values(context: CommandContext, tenant_id: str, record: CommandRecord, uplink: Uplink) -> None:
    registers: dict[str, int] = {}
    for code, value in record.result.items():
        item = OBIS_ITEMS.get(code)
        if item is None or value is None or isinstance(value, bool):
            continue
        try:
            registers[code] = item.to_stored(Decimal(str(value)))
        except InvalidOperation:
            continue
    if not registers:
        return
    ack = uplink.message
    reading = StoredReading(record.meter, ack.at, registers)
    new = NewReading(tenant_id, uplink.topic.thing_id, ack.msg_id, reading, source=record.task_id)
    add_readings(context.store, [new], DEFAULT_RETENTION_DAYS)
