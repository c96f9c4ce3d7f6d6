"""Properties over any tariff, customer type and history: receipts add up, quotes are consistent."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gridvend.billing import (
    ENERGY_UNIT_KWH,
    AmountBelowCharges,
    VendContext,
    breakdown_from_energy,
    breakdown_from_payment,
    from_minor,
    net_for_energy,
    to_minor,
)
from gridvend.billing.energy import is_whole_energy_units
from gridvend.money import quantum

from .strategies import vend_contexts

payments_minor = st.integers(min_value=0, max_value=2_000_000)
energy_tenths = st.integers(min_value=1, max_value=20_000)


@settings(max_examples=300, deadline=None)
@given(context=vend_contexts(), paid_minor=payments_minor)
def test_a_payment_buys_the_most_whole_tenths_and_its_lines_add_up(
    context: VendContext, paid_minor: int
) -> None:
    decimals = context.policy.decimals
    net_paid = from_minor(paid_minor, decimals)
    try:
        vend = breakdown_from_payment(net_paid, context)
    except AmountBelowCharges:
        assert net_for_energy(ENERGY_UNIT_KWH, context) > net_paid
        return
    assert vend.lines_add_up()
    assert vend.net_amount == net_paid
    assert vend.energy_kwh > 0 and is_whole_energy_units(vend.energy_kwh)
    energy_cost = context.tariff.cost_of(vend.energy_kwh, context.history.month_energy_kwh)
    assert energy_cost <= vend.amount < energy_cost + quantum(decimals)
    assert vend.credit_carried >= 0
    assert net_for_energy(vend.energy_kwh + ENERGY_UNIT_KWH, context) > net_paid


@settings(max_examples=300, deadline=None)
@given(context=vend_contexts(), wanted_tenths=energy_tenths)
def test_paying_the_quote_for_energy_yields_at_least_that_energy_and_no_less_would(
    context: VendContext, wanted_tenths: int
) -> None:
    wanted = Decimal(wanted_tenths) / 10
    vend = breakdown_from_energy(wanted, context)
    assert vend.energy_kwh >= wanted
    assert vend.lines_add_up()
    assert vend == breakdown_from_payment(vend.net_amount, context)
    if vend.net_amount > 0:
        one_less = vend.net_amount - quantum(context.policy.decimals)
        assert _energy_bought(one_less, context) < wanted


def _energy_bought(net_paid: Decimal, context: VendContext) -> Decimal:
    try:
        return breakdown_from_payment(net_paid, context).energy_kwh
    except AmountBelowCharges:
        return Decimal(0)


@given(minor=st.integers(min_value=-(10**12), max_value=10**12), decimals=st.sampled_from([0, 1, 2]))
def test_minor_units_round_trip(minor: int, decimals: int) -> None:
    assert to_minor(from_minor(minor, decimals), decimals) == minor
