"""Hypothesis strategies for STS requests and keys."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from gridvend.sts.amount import MAX_UNITS
from gridvend.sts.token_requests import (
    ClearCreditToken,
    ClearTamperToken,
    CreditToken,
    PhaseUnbalanceLimitToken,
    PowerLimitToken,
    TariffRateToken,
    TokenRequest,
    WaterMeterFactorToken,
)

EAS = (7, 9, 11)
KEY_BYTES = {7: 8, 9: 8, 11: 16}

tids = st.integers(min_value=0, max_value=(1 << 24) - 1)
randoms = st.integers(min_value=0, max_value=15)
words = st.integers(min_value=0, max_value=0xFFFF)
tenths = st.integers(min_value=0, max_value=MAX_UNITS).map(lambda units: Decimal(units) / 10)
# Amounts finer than the token's 0.1 grid too, to exercise rounding up.
kwh = st.one_of(tenths, st.decimals(min_value=0, max_value=Decimal(MAX_UNITS) / 10, places=3))
watts = st.integers(min_value=0, max_value=MAX_UNITS).map(Decimal)


@st.composite
def ea_and_key(draw: st.DrawFn) -> tuple[int, bytes]:
    ea = draw(st.sampled_from(EAS))
    return ea, draw(st.binary(min_size=KEY_BYTES[ea], max_size=KEY_BYTES[ea]))


def token_requests() -> st.SearchStrategy[TokenRequest]:
    return st.one_of(
        st.builds(CreditToken, st.integers(0, 7), tids, randoms, kwh),
        st.builds(PowerLimitToken, tids, randoms, watts),
        st.builds(ClearCreditToken, tids, randoms, words),
        st.builds(TariffRateToken, tids, randoms, words),
        st.builds(ClearTamperToken, tids, randoms),
        st.builds(PhaseUnbalanceLimitToken, tids, randoms, watts),
        st.builds(WaterMeterFactorToken, tids, randoms, words),
    )
