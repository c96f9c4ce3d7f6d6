"""Notification templates and rules of a tenant, and the log of what was sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridvend.ami.notifications import Group, Rule
from gridvend.auth.context import TenantContext
from gridvend.errors import NotFound
from gridvend.iot.messages import utc_stamp
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.items import Condition, Delete, Item, ItemStore, Put

SENT_RETENTION_DAYS = 365


class NotificationRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    def partition(self, kind: str) -> str:
        return f"{self._prefix}NOTIFY#{kind.upper()}"

    def put(self, ctx: TenantContext, kind: str, record_id: str, data: dict[str, Any], *, new: bool) -> None:
        before = self.get(kind, record_id)
        if not new and before is None:
            raise NotFound(f"notification {kind} '{record_id}' does not exist")
        item: Item = {"pk": self.partition(kind), "sk": record_id, "entity": f"notification-{kind}", "data": data}
        condition = Condition.absent() if new else Condition.present()
        action = "create" if new else "update"
        audit = audit_put(ctx, AuditEntry(action, f"notification-{kind}", record_id, before, data))
        self._store.transact([Put(item, condition), audit])

    def get(self, kind: str, record_id: str) -> dict[str, Any] | None:
        item = self._store.get(self.partition(kind), record_id)
        return dict(item["data"]) if item else None

    def all(self, kind: str, limit: int = 200) -> list[dict[str, Any]]:
        return [dict(item["data"]) for item in self._store.query(self.partition(kind), limit=limit).items]

    def delete(self, ctx: TenantContext, kind: str, record_id: str) -> None:
        before = self.get(kind, record_id)
        if before is None:
            raise NotFound(f"notification {kind} '{record_id}' does not exist")
        audit = audit_put(ctx, AuditEntry("delete", f"notification-{kind}", record_id, before, None))
        self._store.transact([Delete(self.partition(kind), record_id, Condition.present()), audit])

    def rules(self) -> list[Rule]:
        return [_rule(data) for data in self.all("rule")]

    def log_sent(self, at: datetime, rule_id: str, msg_id: str, entry: dict[str, Any]) -> None:
        stamp = utc_stamp(at)
        self._store.put(
            {
                "pk": f"{self._prefix}NOTIFY#SENT#{at:%Y-%m}",
                "sk": f"{stamp}#{rule_id}#{msg_id}",
                "entity": "notification",
                "expires_at": int(at.timestamp()) + SENT_RETENTION_DAYS * 86400,
                "data": {"at": stamp, **entry},
            }
        )

    def sent(
        self, month: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            f"{self._prefix}NOTIFY#SENT#{month}", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def sent_partition(self, month: str) -> str:
        return f"{self._prefix}NOTIFY#SENT#{month}"


def _rule(data: dict[str, Any]) -> Rule:
    group = data.get("group") or {}
    return Rule(
        rule_id=str(data["rule_id"]),
        name=str(data.get("name", "")),
        event_codes=tuple(data.get("event_codes") or ()),
        template_id=str(data["template_id"]),
        recipients=tuple(data.get("recipients") or ()),
        group=Group(
            tuple(group.get("region_ids") or ()), tuple(group.get("branch_ids") or ()), tuple(group.get("meters") or ())
        ),
        enabled=bool(data.get("enabled", True)),
    )
