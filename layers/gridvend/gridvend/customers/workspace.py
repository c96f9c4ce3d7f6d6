"""The repositories a customer operation works with, built once per request for one tenant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gridvend.auth.context import TenantContext
from gridvend.customers.charges import Fees, Settlement, settle
from gridvend.customers.lookups import ArchiveLookups
from gridvend.customers.model import Customer, CustomerStatus
from gridvend.customers.numbers import Numbers
from gridvend.customers.presented import stored_request
from gridvend.customers.schemas import Payment
from gridvend.errors import Conflict
from gridvend.money import to_minor
from gridvend.store.archives import ArchiveRepository
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import CustomerRepository, OperationRecords
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository


@dataclass
class Workspace:
    store: ItemStore
    ctx: TenantContext
    decimals: int
    archives: ArchiveRepository
    lookups: ArchiveLookups
    customers: CustomerRepository
    contracts: ContractRepository
    meters: MeterRepository
    records: OperationRecords
    numbers: Numbers

    @staticmethod
    def open(store: ItemStore, ctx: TenantContext, decimals: int | None = None) -> Workspace:
        places = decimals if decimals is not None else int(ctx.extra.get("decimals", "2"))
        archives = ArchiveRepository(store, ctx)
        return Workspace(
            store=store,
            ctx=ctx,
            decimals=places,
            archives=archives,
            lookups=ArchiveLookups(archives, places),
            customers=CustomerRepository(store, ctx),
            contracts=ContractRepository(store, ctx, places),
            meters=MeterRepository(store, ctx),
            records=OperationRecords(store, ctx),
            numbers=Numbers(store, ctx),
        )

    def check_money(self, request: BaseModel) -> None:
        """Refuses, naming the field, money finer than the tenant's decimals (before anything is computed)."""
        stored_request(request, self.decimals)

    def open_customer(self, code: str) -> Customer:
        """The customer, refusing a closed account: nothing more happens to it."""
        customer = self.customers.require(code)
        if customer.status is CustomerStatus.CLOSED:
            raise Conflict(f"customer '{customer.code}' has closed the account")
        return customer

    def settled(self, fees: Fees, payment: Payment, field_prefix: str = "payment") -> Settlement:
        self.lookups.require_optional("banks", payment.bank_id, f"{field_prefix}.bank_id")
        return settle(
            fees.total,
            payment.paid,
            self.lookups.term_rules(payment.payment_term_id, f"{field_prefix}.payment_term_id"),
            cheque_no=payment.cheque_no,
            bank_id=payment.bank_id,
            field_prefix=field_prefix,
        )

    def fee_details(self, fees: Fees, settlement: Settlement) -> dict[str, Any]:
        return {
            "fees": [line.stored(self.decimals) for line in fees.lines],
            "vat": to_minor(fees.vat, self.decimals),
            "settlement": settlement.stored(self.decimals),
        }

    def record(
        self,
        operation: str,
        customer_code: str,
        details: dict[str, Any],
        numbering: tuple[str, ...] = (),
        record_id: str | None = None,
    ) -> tuple[dict[str, Any], Guarded]:
        """The operation's record, numbered by the first of `numbering` the tenant has a rule for."""
        number = next((n for n in (self.numbers.take(code) for code in numbering) if n is not None), None)
        return self.records.new(operation, customer_code, details, number, record_id)

    def commit(self, operations: list[Guarded]) -> None:
        commit(self.store, operations)
