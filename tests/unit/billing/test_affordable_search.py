"""The largest affordable vending amount: the guided search finds exactly what a plain bisection finds."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gridvend.billing import VendContext, from_minor, to_minor
from gridvend.billing.calculation import _largest_affordable_amount, _price_amount

from .strategies import vend_contexts


def bisected(funds: Decimal, context: VendContext) -> Decimal | None:
    decimals = context.policy.decimals
    if _price_amount(Decimal(0), context).total > funds:
        return None
    low, high = 0, to_minor(funds, decimals)
    while low < high:
        middle = (low + high + 1) // 2
        if _price_amount(from_minor(middle, decimals), context).total <= funds:
            low = middle
        else:
            high = middle - 1
    return from_minor(low, decimals)


@settings(max_examples=400, deadline=None)
@given(context=vend_contexts(), funds_minor=st.integers(min_value=0, max_value=2_000_000))
def test_the_guided_search_agrees_with_bisection(context: VendContext, funds_minor: int) -> None:
    funds = from_minor(funds_minor, context.policy.decimals)
    assert _largest_affordable_amount(funds, context) == bisected(funds, context)
