"""Collection schedules of a tenant and their runs. An enabled schedule is indexed by its next run, so
the sweeper finds due ones with one query; moving the next run is conditioned on the version read, so
two sweepers never start the same run twice."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from gridvend.ami.schedules import PeriodUnit
from gridvend.auth.context import TenantContext
from gridvend.errors import NotFound
from gridvend.iot.messages import utc_stamp
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.items import Condition, Delete, Item, ItemStore, Put, TransactionConflict

RUNS_KEPT_DAYS = 400


@dataclass(frozen=True)
class Schedule:
    schedule_id: str
    name: str
    obis: tuple[str, ...]
    unit: PeriodUnit
    every: int
    base_time: str  # UTC
    targets: dict[str, Any]
    next_run: str  # UTC
    enabled: bool = True
    created_by: str = ""
    version: int = 1

    def public(self) -> dict[str, Any]:
        return {
            "schedule_id": self.schedule_id,
            "name": self.name,
            "obis": list(self.obis),
            "unit": self.unit.value,
            "every": self.every,
            "base_time": self.base_time,
            "targets": self.targets,
            "next_run": self.next_run,
            "enabled": self.enabled,
            "created_by": self.created_by,
            "version": self.version,
        }


class ScheduleRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    @property
    def partition(self) -> str:
        return f"{self._prefix}SCHEDULE"

    def runs_partition(self, schedule_id: str) -> str:
        return f"{self._prefix}SCHEDULE#{schedule_id}#RUN"

    def create(self, ctx: TenantContext, schedule: Schedule) -> None:
        entry = AuditEntry("create", "collection-schedule", schedule.schedule_id, None, schedule.public())
        audit = audit_put(ctx, entry)
        self._store.transact([Put(self._item(schedule), Condition.absent()), audit])

    def get(self, schedule_id: str) -> Schedule | None:
        item = self._store.get(self.partition, schedule_id)
        return _schedule(item) if item else None

    def all(self, *, limit: int, start_key: dict[str, str] | None) -> tuple[list[Schedule], dict[str, str] | None]:
        page = self._store.query(self.partition, limit=limit, start_key=start_key)
        return [_schedule(item) for item in page.items], page.next_key

    def delete(self, ctx: TenantContext, schedule_id: str) -> None:
        current = self.get(schedule_id)
        if current is None:
            raise NotFound(f"collection schedule '{schedule_id}' does not exist")
        audit = audit_put(ctx, AuditEntry("delete", "collection-schedule", schedule_id, current.public(), None))
        self._store.transact([Delete(self.partition, schedule_id, Condition.present()), audit])

    def due(self, now: datetime, limit: int = 50) -> list[Schedule]:
        page = self._store.query(
            f"{self._prefix}SCHEDULE#DUE", index="gsi1", sk_between=("0", f"{utc_stamp(now)}~"), limit=limit
        )
        return [schedule for item in page.items if (schedule := self.get(str(item["sk"]))) is not None]

    def advance(self, schedule: Schedule, next_run: str, run_at: str, task_id: str, meters: int) -> bool:
        """Moves the next run and records this one; False when another sweeper did it first."""
        moved = replace(schedule, next_run=next_run, version=schedule.version + 1)
        run: Item = {
            "pk": self.runs_partition(schedule.schedule_id),
            "sk": run_at,
            "entity": "schedule-run",
            "expires_at": int(datetime.fromisoformat(run_at).timestamp()) + RUNS_KEPT_DAYS * 86400,
            "data": {"run_at": run_at, "task_id": task_id, "meters": meters},
        }
        try:
            self._store.transact(
                [Put(self._item(moved), Condition(equals={"version": schedule.version})), Put(run, Condition.absent())]
            )
        except TransactionConflict:
            return False
        return True

    def runs(
        self, schedule_id: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(self.runs_partition(schedule_id), limit=limit, start_key=start_key, newest_first=True)
        return [item["data"] for item in page.items], page.next_key

    def _item(self, schedule: Schedule) -> Item:
        item: Item = {
            "pk": self.partition,
            "sk": schedule.schedule_id,
            "entity": "collection-schedule",
            "version": schedule.version,
            "data": schedule.public(),
        }
        if schedule.enabled:
            item["gsi1pk"] = f"{self._prefix}SCHEDULE#DUE"
            item["gsi1sk"] = f"{schedule.next_run}#{schedule.schedule_id}"
        return item


def _schedule(item: Item) -> Schedule:
    data = item["data"]
    return Schedule(
        schedule_id=str(data["schedule_id"]),
        name=str(data["name"]),
        obis=tuple(data.get("obis") or ()),
        unit=PeriodUnit(data["unit"]),
        every=int(data["every"]),
        base_time=str(data["base_time"]),
        targets=dict(data.get("targets") or {}),
        next_run=str(data["next_run"]),
        enabled=bool(data.get("enabled", True)),
        created_by=str(data.get("created_by", "")),
        version=int(item.get("version", 1)),
    )
