from decimal import Decimal

import pytest

from gridvend.money import from_minor, percent_of, quantum, round_money, to_minor


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.345", 2, "2.35"),
        ("2.344", 2, "2.34"),
        ("-2.345", 2, "-2.35"),
        ("0.05", 1, "0.1"),
        ("0.5", 0, "1"),
        ("1.49", 0, "1"),
    ],
)
def test_round_money_is_half_up_to_the_tenant_decimals(value: str, decimals: int, expected: str) -> None:
    rounded = round_money(Decimal(value), decimals)
    assert rounded == Decimal(expected)
    assert rounded.as_tuple().exponent == -decimals


@pytest.mark.parametrize(
    ("amount", "decimals", "minor"), [("12.34", 2, 1234), ("12.3", 1, 123), ("12", 0, 12)]
)
def test_minor_units_round_trip(amount: str, decimals: int, minor: int) -> None:
    assert to_minor(Decimal(amount), decimals) == minor
    assert from_minor(minor, decimals) == Decimal(amount)


def test_to_minor_accepts_trailing_zeros_beyond_the_decimals() -> None:
    assert to_minor(Decimal("12.300"), 1) == 123


def test_to_minor_refuses_an_unrounded_amount() -> None:
    with pytest.raises(ValueError, match="more than 2 decimals"):
        to_minor(Decimal("1.005"), 2)


@pytest.mark.parametrize("decimals", [-1, 3])
def test_only_zero_one_or_two_decimals_exist(decimals: int) -> None:
    with pytest.raises(ValueError):
        quantum(decimals)


def test_percent_of_rounds_the_result_half_up() -> None:
    assert percent_of(Decimal("10.10"), Decimal(15), 2) == Decimal("1.52")  # 1.515
    assert percent_of(Decimal("10.10"), Decimal(15), 0) == Decimal(2)
