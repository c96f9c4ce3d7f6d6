"""Creating command tasks and sending their commands. A command is marked sent before it is published
(so an answer that comes back at once finds it sent); a publish that fails puts it back in the queue."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from functions.commands.context import CommandContext
from functions.commands.targets import Targets, resolve
from functions.commands.vend_tokens import Undeliverable, delivery_target, vend_delivery
from functions.common.requests import parse_model
from gridvend.ami.commands import (
    SECRET_PARAMS,
    DeliverVendParams,
    FirmwareUpgradeParams,
    desired_state,
    params_model,
    stored_params,
)
from gridvend.ami.tasks import (
    CommandRecord,
    CommandState,
    dispatched,
    new_command,
    send_failed,
    summarize,
)
from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import InvalidInput, NotFound
from gridvend.ids import new_id
from gridvend.iot.messages import CommandKind, CommandMessage, utc_stamp
from gridvend.store.ami.firmware import FirmwareRepository
from gridvend.store.ami.tasks import TaskRecord, TaskRepository

log = logging.getLogger("gridvend.commands")
RESEND_PAUSE = timedelta(seconds=30)
SEND_AT_ONCE = 200


class CommandRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CommandKind
    targets: Targets | None = None  # a vend's delivery may leave it out: the vend names its meter
    params: dict[str, Any] = Field(default_factory=dict)
    timeout_seconds: int = Field(default=120, ge=5, le=86_400)
    max_attempts: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _targets_given(self) -> CommandRequest:
        if self.targets is None and self.kind is not CommandKind.DELIVER_VEND:
            raise ValueError("targets: give exactly one of meters, concentrator, region, grid, selection")
        return self


class Unsendable(Exception):
    """What a command carries cannot be put together any more (a secret not kept, a vend cancelled)."""


def create_task(
    context: CommandContext, ctx: TenantContext, request: CommandRequest, source: str = "", task_id: str | None = None
) -> dict[str, Any]:
    given = parse_model(params_model(request.kind), request.params, prefix="params")
    chunks = 0
    if isinstance(given, FirmwareUpgradeParams):
        image = FirmwareRepository(context.store, context.objects, ctx.tenant_id).get(given.firmware_id)
        if image is None:
            raise InvalidInput.for_field("params.firmware_id", "no such firmware image")
        chunks = image.chunks
    if isinstance(given, DeliverVendParams):
        given_meters = request.targets.meters if request.targets else None
        if request.targets is not None and given_meters is None:
            raise InvalidInput.for_field("targets", "a vend's tokens go to its own meter: name it in meters")
        targets: list[tuple[str, str | None]] = [delivery_target(context.store, ctx.tenant_id, given.bill,
                                                                 given_meters)]
        target = {"meters": [targets[0][0]]}
    else:
        assert request.targets is not None
        targets = resolve(context.store, ctx, request.targets)
        target = request.targets.model_dump(mode="json", exclude_none=True)
    if request.kind in SECRET_PARAMS and len(targets) > SEND_AT_ONCE:
        raise InvalidInput.for_field("targets", f"a password goes to at most {SEND_AT_ONCE} meters at a time")
    now = utc_now()
    max_attempts = 1 if request.kind in SECRET_PARAMS else request.max_attempts
    task = TaskRecord(
        task_id=task_id or new_id(),
        kind=request.kind,
        params=stored_params(request.kind, given),
        target=target,
        total=len(targets),
        created_by=ctx.username,
        created_at=utc_stamp(now),
        timeout_seconds=request.timeout_seconds,
        max_attempts=max_attempts,
        source=source,
    )
    records = [
        new_command(task.task_id, serial, thing, request.kind, max_attempts, now, chunks) for serial, thing in targets
    ]
    repository = TaskRepository(context.store, ctx.tenant_id)
    repository.create(ctx, task, records)
    _shadow_desired(context, ctx.tenant_id, records, desired_state(request.kind, given))
    live_params = given.model_dump(mode="json")
    queued = [record for record in records if record.state is CommandState.QUEUED]
    # A big task must not outlast the request: the first commands go now, the sweeper sends the rest
    # (a secret is not kept, so commands carrying one all go now).
    send_now = queued if request.kind in SECRET_PARAMS else queued[:SEND_AT_ONCE]
    for record in send_now:
        send(context, ctx.tenant_id, task, record, 1, live_params)
    return task_view(context, ctx.tenant_id, task.task_id)


def send(context: CommandContext, tenant_id: str, task: TaskRecord, record: CommandRecord, version: int,
         live_params: dict[str, Any] | None = None) -> bool:
    """Sends a queued command (the next chunk, for firmware). False when the record moved meanwhile."""
    repository = TaskRepository(context.store, tenant_id)
    now = utc_now()
    try:
        wire_params = _wire_params(context, tenant_id, task, record, live_params)
    except Unsendable as refusal:
        failed = record.moved(CommandState.FAILED, now, str(refusal), reason=str(refusal), deadline="")
        return repository.save(failed, version)
    sent = dispatched(record, now, timedelta(seconds=task.timeout_seconds))
    if not repository.save(sent, version):
        return False
    assert record.thing_id is not None
    message = CommandMessage(command_id=record.command_id, meter=record.meter, kind=record.kind, params=wire_params,
                             attempt=sent.attempts, sent_at=now)
    try:
        context.publisher.publish(tenant_id, record.thing_id, message)
    except Exception as error:
        log.warning("command %s not published: %s", record.command_id, error)
        repository.save(send_failed(sent, utc_now(), RESEND_PAUSE, type(error).__name__), version + 1)
        return False
    return True


def _wire_params(context: CommandContext, tenant_id: str, task: TaskRecord, record: CommandRecord,
                 live_params: dict[str, Any] | None) -> dict[str, Any]:
    if record.kind is CommandKind.FIRMWARE_UPGRADE:
        firmware = FirmwareRepository(context.store, context.objects, tenant_id)
        image = firmware.get(str(task.params["firmware_id"]))
        if image is None:
            raise Unsendable("the firmware image is gone")
        data = firmware.chunk(image, record.chunk)
        return {
            "firmware_id": image.firmware_id, "version": image.version, "chunk": record.chunk,
            "chunks": image.chunks, "size": image.size, "sha256": image.sha256,
            "data_b64": base64.b64encode(data).decode(),
        }
    if record.kind is CommandKind.DELIVER_VEND:
        try:
            delivery = vend_delivery(context.store, tenant_id, str(task.params["bill"]))
        except Undeliverable as refusal:
            raise Unsendable(str(refusal)) from None
        return {"bill": delivery.bill, "tokens": list(delivery.tokens)}
    if record.kind in SECRET_PARAMS:
        if live_params is None:
            raise Unsendable("the secret is not kept: create the command again")
        return live_params
    return dict(task.params)


def _shadow_desired(context: CommandContext, tenant_id: str, records: Sequence[CommandRecord],
                    desired: dict[str, Any]) -> None:
    if not desired:
        return
    for record in records:
        if record.thing_id is None:
            continue
        try:
            context.shadows.update(tenant_id, record.thing_id, record.meter, desired=desired)
        except Exception:
            log.warning("shadow of %s not updated", record.meter, exc_info=True)


def task_view(context: CommandContext, tenant_id: str, task_id: str) -> dict[str, Any]:
    repository = TaskRepository(context.store, tenant_id)
    task = repository.task(task_id)
    if task is None:
        raise NotFound(f"task '{task_id}' does not exist")
    summary = summarize(repository.all_commands(task_id), task.total)
    return {
        **task.public(),
        "status": summary.status.value,
        "percent": summary.percent,
        "states": summary.states,
    }

