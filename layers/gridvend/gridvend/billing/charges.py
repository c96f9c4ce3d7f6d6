"""Charge items (fees and levies beside the energy) and the lines they put on a vend receipt."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gridvend.billing.periods import PurchasePeriods
from gridvend.errors import InvalidInput
from gridvend.money import percent_of, round_money


class ChargeMethod(StrEnum):
    PER_TIMES = "per_times"  # a fixed fee at every purchase
    AMOUNT_PERCENT = "amount_percent"  # a percentage of the vending amount
    MONTHLY = "monthly"  # a fixed fee at the first purchase of each calendar month
    YEARLY = "yearly"  # a fixed fee at the first purchase of each calendar year


@dataclass(frozen=True)
class ChargeItem:
    """`value` is money for fixed fees and a percentage (5 means 5 %) for AMOUNT_PERCENT."""

    code: str
    name: str
    method: ChargeMethod
    value: Decimal
    taxed: bool

    def __post_init__(self) -> None:
        if self.value < 0:
            raise InvalidInput.for_field("value", f"charge item {self.code} cannot be negative")

    def applies_to(self, periods: PurchasePeriods) -> bool:
        if self.method is ChargeMethod.MONTHLY:
            return periods.first_of_month
        if self.method is ChargeMethod.YEARLY:
            return periods.first_of_year
        return True

    def charge(self, vending_amount: Decimal, decimals: int) -> Decimal:
        if self.method is ChargeMethod.AMOUNT_PERCENT:
            return percent_of(vending_amount, self.value, decimals)
        return round_money(self.value, decimals)


class ChargeSource(StrEnum):
    CHARGE_ITEM = "charge_item"
    PRE_INSTALLED = "pre_installed"  # the meter model's pre-loaded credit, at the first purchase
    PREARRANGED = "prearranged"  # the customer type's prearrange amount after postpaid -> prepaid
    RECEIVABLE = "receivable"  # postpaid debt recorded at the change to prepaid


@dataclass(frozen=True)
class ChargeLine:
    code: str
    name: str
    amount: Decimal
    taxed: bool
    source: ChargeSource = ChargeSource.CHARGE_ITEM


def charge_item_lines(
    items: tuple[ChargeItem, ...], vending_amount: Decimal, periods: PurchasePeriods, decimals: int
) -> list[ChargeLine]:
    """One line per item that applies to this purchase, in the items' order, each rounded half-up."""
    return [
        ChargeLine(item.code, item.name, item.charge(vending_amount, decimals), item.taxed)
        for item in items
        if item.applies_to(periods)
    ]
