"""Splitting a payment: worked examples of the net amount formula (seed 000 §3.4 c)."""

from decimal import Decimal

from gridvend.billing import (
    ChargeSource,
    CustomerTypeTerms,
    PurchasePeriods,
    SteppedTariff,
    VendContext,
    VendPolicy,
    breakdown_from_payment,
)

from .builders import later_history, unit_price_context


def test_net_is_amount_plus_charges_plus_vat_on_amount_and_taxed_charges() -> None:
    # Later purchase: LEVY 2 % and SVC 1.50 (both taxed) apply, VAT 15 %.
    vend = breakdown_from_payment(Decimal("95.57"), unit_price_context())
    assert vend.amount == Decimal("80.00")
    assert vend.energy_kwh == Decimal("80.0")
    assert [(line.code, line.amount) for line in vend.charges] == [
        ("LEVY", Decimal("1.60")),
        ("SVC", Decimal("1.50")),
    ]
    assert vend.taxed_amount == Decimal("3.10")
    assert vend.untaxed_amount == 0
    assert vend.vat == Decimal("12.47")  # (80.00 + 3.10) * 15 % = 12.465, half-up
    assert vend.credit_carried == 0
    assert vend.net_amount == Decimal("95.57")
    assert vend.lines_add_up()


def test_first_purchase_of_a_year_adds_monthly_and_yearly_charges_untaxed() -> None:
    vend = breakdown_from_payment(
        Decimal("112.57"),
        unit_price_context(history=later_history(periods=PurchasePeriods(False, True, True))),
    )
    assert vend.amount == Decimal("80.00")
    assert vend.untaxed_amount == Decimal("17.00")  # METER 5 + LIC 12, outside the VAT base
    assert vend.vat == Decimal("12.47")
    assert vend.lines_add_up()


def test_what_the_energy_rounding_leaves_is_carried_as_credit() -> None:
    # 95.60 affords an amount of 80.03, but only whole tenths of a kWh go on the meter.
    vend = breakdown_from_payment(Decimal("95.60"), unit_price_context())
    assert (vend.amount, vend.energy_kwh) == (Decimal("80.00"), Decimal("80.0"))
    assert vend.credit_carried == Decimal("0.03")
    assert vend.lines_add_up()


def test_carried_credit_is_spent_at_the_next_purchase() -> None:
    context = unit_price_context(history=later_history(carried_credit=Decimal("0.03")))
    vend = breakdown_from_payment(Decimal("95.54"), context)
    assert vend.amount == Decimal("80.00")
    assert vend.credit_used == Decimal("0.03")
    assert vend.credit_carried == 0
    assert vend.lines_add_up()


def test_seed_step_example_paying_445_buys_600_kwh(step_tariff: SteppedTariff) -> None:
    vend = breakdown_from_payment(Decimal(445), VendContext(step_tariff))
    assert (vend.amount, vend.energy_kwh, vend.net_amount) == (Decimal(445), Decimal(600), Decimal(445))
    assert vend.lines_add_up()


def test_pre_installed_amount_is_charged_at_the_first_purchase_only() -> None:
    terms = CustomerTypeTerms()
    first = VendContext(unit_price_context().tariff, terms, pre_installed_amount=Decimal(10))
    later = VendContext(unit_price_context().tariff, terms, later_history(), pre_installed_amount=Decimal(10))
    first_vend = breakdown_from_payment(Decimal(50), first)
    assert first_vend.pre_installed == Decimal("10.00")
    assert first_vend.amount == Decimal("40.00")
    assert first_vend.charges[0].source is ChargeSource.PRE_INSTALLED
    assert breakdown_from_payment(Decimal(50), later).amount == Decimal("50.00")


def test_zero_decimals_rounds_every_line_to_whole_units() -> None:
    context = unit_price_context(policy=VendPolicy(decimals=0), price="0.6")
    vend = breakdown_from_payment(Decimal(100), context)
    assert all(value == value.to_integral_value() for value in (vend.amount, vend.vat, vend.credit_carried))
    assert vend.energy_kwh * Decimal("0.6") <= vend.amount
    assert vend.lines_add_up()


def test_warn_amount_asks_for_confirmation_only_above_it() -> None:
    policy = VendPolicy(warn_amount=Decimal(200))
    assert not breakdown_from_payment(Decimal(200), unit_price_context(policy=policy)).needs_confirmation
    assert breakdown_from_payment(Decimal("200.01"), unit_price_context(policy=policy)).needs_confirmation


def test_minor_units_of_a_breakdown_are_what_storage_keeps() -> None:
    minor = breakdown_from_payment(Decimal("95.57"), unit_price_context()).minor_units()
    assert minor["amount"] == 8000
    assert minor["vat"] == 1247
    assert minor["net_amount"] == 9557
