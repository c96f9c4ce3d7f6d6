"""Pay-type change of a contract (seed 000 §4.7): prepaid <-> postpaid, leaving prearranged, receivable
and remain amounts on the contract for the next purchase to settle."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from gridvend.billing.pay_type_change import PayTypeChange, PayTypeChangeCarry
from gridvend.customers.model import Carry, Contract, PayType
from gridvend.customers.schemas import PayTypeChangeRequest
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput
from gridvend.money import from_minor, to_minor


def carry_of(contract: Contract, decimals: int) -> PayTypeChangeCarry:
    return PayTypeChangeCarry(
        prearranged=from_minor(contract.carry.prearranged, decimals),
        receivable=from_minor(contract.carry.receivable, decimals),
        remain=from_minor(contract.carry.remain, decimals),
    )


def stored_carry(carry: PayTypeChangeCarry, decimals: int) -> Carry:
    return Carry(
        prearranged=to_minor(carry.prearranged, decimals),
        receivable=to_minor(carry.receivable, decimals),
        remain=to_minor(carry.remain, decimals),
    )


def change_pay_type(space: Workspace, serial: str, request: PayTypeChangeRequest) -> tuple[Contract, dict[str, Any]]:
    space.check_money(request)
    contract = space.contracts.require_active(serial)
    customer = space.open_customer(contract.customer_code)
    if request.to is contract.pay_type:
        raise InvalidInput.for_field("to", f"the contract is already {contract.pay_type.value}")
    change = PayTypeChange.POSTPAID_TO_PREPAID if request.to is PayType.PREPAID else PayTypeChange.PREPAID_TO_POSTPAID
    prearrange = request.prearrange_amount
    if prearrange is None:
        customer_type = space.lookups.require("customer-types", customer.customer_type_id, "prearrange_amount")
        prearrange = space.lookups.prearrange_amount(customer_type)
    to_prepaid = change is PayTypeChange.POSTPAID_TO_PREPAID
    before = carry_of(contract, space.decimals)
    after = before.after_change(
        change,
        prearrange_amount=prearrange if to_prepaid else Decimal(0),
        unpaid_postpaid_amount=request.unpaid_postpaid_amount if to_prepaid else Decimal(0),
        prepaid_remaining_amount=request.prepaid_remaining_amount if not to_prepaid else Decimal(0),
        decimals=space.decimals,
    )
    updated = replace(contract, pay_type=request.to, carry=stored_carry(after, space.decimals))
    added = {
        "prearranged": after.prearranged - before.prearranged,
        "receivable": after.receivable - before.receivable,
        "remain": after.remain - before.remain,
    }
    record, record_put = space.record(
        "pay_type_change",
        customer.code,
        {
            "serials": [serial],
            "change": change.value,
            "from": contract.pay_type.value,
            "to": request.to.value,
            **{name: to_minor(amount, space.decimals) for name, amount in added.items()},
            "remark": request.remark,
        },
        numbering=("pay_type_change",),
    )
    space.commit(
        [
            space.contracts.save(contract, updated),
            space.customers.unchanged(customer),
            space.contracts.audit("pay_type_change", contract, updated),
            record_put,
        ]
    )
    return space.contracts.require(serial), record
