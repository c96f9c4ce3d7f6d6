"""From energy wanted to the net amount to pay, consistent with splitting that payment."""

from decimal import Decimal

from gridvend.billing import (
    SinglePriceTariff,
    SteppedTariff,
    VendContext,
    VendPolicy,
    breakdown_from_energy,
    breakdown_from_payment,
    net_for_energy,
)
from gridvend.billing.pay_type_change import PayTypeChangeCarry

from .builders import later_history, unit_price_context


def test_seed_step_example_600_kwh_costs_445(step_tariff: SteppedTariff) -> None:
    vend = breakdown_from_energy(Decimal(600), VendContext(step_tariff))
    assert vend.net_amount == Decimal("445.00")
    assert vend.energy_kwh == Decimal(600)


def test_quote_includes_charges_and_vat() -> None:
    assert net_for_energy(Decimal(80), unit_price_context()) == Decimal("95.57")


def test_paying_the_quote_gives_the_same_breakdown() -> None:
    context = unit_price_context(price="1.37")
    quoted = breakdown_from_energy(Decimal("12.3"), context)
    assert quoted == breakdown_from_payment(quoted.net_amount, context)
    assert quoted.energy_kwh >= Decimal("12.3")


def test_one_minor_unit_less_than_the_quote_buys_less_energy() -> None:
    context = unit_price_context(price="1.37")
    net = net_for_energy(Decimal("12.3"), context)
    assert breakdown_from_payment(net - Decimal("0.01"), context).energy_kwh < Decimal("12.3")


def test_when_a_minor_unit_buys_more_than_a_tenth_the_customer_gets_the_extra() -> None:
    # With whole currency units at 0.6 per kWh, paying 1 unit for 0.1 kWh buys 1.6 kWh.
    context = VendContext(
        SinglePriceTariff(Decimal("0.6")), history=later_history(), policy=VendPolicy(decimals=0)
    )
    vend = breakdown_from_energy(Decimal("0.1"), context)
    assert (vend.net_amount, vend.energy_kwh) == (Decimal(1), Decimal("1.6"))


def test_remain_credit_larger_than_the_cost_makes_the_quote_zero_and_is_spent_in_full() -> None:
    history = later_history(pay_type_change=PayTypeChangeCarry(remain=Decimal(200)))
    context = unit_price_context(history=history)
    vend = breakdown_from_energy(Decimal(10), context)
    assert vend.net_amount == 0
    assert vend.remain_used == Decimal(200)
    assert vend.energy_kwh > Decimal(10)
    assert vend.lines_add_up()
