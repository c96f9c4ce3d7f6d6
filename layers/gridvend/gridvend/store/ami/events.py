"""Meter events and the alarms some of them raise. An event and its alarm are written in one
transaction, conditioned on the event being new: a redelivered event raises no second alarm."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gridvend.ami.events import EventType
from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, NotFound
from gridvend.iot.messages import utc_stamp
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.items import Condition, Item, ItemStore, Put, TransactionConflict

EVENT_RETENTION_DAYS = 2 * 365


@dataclass(frozen=True)
class NewEvent:
    tenant_id: str
    thing_id: str
    msg_id: str
    meter: str
    at: datetime  # UTC
    event_type: EventType
    value: Any = None
    detail: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        return {
            "meter": self.meter,
            "thing": self.thing_id,
            "at": utc_stamp(self.at),
            "code": self.event_type.code,
            "name": self.event_type.name,
            "alarm": self.event_type.alarm,
            "severity": self.event_type.severity,
            "value": self.value,
            "detail": self.detail,
            "msg_id": self.msg_id,
        }


def _event_item(new: NewEvent) -> Item:
    prefix = f"T#{new.tenant_id}#"
    stamp = utc_stamp(new.at)
    return {
        "pk": f"{prefix}EV#{new.meter}",
        "sk": f"{stamp}#{new.msg_id}",
        "entity": "event",
        "gsi1pk": f"{prefix}EVD#{new.at:%Y-%m-%d}",
        "gsi1sk": f"{stamp}#{new.meter}",
        "expires_at": int(new.at.timestamp()) + EVENT_RETENTION_DAYS * 86400,
        "data": new.public(),
    }


def _alarm_item(new: NewEvent) -> Item:
    prefix = f"T#{new.tenant_id}#"
    stamp = utc_stamp(new.at)
    sort_key = f"{stamp}#{new.meter}#{new.msg_id}"
    alarm_id = f"{new.at:%Y-%m}.{base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip('=')}"
    return {
        "pk": f"{prefix}ALARM#{new.at:%Y-%m}",
        "sk": sort_key,
        "entity": "alarm",
        "gsi1pk": f"{prefix}ALARM#OPEN",
        "gsi1sk": f"{stamp}#{new.meter}",
        "version": 1,
        "data": {**new.public(), "alarm_id": alarm_id, "state": "open", "closed_by": None, "closed_at": None},
    }


def add_event(store: ItemStore, new: NewEvent) -> bool:
    """Stores the event (and its alarm when its type raises one); False if it was stored before."""
    operations = [Put(_event_item(new), Condition.absent())]
    if new.event_type.alarm:
        operations.append(Put(_alarm_item(new), Condition.absent()))
    try:
        store.transact(operations)
    except TransactionConflict:
        return False
    return True


class EventRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    def of_meter(
        self, meter: str, since: str, until: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            f"{self._prefix}EV#{meter}",
            sk_between=(since, f"{until}~"),
            limit=limit,
            start_key=start_key,
            newest_first=True,
        )
        return [item["data"] for item in page.items], page.next_key

    def day_partition(self, day: str) -> str:
        return f"{self._prefix}EVD#{day}"

    def of_day(
        self, day: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            self.day_partition(day), index="gsi1", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def open_alarms_partition(self) -> str:
        return f"{self._prefix}ALARM#OPEN"

    def open_alarms(
        self, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            self.open_alarms_partition(), index="gsi1", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def alarms_of_month(
        self, month: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(f"{self._prefix}ALARM#{month}", limit=limit, start_key=start_key, newest_first=True)
        return [item["data"] for item in page.items], page.next_key

    def close_alarm(self, ctx: TenantContext, alarm_id: str, note: str, closed_at: str) -> dict[str, Any]:
        month, _, encoded = alarm_id.partition(".")
        try:
            sort_key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            sort_key = ""
        item = self._store.get(f"{self._prefix}ALARM#{month}", sort_key) if len(month) == 7 and sort_key else None
        if item is None:
            raise NotFound(f"alarm '{alarm_id[:80]}' does not exist")
        if item["data"].get("state") != "open":
            raise Conflict("the alarm is closed already")
        version = int(item.get("version", 1))
        data = {**item["data"], "state": "closed", "closed_by": ctx.username, "closed_at": closed_at, "note": note}
        closed: Item = {key: value for key, value in item.items() if key not in ("gsi1pk", "gsi1sk")}
        closed.update(data=data, version=version + 1)
        audit = audit_put(ctx, AuditEntry("close", "alarm", alarm_id, item["data"], data))
        try:
            self._store.transact([Put(closed, Condition(equals={"version": version})), audit])
        except TransactionConflict:
            raise Conflict("the alarm changed meanwhile; read it again") from None
        return data
