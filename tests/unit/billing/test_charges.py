from datetime import datetime
from decimal import Decimal

import pytest

from gridvend.billing import ChargeItem, ChargeMethod, PurchasePeriods
from gridvend.billing.charges import charge_item_lines
from gridvend.billing.periods import LATER_PURCHASE
from gridvend.errors import InvalidInput

from .builders import full_terms

FIRST_OF_MONTH_ONLY = PurchasePeriods(first_purchase_ever=False, first_of_month=True, first_of_year=False)


def _amounts(periods: PurchasePeriods, vending_amount: str = "100.00") -> dict[str, Decimal]:
    lines = charge_item_lines(full_terms().vending_charges, Decimal(vending_amount), periods, 2)
    return {line.code: line.amount for line in lines}


def test_every_method_charges_at_the_first_purchase_of_a_year() -> None:
    assert _amounts(PurchasePeriods()) == {
        "LEVY": Decimal("2.00"),
        "SVC": Decimal("1.50"),
        "METER": Decimal("5.00"),
        "LIC": Decimal("12.00"),
    }


def test_monthly_charges_only_at_the_first_purchase_of_the_month() -> None:
    assert set(_amounts(FIRST_OF_MONTH_ONLY)) == {"LEVY", "SVC", "METER"}
    assert set(_amounts(LATER_PURCHASE)) == {"LEVY", "SVC"}


def test_amount_percentage_is_of_the_vending_amount_rounded_half_up() -> None:
    assert _amounts(LATER_PURCHASE, "10.25")["LEVY"] == Decimal("0.21")  # 0.205


def test_fixed_charges_are_rounded_to_the_tenant_decimals() -> None:
    item = ChargeItem("X", "Fee", ChargeMethod.PER_TIMES, Decimal("1.50"), taxed=False)
    assert item.charge(Decimal(100), 0) == Decimal(2)


def test_a_negative_charge_item_is_refused() -> None:
    with pytest.raises(InvalidInput):
        ChargeItem("X", "Fee", ChargeMethod.PER_TIMES, Decimal(-1), taxed=False)


def test_periods_of_a_first_purchase() -> None:
    assert PurchasePeriods.since(None, datetime(2024, 5, 3)) == PurchasePeriods()


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (datetime(2024, 5, 1), datetime(2024, 5, 31), LATER_PURCHASE),
        (datetime(2024, 4, 30), datetime(2024, 5, 1), FIRST_OF_MONTH_ONLY),
        (datetime(2023, 5, 20), datetime(2024, 5, 1), PurchasePeriods(False, True, True)),
        (datetime(2023, 12, 31, 23, 59), datetime(2024, 1, 1), PurchasePeriods(False, True, True)),
    ],
)
def test_periods_since_the_last_purchase(last: datetime, now: datetime, expected: PurchasePeriods) -> None:
    assert PurchasePeriods.since(last, now) == expected


def test_a_purchase_before_the_last_one_is_refused() -> None:
    with pytest.raises(ValueError):
        PurchasePeriods.since(datetime(2024, 5, 2), datetime(2024, 5, 1))
