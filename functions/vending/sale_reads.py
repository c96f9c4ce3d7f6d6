"""What one attempt at a sale reads that changes from sale to sale, in one round trip: the idempotency record,
the meter, its latest contract, the meter's vend state and the bill counter.

The contract names the customer; the customer as the meter's latest sale saw it rides on the vend state
(gridvend.store.sale_customer) and stands in for reading the customer, with a check in the sale's transaction that
the customer has not changed since. A meter's first sale, a sale after its contract changed customer, or a retry
after that check failed reads the customer in a second round trip. Everything is as of the batch read; the sale's
transaction conditions on the vend state, counter, customer and contract versions, and a sale that finds them
moved reads again.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridvend.auth.context import TenantContext
from gridvend.bills.numbering import NumberingRule
from gridvend.customers.vending_view import VendingContract, vending_contract
from gridvend.store.bills import BillRepository
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import CustomerRepository, normal_code
from gridvend.store.guarded import Guarded
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.prefetch import PrefetchedStore
from gridvend.store.sale_customer import customer_from_snapshot, snapshot_of, still_as_seen
from gridvend.store.vends import MeterVendState, VendRepository


@dataclass(frozen=True)
class Numbering:
    rule: NumberingRule
    period: str
    counter_code: str


@dataclass(frozen=True)
class SaleContract:
    """The meter's contract as a sale sees it, the snapshot of its customer for the next sale, and the check that
    the customer is still as the snapshot had it (None when the customer was read now)."""

    view: VendingContract
    customer_snapshot: dict[str, object]
    customer_check: Guarded | None


class SaleReads:
    """Repositories over one batch read; a read outside the batch goes to the table as usual."""

    def __init__(
        self,
        store: ItemStore,
        ctx: TenantContext,
        decimals: int,
        *,
        serial: str,
        idempotency_key: str,
        numbering: Numbering,
    ) -> None:
        self._ctx = ctx
        self._decimals = decimals
        self.numbering = numbering
        vends = VendRepository(store, ctx)
        keys = [
            vends.idempotency_record_key(idempotency_key),
            MeterRepository(store, ctx).key(serial),
            ContractRepository(store, ctx, decimals).key(serial),
            vends.state_key(serial),
            BillRepository(store, ctx).counter_key(numbering.counter_code, numbering.period),
        ]
        self.store = PrefetchedStore(store, keys)
        self.vends = VendRepository(self.store, ctx)
        self.meters = MeterRepository(self.store, ctx)
        self.contracts = ContractRepository(self.store, ctx, decimals)
        self.bills = BillRepository(self.store, ctx)

    def contract_for_sale(
        self, serial: str, state: MeterVendState, *, trust_snapshot: bool = True
    ) -> SaleContract | None:
        """None when the meter never had a contract or its customer is gone; a cancelled or replaced contract
        comes back with its status (the caller refuses it)."""
        contract = self.contracts.get(serial)
        if contract is None:
            return None
        customers = CustomerRepository(self.store, self._ctx)
        seen = customer_from_snapshot(state.customer, normal_code(contract.customer_code)) if trust_snapshot else None
        customer = seen or customers.get(contract.customer_code)
        if customer is None:
            return None
        return SaleContract(
            vending_contract(contract, customer, self._decimals),
            snapshot_of(customer),
            still_as_seen(customers, customer) if seen is not None else None,
        )
