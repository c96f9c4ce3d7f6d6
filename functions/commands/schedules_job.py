"""Collection schedules that are due start their run: the schedule's next run moves on first (so two
sweepers cannot both start it), then a read task of the schedule's OBIS items goes to its meters. The
task's answers are kept as readings, and the run is listed with the schedule."""

from __future__ import annotations

import logging
from datetime import datetime

from functions.commands.context import CommandContext
from functions.commands.service import CommandRequest, create_task
from functions.commands.targets import Targets
from gridvend.ami.schedules import next_run_after
from gridvend.auth.context import system_context
from gridvend.clock import utc_now
from gridvend.errors import GridvendError
from gridvend.ids import new_id
from gridvend.iot.messages import CommandKind, utc_stamp
from gridvend.store.ami.schedules import ScheduleRepository
from gridvend.store.tenants import own_tenant_settings
from gridvend.tenancy.calendar import TenantCalendar

log = logging.getLogger("gridvend.schedules")
RUN_TIMEOUT_SECONDS = 300


def run_due_schedules(context: CommandContext, tenant_id: str) -> int:
    repository = ScheduleRepository(context.store, tenant_id)
    now = utc_now()
    calendar = TenantCalendar.named(str((own_tenant_settings(context.store, tenant_id) or {}).get("timezone") or ""))
    started = 0
    for schedule in repository.due(now):
        base = datetime.fromisoformat(schedule.base_time)
        next_run = utc_stamp(next_run_after(base, schedule.unit, schedule.every, now, calendar))
        task_id = new_id()
        targets = Targets.model_validate(schedule.targets)
        if not repository.advance(schedule, next_run, schedule.next_run, task_id, 0):
            continue
        request = CommandRequest(kind=CommandKind.READ, targets=targets, params={"obis": list(schedule.obis)},
                                 timeout_seconds=RUN_TIMEOUT_SECONDS, max_attempts=2)
        try:
            create_task(context, system_context(tenant_id, f"schedule:{schedule.schedule_id}"), request,
                        source=schedule.schedule_id, task_id=task_id)
        except GridvendError as refusal:
            log.warning("schedule %s of %s made no task: %s", schedule.schedule_id, tenant_id, refusal.detail)
            continue
        started += 1
    return started
