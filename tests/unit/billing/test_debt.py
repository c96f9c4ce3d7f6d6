from decimal import Decimal

import pytest

from gridvend.billing import DebtRepayment, PurchasePeriods, RepaymentMethod
from gridvend.billing.periods import LATER_PURCHASE

FIRST_OF_MONTH = PurchasePeriods(first_purchase_ever=False, first_of_month=True, first_of_year=False)
AMOUNT = Decimal("80.00")


@pytest.mark.parametrize(
    ("method", "value", "periods", "expected"),
    [
        (RepaymentMethod.PER_TIMES, "10", LATER_PURCHASE, "10.00"),
        (RepaymentMethod.MONTHLY, "10", FIRST_OF_MONTH, "10.00"),
        (RepaymentMethod.MONTHLY, "10", LATER_PURCHASE, "0"),
        (RepaymentMethod.YEARLY, "10", FIRST_OF_MONTH, "0"),
        (RepaymentMethod.YEARLY, "10", PurchasePeriods(), "10.00"),
        (RepaymentMethod.PERCENTAGE, "25", LATER_PURCHASE, "20.00"),
        (RepaymentMethod.PERCENTAGE, "12.5", LATER_PURCHASE, "10.00"),
    ],
)
def test_repayment_methods(
    method: RepaymentMethod, value: str, periods: PurchasePeriods, expected: str
) -> None:
    repayment = DebtRepayment(method, Decimal(value))
    assert repayment.due(Decimal("500.00"), AMOUNT, periods, 2) == Decimal(expected)


def test_a_debt_smaller_than_the_instalment_is_repaid_and_no_more() -> None:
    repayment = DebtRepayment(RepaymentMethod.PER_TIMES, Decimal(10))
    assert repayment.due(Decimal("3.40"), AMOUNT, LATER_PURCHASE, 2) == Decimal("3.40")


def test_no_debt_no_repayment() -> None:
    repayment = DebtRepayment(RepaymentMethod.PERCENTAGE, Decimal(25))
    assert repayment.due(Decimal(0), AMOUNT, PurchasePeriods(), 2) == 0
