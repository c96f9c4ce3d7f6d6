"""Engineering tokens issued: who made which token for which meter, when and why.

Access patterns:
- token record by id (time-ordered ids):  pk=T#<t>#ENG  sk=<id>
- engineering tokens of a meter, by time: gsi1pk=T#<t>#ENG#M#<serial>  gsi1sk=<utc time>#<id>
The meter's vend state (its last TID) changes in the same transaction when the token takes a TID.
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import NotFound
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Item, ItemStore, Put
from gridvend.store.vends import MeterVendState, state_put


class EngineeringTokenRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._prefix = ctx.key_prefix

    @property
    def partition(self) -> str:
        return f"{self._prefix}ENG"

    def meter_partition(self, serial: str) -> str:
        return f"{self._prefix}ENG#M#{serial}"

    def get(self, token_id: str) -> dict[str, Any] | None:
        item = self._store.get(self.partition, token_id)
        return item["data"] if item else None

    def require(self, token_id: str) -> dict[str, Any]:
        found = self.get(token_id)
        if found is None:
            raise NotFound(f"engineering token '{token_id}' does not exist")
        return found

    def of_meter(
        self, serial: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            self.meter_partition(serial), index="gsi1", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def record_operations(self, record: dict[str, Any]) -> list[Guarded]:
        """The record and its audit entry (without the tokens)."""
        token_id = record["id"]
        item: Item = {"pk": self.partition, "sk": token_id, "entity": "engineering-token", "data": record}
        if record.get("meter"):
            item["gsi1pk"] = self.meter_partition(record["meter"])
            item["gsi1sk"] = f"{record['time_utc']}#{token_id}"
        shown = {key: value for key, value in record.items() if key not in ("tokens", "tokens_grouped")}
        entry = AuditEntry(f"issue-{record['kind']}", "engineering-token", token_id, None, shown)
        return [Guarded(Put(item, Condition.absent())), Guarded(audit_put(self._ctx, entry))]

    def state_operation(self, previous_state: MeterVendState, next_state: MeterVendState) -> Guarded:
        """The meter's vend state after a token that took a TID (or a rollover), conditioned like a sale's."""
        return state_put(self._prefix, previous_state, next_state, "another token for this meter came first")
