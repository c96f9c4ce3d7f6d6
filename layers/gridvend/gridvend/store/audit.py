"""The audit trail: who changed what, when, with the record before and after. Written in the same
transaction as the change it describes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.ids import new_id
from gridvend.store.items import ItemStore, Put

AUDIT_RETENTION_DAYS = 3 * 365


@dataclass(frozen=True)
class AuditEntry:
    action: str  # create | update | delete | check | uncheck | login | ...
    entity: str
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None



def audit_put(ctx: TenantContext, entry: AuditEntry, at: datetime | None = None) -> Put:
    moment = at or utc_now()
    stamp = moment.isoformat(timespec="milliseconds")
    return Put(
        {
            "pk": f"{ctx.key_prefix}AUDIT#{moment:%Y-%m}",
            "sk": f"{stamp}#{new_id()}",
            "entity": "audit",
            "expires_at": int(moment.timestamp()) + AUDIT_RETENTION_DAYS * 86400,
            "data": {
                "at": stamp,
                "user_id": ctx.user_id,
                "username": ctx.username,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "before": entry.before,
                "after": entry.after,
            },
        }
    )


class AuditRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    def month(
        self, year_month: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            f"{self._ctx.key_prefix}AUDIT#{year_month}", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def partition(self, year_month: str) -> str:
        return f"{self._ctx.key_prefix}AUDIT#{year_month}"
