"""An operator's retry of a task's failed and timed-out commands, and cancelling what still waits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from functions.commands.context import CommandContext
from functions.commands.service import send, task_view
from gridvend.ami.tasks import CommandRecord, cancelled, retried
from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import NotFound
from gridvend.store.ami.tasks import TaskRepository
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.items import Increment


def _each_command(
    context: CommandContext, ctx: TenantContext, task_id: str, action: str,
    change: Callable[[CommandRecord], CommandRecord | None],
) -> tuple[list[tuple[CommandRecord, int]], int]:
    repository = TaskRepository(context.store, ctx.tenant_id)
    task = repository.task(task_id)
    if task is None:
        raise NotFound(f"task '{task_id}' does not exist")
    changed: list[tuple[CommandRecord, int]] = []
    for record in repository.all_commands(task_id):
        current = repository.command(task_id, record.meter)
        if current is None:
            continue
        moved = change(current[0])
        if moved is None:
            continue
        extra = []
        if current[0].is_final and not moved.is_final:
            extra.append(Increment(repository.tasks_partition, task_id, {"counter": -1}))
        if repository.save(moved, current[1], extra):
            changed.append((moved, current[1] + 1))
    context.store.put(audit_put(ctx, AuditEntry(action, "task", task_id, None, {"commands": len(changed)})).item)
    return changed, task.total


def retry_task(context: CommandContext, ctx: TenantContext, task_id: str) -> dict[str, Any]:
    now = utc_now()
    changed, _ = _each_command(context, ctx, task_id, "retry", lambda record: retried(record, now))
    task = TaskRepository(context.store, ctx.tenant_id).task(task_id)
    assert task is not None
    for record, version in changed:
        send(context, ctx.tenant_id, task, record, version)
    return {**task_view(context, ctx.tenant_id, task_id), "retried": len(changed)}


def cancel_task(context: CommandContext, ctx: TenantContext, task_id: str) -> dict[str, Any]:
    now = utc_now()
    changed, _ = _each_command(context, ctx, task_id, "cancel", lambda record: cancelled(record, now))
    return {**task_view(context, ctx.tenant_id, task_id), "cancelled": len(changed)}
