"""An installer's work order: one meter to install, assigned to one operator for a day."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class WorkOrderState(StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_STATES = (WorkOrderState.ASSIGNED, WorkOrderState.IN_PROGRESS)


@dataclass(frozen=True)
class WorkOrder:
    order_id: str
    serial: str
    installer: str  # the operator's username
    assigned_date: str
    state: WorkOrderState = WorkOrderState.ASSIGNED
    remark: str = ""
    assigned_by: str = ""
    created_at: str = ""
    updated_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    completion: dict[str, Any] = field(default_factory=dict)  # what the installer reported
    cancel_reason: str = ""
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def stored(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        data["state"] = self.state.value
        return data

    def public(self) -> dict[str, Any]:
        shown = self.stored()
        shown["id"] = shown.pop("order_id")
        return {**shown, "version": self.version}

    @staticmethod
    def from_stored(data: dict[str, Any], version: int) -> WorkOrder:
        known = {name: data[name] for name in WorkOrder.__dataclass_fields__ if name in data and name != "version"}
        known["state"] = WorkOrderState(data["state"])
        known["completion"] = dict(data.get("completion") or {})
        return WorkOrder(**known, version=version)
