"""Refunds of carried credit (seed 002 §3.3 "electricity retreat"): money a meter's earlier purchases left over
(the vend state's carried credit) paid back in cash, with no vend behind it. One transaction: the refund record,
the vend state with less carried credit (version-conditioned), the bill counter, day rollups, audit.

Access patterns:
- refund by bill number:        pk=T#<t>#CREFUND  sk=<bill number>
- refunds of a meter, by time:  gsi1pk=T#<t>#CREFUND#M#<serial>  gsi1sk=<utc time>#<bill number>
Day rollups get `REFUND#<scope>` rows, as a cancellation's money paid back does (gridvend.vending.cancellation).
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put
from gridvend.store.vends import BillNumberTaken, MeterVendState, state_put


class CreditRefundRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._prefix = ctx.key_prefix

    @property
    def partition(self) -> str:
        return f"{self._prefix}CREFUND"

    def meter_partition(self, serial: str) -> str:
        return f"{self.partition}#M#{serial}"

    def of_meter(
        self, serial: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            self.meter_partition(serial), index="gsi1", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def refund_operations(
        self,
        *,
        record: dict[str, Any],
        utc_time: str,
        local_date: str,
        previous_state: MeterVendState,
        next_state: MeterVendState,
        amount_minor: int,
    ) -> list[Guarded]:
        bill = record["bill_number"]
        serial = record["meter"]
        refund_item: Item = {
            "pk": self.partition,
            "sk": bill,
            "gsi1pk": self.meter_partition(serial),
            "gsi1sk": f"{utc_time}#{bill}",
            "entity": "credit-refund",
            "data": record,
        }
        tally = {
            "tally_count": 1,
            "tally_amount": amount_minor,
            "tally_energy": 0,
            "tally_vat": 0,
            "tally_charges": 0,
            "tally_debt": 0,
            "tally_net": amount_minor,
        }
        rollups = f"{self._prefix}ROLL#{local_date}"
        scopes = (f"SP#{record['sales_point']}", f"OP#{self._ctx.username}", f"M#{serial}")
        carried_before = {"carried_credit_minor": previous_state.carried_credit_minor}
        carried_after = {"carried_credit_minor": next_state.carried_credit_minor, "refund": bill}
        return [
            Guarded(Put(refund_item, Condition.absent()), BillNumberTaken(f"bill number '{bill}' was taken meanwhile")),
            state_put(self._prefix, previous_state, next_state, "another sale or refund for this meter came first"),
            *(
                Guarded(Increment(rollups, f"REFUND#{scope}", tally, assign={"entity": "day-rollup"}))
                for scope in scopes
            ),
            Guarded(
                audit_put(
                    self._ctx, AuditEntry("credit-refund", "meter-vend-state", serial, carried_before, carried_after)
                )
            ),
        ]
