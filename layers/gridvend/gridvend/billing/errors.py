"""Refusals of the vend calculation; each says what the operator can do about it."""

from __future__ import annotations

from decimal import Decimal

from gridvend.errors import Unprocessable


class VendRefused(Unprocessable):
    """Base of every refusal the calculation raises for an otherwise valid request."""


class AmountBelowCharges(VendRefused):
    """The payment does not cover the charges, debt and taxes with some energy left over."""

    def __init__(self, net_paid: Decimal, smallest_net: Decimal) -> None:
        super().__init__(
            f"payment {net_paid} does not cover the charges; the smallest vend costs {smallest_net}"
        )
        self.net_paid = net_paid
        self.smallest_net = smallest_net


class HoardingLimitExceeded(VendRefused):
    """The vend would put more credit on the meter than the tenant allows at once."""

    def __init__(self, vending_amount: Decimal, hoarding_limit: Decimal) -> None:
        super().__init__(f"vending amount {vending_amount} is above the hoarding limit {hoarding_limit}")
        self.vending_amount = vending_amount
        self.hoarding_limit = hoarding_limit


class BelowMinimumPurchase(VendRefused):
    def __init__(self, net_amount: Decimal, minimum_purchase: Decimal) -> None:
        super().__init__(f"net amount {net_amount} is below the minimum purchase {minimum_purchase}")
        self.net_amount = net_amount
        self.minimum_purchase = minimum_purchase
