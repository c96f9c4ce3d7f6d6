"""Counter fees: charge items per meter with VAT on the taxed ones, and payments that settle them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridvend.customers.charges import FeeItem, TermRules, fees_for, settle
from gridvend.errors import InvalidInput

CASH = TermRules("cash", gives_change=True)
CHEQUE = TermRules("cheque", gives_change=False, needs_bank_details=True)


def item(code: str, amount: str, taxed: bool = False) -> FeeItem:
    return FeeItem(code.lower(), code, code.title(), Decimal(amount), taxed)


def test_registration_fees_are_charged_once_per_meter() -> None:
    fees = fees_for((item("REG", "50"), item("CARD", "5")), ["A", "B"], Decimal(0), 2)
    assert [(line.code, line.serial) for line in fees.lines] == [("REG", "A"), ("CARD", "A"), ("REG", "B"),
                                                                 ("CARD", "B")]
    assert fees.total == Decimal("110.00")


def test_vat_applies_to_taxed_lines_only_and_rounds_half_up() -> None:
    fees = fees_for((item("REG", "10.05", taxed=True), item("SEAL", "3")), [None], Decimal(5), 2)
    assert fees.vat == Decimal("0.50")  # 5 % of 10.05 = 0.5025
    assert fees.total == Decimal("13.55")


def test_a_percentage_charge_item_charges_nothing_at_the_counter() -> None:
    fields = {"method": "amount_percent", "percent": "5", "taxed": False}
    assert FeeItem.from_archive("i", "PCT", "Percent", fields, 2).amount == Decimal(0)
    fixed = FeeItem.from_archive("j", "FIX", "Fixed", {"method": "per_times", "amount": 1250}, 2)
    assert fixed.amount == Decimal("12.50")


def test_change_is_paid_minus_due() -> None:
    settlement = settle(Decimal("110"), Decimal("120"), CASH)
    assert (settlement.paid, settlement.change, settlement.term_id) == (Decimal("120"), Decimal("10"), "cash")
    assert settle(Decimal("110"), None, CASH).change == Decimal(0)


def test_nothing_due_needs_no_payment_term() -> None:
    settlement = settle(Decimal(0), None, None)
    assert (settlement.paid, settlement.change, settlement.term_id) == (Decimal(0), Decimal(0), None)


@pytest.mark.parametrize(
    ("paid", "term", "cheque_no", "field"),
    [
        (Decimal("100"), CASH, "", "payment.paid"),
        (None, None, "", "payment.payment_term_id"),
        (Decimal("120"), CHEQUE, "12", "payment.paid"),
        (None, CHEQUE, "", "payment.cheque_no"),
    ],
)
def test_payments_that_do_not_settle_are_refused_naming_the_field(
    paid: Decimal | None, term: TermRules | None, cheque_no: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        settle(Decimal("110"), paid, term, cheque_no=cheque_no)
    assert refused.value.problems[0].field == field


def test_settlement_is_stored_in_minor_units() -> None:
    stored = settle(Decimal("12.50"), Decimal("20"), CASH).stored(2)
    assert (stored["due"], stored["paid"], stored["change"]) == (1250, 2000, 750)
