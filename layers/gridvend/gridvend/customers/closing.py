"""Account cancellation with settlement: every active contract ends, the meters come off site, what the
customer owes (debts, receivable and prearranged carries) is weighed against what is owed to them
(credit left in the meters, remain carries, undelivered replacement remainders), and the account closes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from gridvend.customers.cards import closing_card
from gridvend.customers.changes import end_contract_operations
from gridvend.customers.charges import FeeLine, Fees
from gridvend.customers.model import Contract, ContractStatus, Customer, CustomerStatus
from gridvend.customers.schemas import MAX_CONTRACTS_PER_BILL, CloseAccountRequest
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput
from gridvend.money import ZERO, from_minor, to_minor
from gridvend.store.contracts import contract_references
from gridvend.store.customers import customer_references, now_text
from gridvend.store.guarded import Guarded


@dataclass(frozen=True)
class AccountBalance:
    owed_by_customer: Decimal
    owed_to_customer: Decimal

    @property
    def due(self) -> Decimal:
        return max(self.owed_by_customer - self.owed_to_customer, ZERO)

    @property
    def refund(self) -> Decimal:
        return max(self.owed_to_customer - self.owed_by_customer, ZERO)


def account_balance(contracts: list[Contract], credits: dict[str, Decimal], decimals: int) -> AccountBalance:
    def money(minor: int) -> Decimal:
        return from_minor(minor, decimals)

    owed_by = sum((money(c.debt + c.carry.receivable + c.carry.prearranged) for c in contracts), ZERO)
    owed_to = sum(
        (
            credits.get(c.serial, ZERO)
            + money(c.carry.remain + (c.pending_remainder.amount if c.pending_remainder else 0))
            for c in contracts
        ),
        ZERO,
    )
    return AccountBalance(owed_by, owed_to)


def close_account(space: Workspace, code: str, request: CloseAccountRequest) -> tuple[Customer, dict[str, Any]]:
    space.check_money(request)
    customer = space.open_customer(code)
    contracts = space.contracts.active_of_customer(customer.code)
    if len(contracts) > MAX_CONTRACTS_PER_BILL:
        raise InvalidInput.for_field(
            "contracts", f"more than {MAX_CONTRACTS_PER_BILL} active contracts: cancel some one by one first"
        )
    active = {contract.serial for contract in contracts}
    credits: dict[str, Decimal] = {}
    for position, credit in enumerate(request.credits):
        if credit.serial not in active:
            raise InvalidInput.for_field(f"credits[{position}].serial", f"'{credit.serial}' is not an active contract")
        credits[credit.serial] = credit.remaining_credit
    card_credits, card_operations = closing_card(space, customer)
    for serial, amount in card_credits.items():
        credits.setdefault(serial, amount)  # what the cancellation card read back, unless the request says
    balance = account_balance(contracts, credits, space.decimals)
    fees = Fees((FeeLine("settlement", "SETTLEMENT", "Account settlement", balance.due, False),), ZERO)
    settlement = space.settled(fees, request.payment)
    closed = replace(customer, status=CustomerStatus.CLOSED, closed_at=now_text())
    operations: list[Guarded] = [
        space.customers.save(customer, closed),
        space.customers.audit("close", customer, closed),
    ]
    for contract in contracts:
        operations += end_contract_operations(
            space, contract, ContractStatus.CLOSED, f"account closed: {request.reason}"
        )
    removed = customer_references(customer) + [r for c in contracts for r in contract_references(c)]
    operations += space.archives.reference_changes(removed, [])
    record, record_put = space.record(
        "close_account",
        customer.code,
        {
            "serials": sorted(active),
            "reason": request.reason,
            "credits": {serial: to_minor(amount, space.decimals) for serial, amount in credits.items()},
            "owed_by_customer": to_minor(balance.owed_by_customer, space.decimals),
            "owed_to_customer": to_minor(balance.owed_to_customer, space.decimals),
            "refund": to_minor(balance.refund, space.decimals),
            "settlement": settlement.stored(space.decimals),
        },
        numbering=("close_account",),
    )
    space.commit([*operations, *card_operations, record_put])
    return space.customers.require(customer.code), record
