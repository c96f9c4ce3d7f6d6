"""The engine and the plain bit-at-a-time reference of bench/ make the same tokens."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gridvend.sts import CreditToken, PowerLimitToken, encode_token

from .reference import sts_reference
from .strategies import kwh, randoms, tids, watts

keys = st.binary(min_size=8, max_size=8)


@given(st.integers(0, 7), tids, randoms, kwh, keys)
def test_credit_tokens_agree(subclass: int, tid: int, random: int, amount: Decimal, key: bytes) -> None:
    engine = encode_token(CreditToken(subclass, tid, random, amount), key, 7)
    assert engine == sts_reference.credit_token(subclass, tid, random, amount, key)


@given(tids, randoms, watts, keys)
def test_power_limit_tokens_agree(tid: int, random: int, limit: Decimal, key: bytes) -> None:
    engine = encode_token(PowerLimitToken(tid, random, limit), key, 7)
    reference = sts_reference.build_token(2, 0, random, tid, sts_reference.encode_amount(limit, Decimal(1)), key)
    assert engine == reference


def test_reference_reproduces_the_standards_worked_example() -> None:
    key = bytes.fromhex("0ABC12DEF3456789")
    assert sts_reference.credit_token(0, 1698595, 11, Decimal("25.6"), key) == "29054347139309851356"
