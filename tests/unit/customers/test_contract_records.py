"""Contracts and customers survive their stored form; the vending view says why a meter may not buy;
closing an account weighs what is owed each way."""

from __future__ import annotations

from decimal import Decimal

from gridvend.customers.closing import account_balance
from gridvend.customers.model import (
    Carry,
    Contract,
    ContractStatus,
    Customer,
    CustomerStatus,
    PayType,
    PendingRemainder,
)
from gridvend.customers.vending_view import vending_contract


def contract(**changes: object) -> Contract:
    base = Contract(
        contract_id="K1", serial="0100", customer_code="C1", tariff_id="T1", record_id="R1", ct_ratio=5,
        alarm_amount_1=1050, hoarding_limit=None, debt=4000, carry=Carry(2000, 8000, 750),
        pending_remainder=PendingRemainder("RP1", 1230),
    )
    return Contract(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def customer(status: CustomerStatus = CustomerStatus.ACTIVE) -> Customer:
    return Customer(code="C1", name="One", customer_type_id="RES", status=status, guarantor={"name": "G"})


def test_a_contract_and_a_customer_come_back_from_their_stored_form() -> None:
    original = contract(pay_type=PayType.POSTPAID, status=ContractStatus.CANCELLED)
    assert Contract.from_stored(original.stored(), original.version) == original
    # DynamoDB maps may hand numbers back as floats
    floats = {**original.stored(), "debt": 4000.0, "ct_ratio": 5.0, "carry": {"prearranged": 2000.0}}
    restored = Contract.from_stored(floats, 3)
    assert (restored.debt, restored.ct_ratio, restored.carry, restored.version) == (4000, 5, Carry(2000, 0, 0), 3)
    person = customer(CustomerStatus.BLACKLIST)
    assert Customer.from_stored(person.stored(), 2) == Customer(**{**person.__dict__, "version": 2})


def test_the_vending_view_turns_minor_units_into_money() -> None:
    view = vending_contract(contract(), customer(), 2)
    assert (view.debt, view.alarm_amount_1, view.hoarding_limit) == (Decimal("40.00"), Decimal("10.50"), None)
    assert (view.carry.prearranged, view.carry.receivable, view.carry.remain) == (
        Decimal("20.00"), Decimal("80.00"), Decimal("7.50"))
    assert (view.pending_remainder, view.pending_replacement_id) == (Decimal("12.30"), "RP1")
    assert view.may_vend and view.refusal() is None


def test_the_vending_view_refuses_blacklisted_closed_cancelled_and_replaced() -> None:
    assert "blacklisted" in str(vending_contract(contract(), customer(CustomerStatus.BLACKLIST), 2).refusal())
    assert "closed" in str(vending_contract(contract(), customer(CustomerStatus.CLOSED), 2).refusal())
    cancelled = vending_contract(contract(status=ContractStatus.CANCELLED), customer(), 2)
    assert "cancelled" in str(cancelled.refusal())
    replaced = vending_contract(contract(status=ContractStatus.REPLACED, replaced_by="0200"), customer(), 2)
    assert "replaced by '0200'" in str(replaced.refusal()) and not replaced.may_vend


def test_account_balance_weighs_debts_and_carries_against_credits() -> None:
    first = contract()  # owes 40 + 80 + 20, is owed 7.50 + 12.30
    second = contract(serial="0200", debt=0, carry=Carry(), pending_remainder=None)
    balance = account_balance([first, second], {"0200": Decimal("50")}, 2)
    assert balance.owed_by_customer == Decimal("140.00")
    assert balance.owed_to_customer == Decimal("69.80")
    assert (balance.due, balance.refund) == (Decimal("70.20"), Decimal(0))
    generous = account_balance([second], {"0200": Decimal("50")}, 2)
    assert (generous.due, generous.refund) == (Decimal(0), Decimal("50"))
