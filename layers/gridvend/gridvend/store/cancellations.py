"""Cancellations and corrections of vends, written in one transaction with everything they give back.

Access patterns:
- undoing of a vend (one at most):  pk=T#<t>#CANCEL  sk=<vend bill number>
- undoings of a day, by time:       gsi2pk=T#<t>#CANCEL#D#<local date>  gsi2sk=<utc time>#<vend bill number>
The vend record itself gets status `cancelled` (or `corrected`) and the undoing's summary; day rollups get
rows of their own beside the sales rows: `CANCEL#|CORR#|REFUND#<scope>` (see gridvend.vending.cancellation).
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import NotFound
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put
from gridvend.store.vends import MeterVendState, state_put
from gridvend.vending.cancellation import AlreadyCancelled, UndoKind

STATUS_AFTER = {UndoKind.CANCEL: "cancelled", UndoKind.CORRECTION: "corrected"}


class CancellationRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._prefix = ctx.key_prefix

    @property
    def partition(self) -> str:
        return f"{self._prefix}CANCEL"

    def get(self, vend_bill: str) -> dict[str, Any] | None:
        item = self._store.get(self.partition, vend_bill)
        return item["data"] if item else None

    def require(self, vend_bill: str) -> dict[str, Any]:
        found = self.get(vend_bill)
        if found is None:
            raise NotFound(f"vend '{vend_bill}' has no cancellation")
        return found

    def of_day(self, local_date: str, *, limit: int, start_key: dict[str, str] | None) -> tuple[list[Any], Any]:
        page = self._store.query(self.day_partition(local_date), index="gsi2", limit=limit, start_key=start_key)
        return [item["data"] for item in page.items], page.next_key

    def day_partition(self, local_date: str) -> str:
        return f"{self._prefix}CANCEL#D#{local_date}"

    def vend_item(self, vend_bill: str) -> Item:
        item = self._store.get(f"{self._prefix}VEND", vend_bill)
        if item is None:
            raise NotFound(f"vend '{vend_bill}' does not exist")
        return item

    def undo_operations(
        self,
        *,
        kind: UndoKind,
        record: dict[str, Any],
        vend_item: Item,
        utc_time: str,
        local_date: str,
        sales_point: str,
        previous_state: MeterVendState,
        restored_state: MeterVendState,
        tallies: dict[str, dict[str, int]],
    ) -> list[Guarded]:
        """The undoing record, the vend marked, the vend state restored (version-conditioned), rollups, audit."""
        vend_bill = record["vend_bill_number"]
        serial = record["meter"]
        already = AlreadyCancelled(f"vend '{vend_bill}' is already cancelled or corrected")
        undo_item: Item = {
            "pk": self.partition,
            "sk": vend_bill,
            "gsi2pk": self.day_partition(local_date),
            "gsi2sk": f"{utc_time}#{vend_bill}",
            "entity": f"vend-{kind.value}",
            "data": record,
        }
        before = vend_item["data"]
        after = {**before, "status": STATUS_AFTER[kind], "cancellation": _summary(record)}
        rollups = f"{self._prefix}ROLL#{local_date}"
        return [
            Guarded(Put(undo_item, Condition.absent()), already),
            Guarded(Put({**vend_item, "data": after}, Condition.present()), already),
            state_put(self._prefix, previous_state, restored_state, "another vend for this meter came first"),
            *(
                Guarded(Increment(rollups, f"{family}#{scope}", tally, assign={"entity": "day-rollup"}))
                for family, tally in tallies.items()
                for scope in (f"SP#{sales_point}", f"OP#{self._ctx.username}", f"M#{serial}")
            ),
            Guarded(audit_put(self._ctx, AuditEntry(kind.value, "vend", vend_bill, _summary(before), _summary(after)))),
        ]


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    """What an audit entry or a vend record shows of an undoing (no tokens)."""
    return {key: value for key, value in record.items() if key not in ("tokens", "tokens_grouped", "zero_token")}
