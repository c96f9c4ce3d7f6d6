"""The meter record: identity, model and ratio, where it is (branch, state) and how it got there."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from gridvend.meters.identity import IDENTITY_FIELDS
from gridvend.meters.states import MeterState

MAX_HISTORY_ENTRIES = 500


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    from_state: str | None
    to_state: str
    reason: str
    by: str
    bill_id: str | None = None

    def stored(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "by": self.by,
            "bill_id": self.bill_id,
        }

    def public(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "from": self.from_state,
            "to": self.to_state,
            "reason": self.reason,
            "by": self.by,
            "bill_id": self.bill_id,
        }


@dataclass(frozen=True)
class Meter:
    serial: str
    identity: dict[str, Any]
    model_id: str
    ct_ratio: int
    pt_ratio: int
    state: MeterState
    branch_id: str | None = None
    install_date: str | None = None
    factory_date: str | None = None
    remark: str = ""
    transfer_to: str | None = None  # the branch a meter in transit goes to
    module_id: str | None = None
    concentrator_id: str | None = None
    last_bill_id: str | None = None  # the bill that made the latest state change, if a bill did
    history: tuple[HistoryEntry, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    version: int = 1

    @property
    def ratio(self) -> int:
        return self.ct_ratio * self.pt_ratio

    def moved(self, to_state: MeterState, entry: HistoryEntry, **changes: Any) -> Meter:
        history = (*self.history, entry)[-MAX_HISTORY_ENTRIES:]
        return replace(self, state=to_state, history=history, last_bill_id=entry.bill_id, **changes)

    def public(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            **{name: self.identity[name] for name in IDENTITY_FIELDS},
            "model_id": self.model_id,
            "ct_ratio": self.ct_ratio,
            "pt_ratio": self.pt_ratio,
            "ratio": self.ratio,
            "state": self.state.value,
            "branch_id": self.branch_id,
            "install_date": self.install_date,
            "factory_date": self.factory_date,
            "remark": self.remark,
            "transfer_to": self.transfer_to,
            "module_id": self.module_id,
            "concentrator_id": self.concentrator_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "version": self.version,
        }

    def stored(self) -> dict[str, Any]:
        """Built by hand rather than with dataclasses.asdict: imports make 100,000 of these."""
        return {
            "serial": self.serial,
            "identity": dict(self.identity),
            "model_id": self.model_id,
            "ct_ratio": self.ct_ratio,
            "pt_ratio": self.pt_ratio,
            "state": self.state.value,
            "branch_id": self.branch_id,
            "install_date": self.install_date,
            "factory_date": self.factory_date,
            "remark": self.remark,
            "transfer_to": self.transfer_to,
            "module_id": self.module_id,
            "concentrator_id": self.concentrator_id,
            "last_bill_id": self.last_bill_id,
            "history": [entry.stored() for entry in self.history],
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    @staticmethod
    def from_stored(data: dict[str, Any], version: int) -> Meter:
        fields: dict[str, Any] = {name: data.get(name) for name in Meter.__dataclass_fields__ if name in data}
        fields["state"] = MeterState(data["state"])
        fields["history"] = tuple(HistoryEntry(**entry) for entry in data.get("history") or [])
        fields["identity"] = {name: _plain(value) for name, value in data["identity"].items()}
        fields["ct_ratio"] = int(data["ct_ratio"])
        fields["pt_ratio"] = int(data["pt_ratio"])
        fields["version"] = version
        fields["remark"] = data.get("remark") or ""
        return Meter(**fields)


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal (or float through PynamoDB maps); identity numbers are ints."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return int(value)


def snapshot(meter: Meter) -> dict[str, Any]:
    """What the audit trail keeps of a meter: everything but the history."""
    return meter.public()


__all__ = ["MAX_HISTORY_ENTRIES", "HistoryEntry", "Meter", "snapshot"]
