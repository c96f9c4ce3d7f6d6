"""Purchases in sequence: debt recovery, the month's steps, and pay-type change amounts."""

from decimal import Decimal

from gridvend.billing import (
    CustomerTypeTerms,
    DebtRepayment,
    PayTypeChange,
    PayTypeChangeCarry,
    PurchaseHistory,
    PurchasePeriods,
    RepaymentMethod,
    SteppedTariff,
    VendContext,
    breakdown_from_energy,
    breakdown_from_payment,
)
from gridvend.billing.periods import LATER_PURCHASE

from .builders import later_history, unit_price_context

NEXT_MONTH = PurchasePeriods(first_purchase_ever=False, first_of_month=True, first_of_year=False)


def test_two_purchases_in_a_month_climb_the_steps_like_one(step_tariff: SteppedTariff) -> None:
    first_context = VendContext(step_tariff)
    first = breakdown_from_energy(Decimal(300), first_context)
    second_history = first_context.history.after(first, LATER_PURCHASE)
    assert second_history.month_energy_kwh == Decimal(300)
    second = breakdown_from_energy(Decimal(300), VendContext(step_tariff, history=second_history))
    assert (first.net_amount, second.net_amount) == (Decimal(195), Decimal(250))
    assert first.net_amount + second.net_amount == Decimal(445)


def test_a_new_month_starts_again_at_the_first_step(step_tariff: SteppedTariff) -> None:
    first = breakdown_from_energy(Decimal(300), VendContext(step_tariff))
    history = PurchaseHistory().after(first, NEXT_MONTH)
    assert history.month_energy_kwh == 0
    assert breakdown_from_energy(Decimal(300), VendContext(step_tariff, history=history)).net_amount == 195


def test_debt_is_repaid_by_times_until_it_is_paid() -> None:
    terms = CustomerTypeTerms(repayment=DebtRepayment(RepaymentMethod.PER_TIMES, Decimal(10)))
    history = later_history(outstanding_debt=Decimal("13.40"))
    repaid = []
    for _ in range(3):
        vend = breakdown_from_payment(Decimal(50), unit_price_context(terms=terms, history=history))
        assert vend.lines_add_up()
        repaid.append(vend.debt_repaid)
        history = history.after(vend, LATER_PURCHASE)
    assert repaid == [Decimal("10.00"), Decimal("3.40"), Decimal(0)]
    assert history.outstanding_debt == 0


def test_percentage_debt_is_a_share_of_the_vending_amount() -> None:
    terms = CustomerTypeTerms(repayment=DebtRepayment(RepaymentMethod.PERCENTAGE, Decimal(25)))
    context = unit_price_context(terms=terms, history=later_history(outstanding_debt=Decimal(500)))
    vend = breakdown_from_payment(Decimal(50), context)
    assert (vend.amount, vend.debt_repaid) == (Decimal("40.00"), Decimal("10.00"))


def test_postpaid_to_prepaid_charges_prearranged_and_receivable_at_the_next_purchase() -> None:
    terms = CustomerTypeTerms(prearrange_amount=Decimal(20))
    carry = PayTypeChangeCarry().after_change(
        PayTypeChange.POSTPAID_TO_PREPAID,
        prearrange_amount=terms.prearrange_amount,
        unpaid_postpaid_amount=Decimal("35.50"),
        decimals=2,
    )
    context = unit_price_context(terms=terms, history=later_history(pay_type_change=carry))
    vend = breakdown_from_payment(Decimal(100), context)
    assert (vend.prearranged, vend.receivable) == (Decimal(20), Decimal("35.50"))
    assert vend.amount == Decimal("44.50")
    assert vend.untaxed_amount == Decimal("55.50")
    assert context.history.after(vend, LATER_PURCHASE).pay_type_change == PayTypeChangeCarry()


def test_prepaid_to_postpaid_remain_is_returned_off_the_net_amount() -> None:
    carry = PayTypeChangeCarry().after_change(
        PayTypeChange.PREPAID_TO_POSTPAID,
        prearrange_amount=Decimal(20),
        prepaid_remaining_amount=Decimal(12),
        decimals=2,
    )
    assert carry == PayTypeChangeCarry(remain=Decimal(12))
    context = unit_price_context(terms=CustomerTypeTerms(), history=later_history(pay_type_change=carry))
    vend = breakdown_from_payment(Decimal(30), context)
    assert (vend.amount, vend.remain_used, vend.net_amount) == (Decimal(42), Decimal(12), Decimal(30))
    assert vend.lines_add_up()
    assert context.history.after(vend, LATER_PURCHASE).pay_type_change.remain == 0
