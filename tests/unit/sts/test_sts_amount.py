"""The 16-bit amount field: smallest exponent, mantissa rounded up with carry, limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridvend.sts import WATT, AmountOutOfRange, decode_amount, encode_amount, token_amount
from gridvend.sts.amount import MAX_UNITS, decode_units, encode_units


def test_small_amounts_use_exponent_zero() -> None:
    assert encode_amount(Decimal("25.6")) == 256
    assert encode_amount(Decimal("0.1")) == 1
    assert encode_amount(Decimal("1638.3")) == 16383


def test_each_exponent_starts_where_the_last_ended() -> None:
    assert encode_units(16384) == (1 << 14) | 0
    assert encode_units(16394) == (1 << 14) | 1
    assert encode_units(180214) == (1 << 14) | 16383
    assert encode_units(180224) == (2 << 14) | 0
    assert encode_units(1818624) == (3 << 14) | 0
    assert encode_units(MAX_UNITS) == 0xFFFF


def test_mantissa_rounds_up_and_carries_into_the_next_exponent() -> None:
    assert decode_units(encode_units(16385)) == 16394
    # 18022.3 kWh falls between exponent 1's last value and exponent 2's first: it carries.
    assert encode_amount(Decimal("18022.3")) == 2 << 14
    assert token_amount(Decimal("18022.3")) == Decimal("18022.4")


def test_amounts_finer_than_a_tenth_round_up() -> None:
    assert encode_amount(Decimal("0.11")) == 2
    assert encode_amount(Decimal("0.001")) == 1
    assert encode_amount(Decimal("0")) == 0


def test_decode_gives_kwh_or_watts() -> None:
    assert decode_amount(256) == Decimal("25.6")
    assert decode_amount(0xFFFF) == Decimal("1820162.4")
    assert decode_amount(encode_amount(Decimal(1000), WATT), WATT) == Decimal(1000)


def test_largest_amount_is_1820162_4_kwh() -> None:
    assert token_amount(Decimal("1820162.4")) == Decimal("1820162.4")
    with pytest.raises(AmountOutOfRange, match="exceeds"):
        encode_amount(Decimal("1820162.41"))
    with pytest.raises(AmountOutOfRange, match="exceeds"):
        encode_amount(MAX_UNITS + 1, WATT)


@pytest.mark.parametrize("bad", [Decimal("-0.1"), Decimal("NaN"), Decimal("Infinity"), "abc", 25.6, True])
def test_bad_amounts_raise_amount_out_of_range(bad: object) -> None:
    with pytest.raises(AmountOutOfRange):
        encode_amount(bad)  # type: ignore[arg-type]


def test_every_field_value_decodes_to_a_value_that_encodes_back_to_it() -> None:
    for field in range(0, 0x10000, 7):
        assert encode_units(decode_units(field)) == field
