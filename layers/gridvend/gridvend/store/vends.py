"""Vends: the receipt of each sale, the idempotency record that makes a retry return it, each meter's vend
state (last TID, month's energy, carried credit), and the day's rollups that the same transaction adds to.

Access patterns:
- vend by bill number:              pk=T#<t>#VEND  sk=<bill number>
- vends of a meter, by time:        gsi1pk=T#<t>#VEND#M#<serial>  gsi1sk=<utc time>#<bill number>
- vends of a sales point on a day:  gsi2pk=T#<t>#VEND#SP#<sales point>#<local date>  gsi2sk=<utc time>#<bill>
- vend of an idempotency key:       pk=T#<t>#IDEM  sk=<key>
- a meter's vend state:             pk=T#<t>#VSTATE  sk=<serial>
- day rollups:                      pk=T#<t>#ROLL#<local date>  sk=SP#<sales point> | OP#<operator> | M#<serial>
                                    (tally_count, tally_amount, tally_energy, tally_vat, tally_charges, tally_debt,
                                    tally_net: counts, integer minor units, tenths of a kWh)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, NotFound
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put


class VendStateMoved(Conflict):
    """Another vend for the same meter committed first; the vend is computed again."""


class BillNumberTaken(Conflict):
    """Another sale took this bill number first; the vend is numbered again."""


class IdempotencyKeyTaken(Conflict):
    """A vend with this idempotency key committed first."""


@dataclass(frozen=True)
class MeterVendState:
    serial: str
    last_tid: int | None = None
    last_purchase_local: str | None = None  # tenant-local ISO time of the latest vend
    month: str | None = None  # tenant-local YYYY-MM that month_energy_tenths counts
    month_energy_tenths: int = 0
    carried_credit_minor: int = 0
    vend_count: int = 0
    last_bill: str | None = None
    # The customer as the latest sale saw it (gridvend.store.sale_customer), so the next sale need not read it.
    customer: dict[str, Any] | None = None
    version: int = 0  # 0: never stored


@dataclass(frozen=True)
class DayTally:
    count: int
    amount_minor: int
    energy_tenths: int
    vat_minor: int
    charges_minor: int
    debt_minor: int
    net_minor: int

    def increments(self) -> dict[str, int]:
        return {
            "tally_count": self.count,
            "tally_amount": self.amount_minor,
            "tally_energy": self.energy_tenths,
            "tally_vat": self.vat_minor,
            "tally_charges": self.charges_minor,
            "tally_debt": self.debt_minor,
            "tally_net": self.net_minor,
        }


class VendRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._prefix = ctx.key_prefix

    def idempotency_record_key(self, key: str) -> tuple[str, str]:
        return f"{self._prefix}IDEM", key

    def state_key(self, serial: str) -> tuple[str, str]:
        return f"{self._prefix}VSTATE", serial

    def idempotent_vend(self, key: str) -> dict[str, Any] | None:
        """The stored idempotency record: request fingerprint and bill number."""
        item = self._store.get(*self.idempotency_record_key(key))
        return item["data"] if item else None

    def get(self, bill_number: str) -> dict[str, Any] | None:
        item = self._store.get(f"{self._prefix}VEND", bill_number)
        return item["data"] if item else None

    def require(self, bill_number: str) -> dict[str, Any]:
        found = self.get(bill_number)
        if found is None:
            raise NotFound(f"vend '{bill_number}' does not exist")
        return found

    def of_meter(
        self, serial: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            self.meter_partition(serial), index="gsi1", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key

    def meter_partition(self, serial: str) -> str:
        return f"{self._prefix}VEND#M#{serial}"

    def state(self, serial: str) -> MeterVendState:
        item = self._store.get(*self.state_key(serial))
        if item is None:
            return MeterVendState(serial)
        return MeterVendState(**item["data"], version=int(item.get("version", 0)))

    def day_rollups(self, local_date: str) -> list[Item]:
        return self._store.query(f"{self._prefix}ROLL#{local_date}", limit=1000).items

    def vend_operations(
        self,
        *,
        idempotency_key: str,
        fingerprint: str,
        receipt: dict[str, Any],
        utc_time: str,
        local_date: str,
        serial: str,
        sales_point: str,
        operator: str,
        previous_state: MeterVendState,
        next_state: MeterVendState,
        tally: DayTally | None,
    ) -> list[Guarded]:
        """`tally` None: no day rollups (a token that moved no money, such as a replacement remainder)."""
        bill = receipt["bill_number"]
        order = f"{utc_time}#{bill}"
        vend_item: Item = {
            "pk": f"{self._prefix}VEND",
            "sk": bill,
            "gsi1pk": self.meter_partition(serial),
            "gsi1sk": order,
            "gsi2pk": f"{self._prefix}VEND#SP#{sales_point}#{local_date}",
            "gsi2sk": order,
            "entity": "vend",
            "data": receipt,
        }
        idempotency_item: Item = {
            "pk": f"{self._prefix}IDEM",
            "sk": idempotency_key,
            "entity": "vend-idempotency",
            "data": {"fingerprint": fingerprint, "bill_number": bill},
        }
        rollups = f"{self._prefix}ROLL#{local_date}"
        return [
            Guarded(Put(idempotency_item, Condition.absent()), IdempotencyKeyTaken("idempotency key already used")),
            Guarded(Put(vend_item, Condition.absent()), BillNumberTaken(f"bill number '{bill}' was taken meanwhile")),
            state_put(self._prefix, previous_state, next_state, "another vend for this meter came first"),
            *(
                Guarded(Increment(rollups, scope, tally.increments(), assign={"entity": "day-rollup"}))
                for scope in (f"SP#{sales_point}", f"OP#{operator}", f"M#{serial}")
                if tally is not None
            ),
        ]


def state_put(prefix: str, previous_state: MeterVendState, next_state: MeterVendState, moved: str) -> Guarded:
    """The meter's vend state one version on from the state read, on condition that nothing wrote it meanwhile
    (VendStateMoved with `moved` if something did)."""
    # Its fields are plain values and the customer snapshot, which nothing changes: no deep copy (asdict) needed.
    data = {
        name: getattr(next_state, name)
        for name in MeterVendState.__dataclass_fields__
        if name != "version" and not (name == "customer" and next_state.customer is None)
    }
    item: Item = {
        "pk": f"{prefix}VSTATE",
        "sk": next_state.serial,
        "entity": "meter-vend-state",
        "version": previous_state.version + 1,
        "data": data,
    }
    condition = (
        Condition.absent() if previous_state.version == 0 else Condition(equals={"version": previous_state.version})
    )
    return Guarded(Put(item, condition), VendStateMoved(moved))
