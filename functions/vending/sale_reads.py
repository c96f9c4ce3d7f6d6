"""What one attempt at a sale reads that changes from sale to sale, in one round trip: the idempotency record,
the meter, its latest contract, the customer, the meter's vend state and the bill counter.

The customer's key comes from the contract; the customer this process last saw on the meter's contract is
read in the same batch (a hint kept in the read cache), so only a meter's first sale here, or a sale just after
its contract changed customer, reads the customer in a second round trip. Everything is as of the batch read;
the sale's transaction conditions on the vend state, counter and contract versions, and a sale that finds them
moved reads again.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridvend.auth.context import TenantContext
from gridvend.bills.numbering import NumberingRule
from gridvend.store.bills import BillRepository
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import CustomerRepository
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.prefetch import PrefetchedStore
from gridvend.store.read_cache import read_cache
from gridvend.store.vends import VendRepository

CUSTOMER_HINTS = "vending:customer-of-meter"


@dataclass(frozen=True)
class Numbering:
    rule: NumberingRule
    period: str
    counter_code: str


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
        self._store = store
        self._ctx = ctx
        self._serial = serial
        self.numbering = numbering
        vends = VendRepository(store, ctx)
        keys = [
            vends.idempotency_record_key(idempotency_key),
            MeterRepository(store, ctx).key(serial),
            ContractRepository(store, ctx, decimals).key(serial),
            vends.state_key(serial),
            BillRepository(store, ctx).counter_key(numbering.counter_code, numbering.period),
        ]
        customer_code = read_cache(store).peek(ctx.tenant_id, CUSTOMER_HINTS, serial)
        if isinstance(customer_code, str):
            keys.append(CustomerRepository(store, ctx).key(customer_code))
        self.store = PrefetchedStore(store, keys)
        self.vends = VendRepository(self.store, ctx)
        self.meters = MeterRepository(self.store, ctx)
        self.contracts = ContractRepository(self.store, ctx, decimals)
        self.bills = BillRepository(self.store, ctx)

    def remember_customer(self, customer_code: str) -> None:
        read_cache(self._store).keep(self._ctx.tenant_id, CUSTOMER_HINTS, self._serial, customer_code)
