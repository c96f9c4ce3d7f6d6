"""Bills of a tenant (every type in one partition), unique bill numbers, and the numbering counters.

Access patterns:
- bill by id:                       pk=T#<t>#BILL  sk=B#<bill id>   (ids sort by creation time)
- bills of a type:                  gsi2pk=T#<t>#BILL#<type>  gsi2sk=<bill id>
- bills of a type in a status:      gsi1pk=T#<t>#BILL#<type>#ST#<status>  gsi1sk=<bill id>
- bills naming a serial, number...: a filter on `search` (|<term>|...) inside either query above
- bill by number (and its guard):   pk=T#<t>#BILLNO  sk=<number>   -> the bill id
- numbering counter of a period:    pk=T#<t>#COUNTER  sk=<rule code>#<period>  (`counter` = last serial)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from gridvend.auth.context import TenantContext
from gridvend.bills.model import Bill, BillStatus
from gridvend.errors import Conflict, FieldProblem, GridvendError, NotFound
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Delete, Increment, Item, ItemStore, Put


class CounterMoved(Conflict):
    """Another bill took the number this one read; the caller reads the counter again and retries."""


class BillRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}BILL"

    def list_partition(self, bill_type: str, status: BillStatus | None) -> tuple[str, Literal["gsi1", "gsi2"]]:
        if status is None:
            return f"{self.partition}#{bill_type}", "gsi2"
        return f"{self.partition}#{bill_type}#ST#{status.value}", "gsi1"

    def get(self, bill_id: str) -> Bill | None:
        item = self._store.get(self.partition, f"B#{bill_id}")
        return _bill(item) if item else None

    def require(self, bill_id: str, bill_types: tuple[str, ...]) -> Bill:
        bill = self.get(bill_id)
        if bill is None or bill.bill_type not in bill_types:
            raise NotFound(f"bill '{bill_id}' does not exist")
        return bill

    def by_number(self, number: str) -> Bill | None:
        guard = self._store.get(f"{self._ctx.key_prefix}BILLNO", number)
        return self.get(guard["data"]["bill_id"]) if guard else None

    def page(
        self,
        bill_type: str,
        status: BillStatus | None,
        *,
        term: str | None,
        limit: int,
        start_key: dict[str, str] | None,
    ) -> tuple[list[Bill], dict[str, str] | None]:
        partition, index = self.list_partition(bill_type, status)
        page = self._store.query(
            partition,
            index=index,
            contains=("search", f"|{term}|") if term else None,
            limit=limit,
            start_key=start_key,
            newest_first=True,
        )
        return [_bill(item) for item in page.items], page.next_key

    def counter_key(self, code: str, period: str) -> tuple[str, str]:
        return f"{self._ctx.key_prefix}COUNTER", f"{code}#{period}"

    def counter(self, code: str, period: str) -> int:
        item = self._store.get(*self.counter_key(code, period))
        return int(item.get("counter", 0)) if item else 0

    def counter_step(self, code: str, period: str, read_value: int) -> Guarded:
        """Takes the next serial only if nobody took it since `read_value` was read."""
        condition = Condition(at_most={"counter": 0}) if read_value == 0 else Condition(equals={"counter": read_value})
        step = Increment(
            f"{self._ctx.key_prefix}COUNTER",
            f"{code}#{period}",
            {"counter": 1},
            assign={"entity": "bill-counter"},
            condition=condition,
        )
        return Guarded(step, CounterMoved("the bill number was taken meanwhile; retry"))

    def creation_operations(self, bill: Bill) -> list[Guarded]:
        duplicate = Conflict(f"bill number '{bill.number}' is already used", [FieldProblem("number", "already used")])
        guard = {
            "pk": f"{self._ctx.key_prefix}BILLNO",
            "sk": bill.number,
            "entity": "bill-number",
            "data": {"bill_id": bill.bill_id, "bill_type": bill.bill_type},
        }
        return [
            Guarded(Put(self._item(bill), Condition.absent())),
            Guarded(Put(guard, Condition.absent()), duplicate),
        ]

    def save_operation(self, current: Bill, updated: Bill, stale: GridvendError | None = None) -> Guarded:
        stored = replace(updated, version=current.version + 1)
        condition = Condition(must_exist=True, equals={"version": current.version})
        error = stale or Conflict(f"bill '{current.number}' was changed meanwhile; reload and retry")
        return Guarded(Put(self._item(stored), condition), error)

    def deletion_operations(self, current: Bill) -> list[Guarded]:
        stale = Conflict(f"bill '{current.number}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current.version})
        return [
            Guarded(Delete(self.partition, f"B#{current.bill_id}", condition), stale),
            Guarded(Delete(f"{self._ctx.key_prefix}BILLNO", current.number)),
        ]

    def _item(self, bill: Bill) -> Item:
        by_type, _ = self.list_partition(bill.bill_type, None)
        by_status, _ = self.list_partition(bill.bill_type, bill.status)
        terms = [bill.number, *bill.search_terms]
        return {
            "pk": self.partition,
            "sk": f"B#{bill.bill_id}",
            "gsi1pk": by_status,
            "gsi1sk": bill.bill_id,
            "gsi2pk": by_type,
            "gsi2sk": bill.bill_id,
            "entity": f"bill:{bill.bill_type}",
            "search": "|" + "|".join(terms) + "|",
            "version": bill.version,
            "data": {
                "bill_type": bill.bill_type,
                "number": bill.number,
                "status": bill.status.value,
                "header": bill.header,
                "lines": bill.lines,
                "search_terms": bill.search_terms,
                "effects": bill.effects,
                "created_by": bill.created_by,
                "created_at": bill.created_at,
                "updated_at": bill.updated_at,
                "checked_by": bill.checked_by,
                "checked_at": bill.checked_at,
            },
        }


def _bill(item: Item) -> Bill:
    data: dict[str, Any] = item["data"]
    return Bill(
        bill_id=item["sk"].removeprefix("B#"),
        bill_type=data["bill_type"],
        number=data["number"],
        status=BillStatus(data["status"]),
        header=data.get("header") or {},
        lines=list(data.get("lines") or []),
        search_terms=list(data.get("search_terms") or []),
        effects=data.get("effects") or {},
        created_by=data.get("created_by", ""),
        created_at=data.get("created_at", ""),
        updated_at=data.get("updated_at", ""),
        checked_by=data.get("checked_by"),
        checked_at=data.get("checked_at"),
        version=int(item.get("version", 1)),
    )
