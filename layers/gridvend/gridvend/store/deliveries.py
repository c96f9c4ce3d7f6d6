"""Token deliveries by SMS and e-mail: every attempt with its status (the destination masked, never the text).

Access patterns:
- deliveries of a vend, by time:  pk=T#<t>#DELIV#<bill number>  sk=<utc time>#<id>
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.ids import new_id
from gridvend.store.items import Item, ItemStore


class DeliveryRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    def partition(self, bill_number: str) -> str:
        return f"{self._ctx.key_prefix}DELIV#{bill_number}"

    def record(self, bill_number: str, attempt: dict[str, Any]) -> dict[str, Any]:
        moment = utc_now()
        shown = {"id": new_id(), "bill_number": bill_number, "at": moment.isoformat(timespec="seconds"), **attempt}
        item: Item = {
            "pk": self.partition(bill_number),
            "sk": f"{moment.isoformat(timespec='milliseconds')}#{shown['id']}",
            "entity": "token-delivery",
            "data": shown,
        }
        self._store.put(item)
        return shown

    def of_vend(self, bill_number: str) -> list[dict[str, Any]]:
        return [item["data"] for item in self._store.query(self.partition(bill_number), limit=200).items]
