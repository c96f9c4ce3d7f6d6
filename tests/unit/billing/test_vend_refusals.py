"""Refusals and invalid requests: each is our own exception, carrying what the operator needs."""

from decimal import Decimal

import pytest

from gridvend.billing import (
    AmountBelowCharges,
    BelowMinimumPurchase,
    HoardingLimitExceeded,
    VendPolicy,
    VendRefused,
    breakdown_from_energy,
    breakdown_from_payment,
)
from gridvend.errors import InvalidInput, Unprocessable

from .builders import unit_price_context


def test_a_payment_below_the_fixed_charges_is_refused_with_the_smallest_vend() -> None:
    # SVC 1.50 + its VAT 0.23 = 1.73 before any energy; 0.1 kWh brings it to 1.84.
    with pytest.raises(AmountBelowCharges) as refusal:
        breakdown_from_payment(Decimal("1.70"), unit_price_context())
    assert refusal.value.smallest_net == Decimal("1.84")
    assert breakdown_from_payment(Decimal("1.84"), unit_price_context()).energy_kwh == Decimal("0.1")


def test_a_payment_covering_the_charges_but_not_a_tenth_of_a_kwh_is_refused() -> None:
    with pytest.raises(AmountBelowCharges):
        breakdown_from_payment(Decimal("1.83"), unit_price_context())


def test_refusals_map_to_unprocessable() -> None:
    assert issubclass(AmountBelowCharges, VendRefused)
    assert issubclass(VendRefused, Unprocessable)
    assert AmountBelowCharges(Decimal(1), Decimal(2)).status == 422


def test_a_vend_above_the_hoarding_limit_is_refused() -> None:
    policy = VendPolicy(hoarding_limit=Decimal(50))
    with pytest.raises(HoardingLimitExceeded) as refusal:
        breakdown_from_payment(Decimal(100), unit_price_context(policy=policy))
    assert refusal.value.hoarding_limit == Decimal(50)
    assert refusal.value.vending_amount > Decimal(50)
    with pytest.raises(HoardingLimitExceeded):
        breakdown_from_energy(Decimal("50.1"), unit_price_context(policy=policy))


def test_a_vend_exactly_at_the_hoarding_limit_is_allowed() -> None:
    policy = VendPolicy(hoarding_limit=Decimal(50))
    assert breakdown_from_energy(Decimal(50), unit_price_context(policy=policy)).amount == Decimal(50)


def test_a_payment_below_the_minimum_purchase_is_refused() -> None:
    policy = VendPolicy(minimum_purchase=Decimal(5))
    with pytest.raises(BelowMinimumPurchase) as refusal:
        breakdown_from_payment(Decimal("4.99"), unit_price_context(policy=policy))
    assert refusal.value.minimum_purchase == Decimal(5)
    assert breakdown_from_payment(Decimal(5), unit_price_context(policy=policy)).net_amount == Decimal(5)


@pytest.mark.parametrize("net_paid", ["-1", "10.005"])
def test_a_negative_or_too_precise_payment_is_invalid(net_paid: str) -> None:
    with pytest.raises(InvalidInput):
        breakdown_from_payment(Decimal(net_paid), unit_price_context())


@pytest.mark.parametrize("energy", ["0", "-1", "12.34"])
def test_energy_wanted_must_be_whole_tenths_of_a_kwh_above_zero(energy: str) -> None:
    with pytest.raises(InvalidInput):
        breakdown_from_energy(Decimal(energy), unit_price_context())
