"""Meters placed with customers: contracts (customer <-> meter), points of collection and installers' work
orders (their access patterns are listed with PointRepository and WorkOrderRepository below).

Meter contracts of a tenant: the latest contract of each meter under the meter's
serial, older ones kept as history once the meter gets a new contract.

Access patterns:
- a meter's latest contract (vending):   pk=T#<t>#CONTRACT  sk=M#<serial>  (+ the customer: 2 GetItems)
- contracts by serial prefix:            pk=T#<t>#CONTRACT  sk begins with M#<prefix>
- earlier contracts of a meter:          pk=T#<t>#CONTRACT  sk begins with H#<serial>#
- contracts of a customer (all):         gsi1pk=T#<t>#CONTRACT#C#<CODE>  gsi1sk=<record id>
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal

from gridvend.auth.context import TenantContext
from gridvend.customers.model import Carry, Contract, ContractStatus
from gridvend.customers.vending_view import VendingContract, vending_contract
from gridvend.customers.work_order_model import WorkOrder, WorkOrderState
from gridvend.errors import Conflict, FieldProblem, InvalidInput, NotFound
from gridvend.money import to_minor
from gridvend.store.archives import Reference
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.customers import CustomerRepository, OperationRecords, now_text
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Delete, Item, ItemStore, Put

CUSTOMER_CONTRACTS_PAGE = 200


def contract_references(contract: Contract | None) -> list[Reference]:
    return [Reference("tariff_id", "tariffs", contract.tariff_id)] if contract else []


class ContractRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext, decimals: int | None = None) -> None:
        self._store = store
        self._ctx = ctx
        self._decimals = decimals if decimals is not None else int(ctx.extra.get("decimals", "2"))

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}CONTRACT"

    def key(self, serial: str) -> tuple[str, str]:
        """Where the meter's latest contract is."""
        return self.partition, f"M#{serial}"

    def get(self, serial: str) -> Contract | None:
        """The meter's latest contract, whatever its status."""
        item = self._store.get(*self.key(serial))
        return _contract(item) if item else None

    def require(self, serial: str) -> Contract:
        contract = self.get(serial)
        if contract is None:
            raise NotFound(f"meter '{serial}' has no contract")
        return contract

    def require_active(self, serial: str) -> Contract:
        contract = self.require(serial)
        if contract.status is not ContractStatus.ACTIVE:
            message = f"the contract of meter '{serial}' is {contract.status.value}"
            raise Conflict(message, [FieldProblem("serial", message)])
        return contract

    def active_for_meter(self, serial: str) -> VendingContract | None:
        """For vending: the meter's latest contract with its customer's status and terms (two GetItems).
        None when the meter never had a contract; a cancelled or replaced one comes back with its status."""
        contract = self.get(serial)
        if contract is None:
            return None
        customer = CustomerRepository(self._store, self._ctx).get(contract.customer_code)
        if customer is None:
            return None
        return vending_contract(contract, customer, self._decimals)

    def page(
        self, serial_prefix: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[Contract], dict[str, str] | None]:
        page = self._store.query(self.partition, sk_prefix=f"M#{serial_prefix}", limit=limit, start_key=start_key)
        return [_contract(item) for item in page.items], page.next_key

    def customer_partition(self, customer_code: str) -> str:
        return f"{self.partition}#C#{customer_code}"

    def of_customer(self, customer_code: str) -> list[Contract]:
        """Every contract of the customer, latest and earlier, oldest first (a customer has few)."""
        found: list[Contract] = []
        start_key: dict[str, str] | None = None
        while True:
            page = self._store.query(
                self.customer_partition(customer_code),
                index="gsi1",
                limit=CUSTOMER_CONTRACTS_PAGE,
                start_key=start_key,
            )
            found += [_contract(item) for item in page.items]
            if page.next_key is None:
                return found
            start_key = page.next_key

    def active_of_customer(self, customer_code: str) -> list[Contract]:
        """The contracts of the customer that sell now, read from each meter's latest item."""
        serials = [c.serial for c in self.of_customer(customer_code) if c.status is ContractStatus.ACTIVE]
        latest = [self.get(serial) for serial in dict.fromkeys(serials)]
        return [c for c in latest if c is not None and c.status is ContractStatus.ACTIVE]

    def creation(self, contract: Contract, previous: Contract | None) -> list[Guarded]:
        """A new latest contract for the meter. An earlier contract must have ended; it moves to history."""
        taken = Conflict(
            f"meter '{contract.serial}' already has an active contract", [FieldProblem("serial", "already contracted")]
        )
        if previous is None:
            return [Guarded(Put(self.item(contract), Condition.absent()), taken)]
        if previous.status is ContractStatus.ACTIVE:
            raise taken
        condition = Condition(must_exist=True, equals={"version": previous.version})
        return [
            Guarded(Put(self.item(replace(contract, version=previous.version + 1)), condition), taken),
            Guarded(Put(self.history_item(previous), Condition.absent())),
        ]

    def undo_creation(self, created: Contract, previous_record_id: str | None) -> list[Guarded]:
        """Removes a contract that nothing has touched since it was made, bringing back the one before."""
        moved_on = Conflict(f"the contract of meter '{created.serial}' has changed since it was made")
        condition = Condition(must_exist=True, equals={"version": created.version})
        if previous_record_id is None:
            return [Guarded(Delete(self.partition, f"M#{created.serial}", condition), moved_on)]
        history_sk = f"H#{created.serial}#{previous_record_id}"
        earlier = self._store.get(self.partition, history_sk)
        if earlier is None:
            raise moved_on
        previous = replace(_contract(earlier), version=created.version + 1)
        return [
            Guarded(Put(self.item(previous), condition), moved_on),
            Guarded(Delete(self.partition, history_sk, Condition.present()), moved_on),
        ]

    def after_vend_operations(
        self, view: VendingContract, *, debt_repaid: Decimal, carry_settled: bool, remainder_delivered: bool
    ) -> list[Guarded]:
        """For the vend's transaction: what a sale settled on the contract (debt repaid, pay-type carries
        charged or returned, a replacement remainder delivered as a token), conditioned on the contract
        being as the vend read it (view.contract_version)."""
        if debt_repaid == 0 and not carry_settled and not remainder_delivered:
            return []  # the sale settled nothing on the contract (most sales)
        current = self.require(view.serial)
        if current.version != view.contract_version:
            raise Conflict(f"the contract of meter '{view.serial}' was changed meanwhile; retry the sale")
        repaid = to_minor(debt_repaid, self._decimals)
        if not 0 <= repaid <= current.debt:
            raise InvalidInput.for_field("debt_repaid", f"between 0 and the debt {view.debt}")
        updated = replace(
            current,
            debt=current.debt - repaid,
            carry=Carry() if carry_settled else current.carry,
            pending_remainder=None if remainder_delivered else current.pending_remainder,
        )
        if updated == current:
            return []
        operations = [self.save(current, updated), self.audit("vend", current, updated)]
        pending = current.pending_remainder
        if remainder_delivered and pending is not None:
            records = OperationRecords(self._store, self._ctx)
            record = records.get(pending.replacement_id)
            if record is not None:
                operations.append(records.amended(record, {"remainder_delivered": True, "delivered_at": now_text()}))
        return operations

    def save(self, current: Contract, updated: Contract) -> Guarded:
        stored = replace(updated, version=current.version + 1, updated_at=now_text())
        stale = Conflict(f"the contract of meter '{current.serial}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Put(self.item(stored), condition), stale)

    def audit(self, action: str, before: Contract | None, after: Contract | None) -> Guarded:
        subject = after or before
        assert subject is not None
        entry = AuditEntry(
            action,
            "contract",
            f"{subject.contract_id}/{subject.serial}",
            before.stored() if before else None,
            after.stored() if after else None,
        )
        return Guarded(audit_put(self._ctx, entry))

    def item(self, contract: Contract) -> Item:
        return {
            "pk": self.partition,
            "sk": f"M#{contract.serial}",
            "gsi1pk": self.customer_partition(contract.customer_code),
            "gsi1sk": contract.record_id,
            "entity": "contract",
            "version": contract.version,
            "data": contract.stored(),
        }

    def history_item(self, contract: Contract) -> Item:
        return {
            **self.item(contract),
            "sk": f"H#{contract.serial}#{contract.record_id}",
            "entity": "contract-history",
        }


def _contract(item: Item) -> Contract:
    return Contract.from_stored(item["data"], int(item.get("version", 1)))


class PointRepository:
    """Points of collection: where a customer's meter is (site, project, grid), its service rate and
    location. One per meter.

    Access patterns:
    - point of a meter:            pk=T#<t>#POC  sk=M#<serial>
    - points by serial prefix:     pk=T#<t>#POC  sk begins with M#<prefix>
    - points of a customer:        gsi1pk=T#<t>#POC#C#<CODE>  gsi1sk=<serial>
    - points on a power grid:      gsi2pk=T#<t>#POC#G#<grid id>  gsi2sk=<serial>
    """

    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}POC"

    def get(self, serial: str) -> dict[str, Any] | None:
        item = self._store.get(self.partition, f"M#{serial}")
        return {**item["data"], "version": int(item.get("version", 1))} if item else None

    def require(self, serial: str) -> dict[str, Any]:
        point = self.get(serial)
        if point is None:
            raise NotFound(f"meter '{serial}' has no point of collection")
        return point

    def list_partition(
        self, customer_code: str | None, grid_id: str | None
    ) -> tuple[str, Literal["gsi1", "gsi2"] | None]:
        if customer_code:
            return f"{self.partition}#C#{customer_code}", "gsi1"
        if grid_id:
            return f"{self.partition}#G#{grid_id}", "gsi2"
        return self.partition, None

    def page(
        self, customer_code: str | None, grid_id: str | None, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        partition, index = self.list_partition(customer_code, grid_id)
        page = self._store.query(
            partition, index=index, sk_prefix=None if index else "M#", limit=limit, start_key=start_key
        )
        return [{**item["data"], "version": int(item.get("version", 1))} for item in page.items], page.next_key

    def put(self, point: dict[str, Any], current_version: int | None) -> Guarded:
        """Creates (current_version None: the meter has no point yet) or replaces the point as read."""
        serial = point["serial"]
        if current_version is None:
            taken = Conflict(f"meter '{serial}' already has a point of collection", [FieldProblem("serial", "taken")])
            return Guarded(Put(self._item(point, 1), Condition.absent()), taken)
        stale = Conflict(f"the point of collection of meter '{serial}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current_version})
        return Guarded(Put(self._item(point, current_version + 1), condition), stale)

    def deletion(self, serial: str, current_version: int) -> Guarded:
        stale = Conflict(f"the point of collection of meter '{serial}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current_version})
        return Guarded(Delete(self.partition, f"M#{serial}", condition), stale)

    def audit(self, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> Guarded:
        subject = after or before
        assert subject is not None
        return Guarded(
            audit_put(self._ctx, AuditEntry(action, "point-of-collection", subject["serial"], before, after))
        )

    def _item(self, point: dict[str, Any], version: int) -> Item:
        data = {name: value for name, value in point.items() if name != "version"}
        item: Item = {
            "pk": self.partition,
            "sk": f"M#{point['serial']}",
            "gsi1pk": f"{self.partition}#C#{point['customer_code']}",
            "gsi1sk": point["serial"],
            "entity": "point-of-collection",
            "version": version,
            "data": data,
        }
        if point.get("grid_id"):
            item["gsi2pk"] = f"{self.partition}#G#{point['grid_id']}"
            item["gsi2sk"] = point["serial"]
        return item


class WorkOrderRepository:
    """Installers' work orders, and a guard that keeps one open order per meter.

    Access patterns:
    - work order by id:               pk=T#<t>#WO  sk=W#<id>
    - the open order of a meter:      pk=T#<t>#WO  sk=OPEN#<serial>  -> the order id
    - orders of an installer:         gsi1pk=T#<t>#WO#U#<username>  gsi1sk=<id>  (ids sort by time)
    - orders in a state:              gsi2pk=T#<t>#WO#ST#<state>  gsi2sk=<id>
    """

    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}WO"

    def get(self, order_id: str) -> WorkOrder | None:
        item = self._store.get(self.partition, f"W#{order_id}")
        return WorkOrder.from_stored(item["data"], int(item.get("version", 1))) if item else None

    def list_partition(
        self, installer: str | None, state: WorkOrderState | None
    ) -> tuple[str, Literal["gsi1", "gsi2"]]:
        if installer is not None:
            return f"{self.partition}#U#{installer}", "gsi1"
        return f"{self.partition}#ST#{(state or WorkOrderState.ASSIGNED).value}", "gsi2"

    def page(
        self,
        installer: str | None,
        state: WorkOrderState | None,
        *,
        limit: int,
        start_key: dict[str, str] | None,
    ) -> tuple[list[WorkOrder], dict[str, str] | None]:
        """By installer (any state, filtered here when one is named) or by state; newest first."""
        partition, index = self.list_partition(installer, state)
        page = self._store.query(partition, index=index, limit=limit, start_key=start_key, newest_first=True)
        orders = [WorkOrder.from_stored(item["data"], int(item.get("version", 1))) for item in page.items]
        if installer is not None and state is not None:
            orders = [order for order in orders if order.state is state]
        return orders, page.next_key

    def creation(self, order: WorkOrder) -> list[Guarded]:
        busy = Conflict(
            f"meter '{order.serial}' already has an open work order", [FieldProblem("serials", "already assigned")]
        )
        guard = {
            "pk": self.partition,
            "sk": f"OPEN#{order.serial}",
            "entity": "work-order-open",
            "data": {"order_id": order.order_id},
        }
        return [
            Guarded(Put(self._item(order), Condition.absent())),
            Guarded(Put(guard, Condition.absent()), busy),
        ]

    def save(self, current: WorkOrder, updated: WorkOrder) -> list[Guarded]:
        """The order as read moves on; an order that closes frees its meter for a new one."""
        stored = replace(updated, version=current.version + 1, updated_at=now_text())
        stale = Conflict(f"work order '{current.order_id}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current.version})
        operations = [Guarded(Put(self._item(stored), condition), stale)]
        if current.is_open and not updated.is_open:
            operations.append(Guarded(Delete(self.partition, f"OPEN#{current.serial}")))
        return operations

    def audit(self, action: str, before: WorkOrder | None, after: WorkOrder | None) -> Guarded:
        subject = after or before
        assert subject is not None
        entry = AuditEntry(
            action,
            "work-order",
            subject.order_id,
            before.public() if before else None,
            after.public() if after else None,
        )
        return Guarded(audit_put(self._ctx, entry))

    def _item(self, order: WorkOrder) -> Item:
        return {
            "pk": self.partition,
            "sk": f"W#{order.order_id}",
            "gsi1pk": f"{self.partition}#U#{order.installer}",
            "gsi1sk": order.order_id,
            "gsi2pk": f"{self.partition}#ST#{order.state.value}",
            "gsi2sk": order.order_id,
            "entity": "work-order",
            "version": order.version,
            "data": order.stored(),
        }
