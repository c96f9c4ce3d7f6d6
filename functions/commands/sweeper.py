"""The periodic job behind commands (every minute in the cloud, every few seconds locally): commands
that got no answer by their deadline are sent again or time out; queued ones are sent; collection
schedules that are due make their read tasks."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.commands.context import CommandContext, command_context
from functions.commands.service import send
from functions.common.observability import logger, observed
from gridvend.ami.tasks import CommandState, expired
from gridvend.clock import utc_now
from gridvend.store.ami.tasks import TaskRecord, TaskRepository
from gridvend.store.tenants import TenantRegistry

TENANT_PAGE = 100


def sweep_tenant(context: CommandContext, tenant_id: str, budget_seconds: float = 60.0) -> int:
    """Handles the tenant's due commands, a page at a time while the time budget lasts; returns how many
    it moved."""
    ends = time.monotonic() + budget_seconds
    moved = 0
    while time.monotonic() < ends:
        moved_now = _sweep_page(context, tenant_id)
        moved += moved_now
        if moved_now == 0:
            break
    return moved


def _sweep_page(context: CommandContext, tenant_id: str) -> int:
    repository = TaskRepository(context.store, tenant_id)
    tasks: dict[str, TaskRecord | None] = {}
    moved = 0
    for record, version in repository.due(utc_now()):
        if record.task_id not in tasks:
            tasks[record.task_id] = repository.task(record.task_id)
        task = tasks[record.task_id]
        if task is None:
            continue
        if record.state is CommandState.QUEUED:
            moved += int(send(context, tenant_id, task, record, version))
            continue
        next_record = expired(record, utc_now())
        if next_record is None or not repository.save(next_record, version):
            continue
        moved += 1
        if next_record.state is CommandState.QUEUED:
            send(context, tenant_id, task, next_record, version + 1)
    return moved


def active_tenants(context: CommandContext) -> list[str]:
    registry = TenantRegistry(context.store)
    tenants: list[str] = []
    start: dict[str, str] | None = None
    while True:
        page, start = registry.list(limit=TENANT_PAGE, start_key=start)
        tenants += [str(tenant["id"]) for tenant in page if tenant.get("status") == "active"]
        if start is None:
            return tenants


def sweep(context: CommandContext, tenants: list[str] | None = None) -> int:
    from functions.commands.schedules_job import run_due_schedules

    moved = 0
    for tenant_id in tenants if tenants is not None else active_tenants(context):
        try:
            moved += sweep_tenant(context, tenant_id)
            moved += run_due_schedules(context, tenant_id)
        except Exception:
            logger.exception("sweep failed", extra={"tenant_id": tenant_id})
    return moved


@observed(correlation_paths.EVENT_BRIDGE)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"moved": sweep(command_context())}
