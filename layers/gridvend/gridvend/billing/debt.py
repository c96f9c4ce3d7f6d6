"""Outstanding (OS) debt recovery: how much of a customer's debt each purchase repays."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gridvend.billing.periods import PurchasePeriods
from gridvend.errors import InvalidInput
from gridvend.money import ZERO, percent_of, round_money


class RepaymentMethod(StrEnum):
    PER_TIMES = "per_times"  # a fixed sum at every purchase
    MONTHLY = "monthly"  # a fixed sum at the first purchase of each calendar month
    YEARLY = "yearly"  # a fixed sum at the first purchase of each calendar year
    PERCENTAGE = "percentage"  # a percentage of the vending amount at every purchase


@dataclass(frozen=True)
class DebtRepayment:
    """`value` is money, or a percentage (25 means 25 %) for PERCENTAGE."""

    method: RepaymentMethod
    value: Decimal

    def __post_init__(self) -> None:
        if self.value < 0:
            raise InvalidInput.for_field("value", "a repayment cannot be negative")

    def due(
        self, outstanding_debt: Decimal, vending_amount: Decimal, periods: PurchasePeriods, decimals: int
    ) -> Decimal:
        """This purchase's repayment: never more than the debt (in the tenant's decimals) outstanding."""
        if outstanding_debt <= 0:
            return ZERO
        if self.method is RepaymentMethod.MONTHLY and not periods.first_of_month:
            return ZERO
        if self.method is RepaymentMethod.YEARLY and not periods.first_of_year:
            return ZERO
        if self.method is RepaymentMethod.PERCENTAGE:
            instalment = percent_of(vending_amount, self.value, decimals)
        else:
            instalment = round_money(self.value, decimals)
        return min(instalment, outstanding_debt)
