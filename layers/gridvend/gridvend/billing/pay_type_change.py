"""Amounts a pay-type change leaves for the next purchase (prearranged, receivable, remain)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gridvend.errors import InvalidInput
from gridvend.money import ZERO, round_money


class PayTypeChange(StrEnum):
    POSTPAID_TO_PREPAID = "postpaid_to_prepaid"
    PREPAID_TO_POSTPAID = "prepaid_to_postpaid"


@dataclass(frozen=True)
class PayTypeChangeCarry:
    """What the next purchase settles.

    prearranged: the customer type's prearrange amount, charged after postpaid -> prepaid.
    receivable: the postpaid debt recorded at postpaid -> prepaid, charged from the vending amount.
    remain: credit returned after prepaid -> postpaid, taken off the net amount.
    """

    prearranged: Decimal = ZERO
    receivable: Decimal = ZERO
    remain: Decimal = ZERO

    def __post_init__(self) -> None:
        for field_name in ("prearranged", "receivable", "remain"):
            if getattr(self, field_name) < 0:
                raise InvalidInput.for_field(field_name, "cannot be negative")

    def after_change(
        self,
        change: PayTypeChange,
        *,
        prearrange_amount: Decimal,
        unpaid_postpaid_amount: Decimal = ZERO,
        prepaid_remaining_amount: Decimal = ZERO,
        decimals: int,
    ) -> PayTypeChangeCarry:
        """Adds what `change` leaves to what earlier changes left unsettled (nothing is dropped)."""
        if change is PayTypeChange.POSTPAID_TO_PREPAID:
            return PayTypeChangeCarry(
                prearranged=self.prearranged + round_money(prearrange_amount, decimals),
                receivable=self.receivable + round_money(unpaid_postpaid_amount, decimals),
                remain=self.remain,
            )
        return PayTypeChangeCarry(
            prearranged=self.prearranged,
            receivable=self.receivable,
            remain=self.remain + round_money(prepaid_remaining_amount, decimals),
        )


NOTHING_CARRIED = PayTypeChangeCarry()
