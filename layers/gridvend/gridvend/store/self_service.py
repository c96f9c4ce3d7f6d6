"""Customers' self-service login codes: issued by the tenant per meter, kept as an Argon2 hash, locked after
repeated failures.

Access patterns:
- login code of a meter:  pk=T#<t>#SSCODE  sk=<meter serial>  (`counter` = failed attempts since issue)
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import commit
from gridvend.store.items import Increment, Item, ItemStore, Put

MAX_FAILED_LOGINS = 5


class SelfServiceCodeRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._partition = f"{ctx.key_prefix}SSCODE"

    def issue(self, meter: str, code_hash: str) -> dict[str, Any]:
        shown = {"meter": meter, "issued_at": utc_now().isoformat(timespec="seconds"), "by": self._ctx.username}
        item: Item = {
            "pk": self._partition,
            "sk": meter,
            "entity": "self-service-code",
            "counter": 0,
            "data": {**shown, "code_hash": code_hash},
        }
        commit(
            self._store, [Put(item), audit_put(self._ctx, AuditEntry("issue", "self-service-code", meter, None, shown))]
        )
        return shown

    def code(self, meter: str) -> tuple[str, int] | None:
        """The code's hash and the failed attempts so far."""
        item = self._store.get(self._partition, meter)
        return (str(item["data"]["code_hash"]), int(item.get("counter", 0))) if item else None

    def failed(self, meter: str) -> None:
        self._store.transact([Increment(self._partition, meter, {"counter": 1})])
