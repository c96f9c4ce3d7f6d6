"""What earlier purchases left that the next one depends on."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from gridvend.billing.breakdown import VendBreakdown
from gridvend.billing.pay_type_change import NOTHING_CARRIED, PayTypeChangeCarry
from gridvend.billing.periods import PurchasePeriods
from gridvend.errors import InvalidInput
from gridvend.money import ZERO


@dataclass(frozen=True)
class PurchaseHistory:
    """The meter account as the next purchase sees it.

    periods: which periods this purchase opens (see PurchasePeriods.since).
    month_energy_kwh: energy already bought this calendar month; it moves stepped prices along.
    outstanding_debt: the OS amount still to repay.
    carried_credit: credit left by earlier purchases (see VendBreakdown.credit_carried).
    """

    periods: PurchasePeriods = field(default_factory=PurchasePeriods)
    month_energy_kwh: Decimal = ZERO
    outstanding_debt: Decimal = ZERO
    pay_type_change: PayTypeChangeCarry = NOTHING_CARRIED
    carried_credit: Decimal = ZERO

    def __post_init__(self) -> None:
        for field_name in ("month_energy_kwh", "outstanding_debt", "carried_credit"):
            if getattr(self, field_name) < 0:
                raise InvalidInput.for_field(field_name, "cannot be negative")
        if self.periods.first_of_month and self.month_energy_kwh > 0:
            raise InvalidInput.for_field(
                "month_energy_kwh", "the first purchase of a month starts from no energy bought"
            )

    def after(self, vend: VendBreakdown, next_periods: PurchasePeriods) -> PurchaseHistory:
        """The history the next purchase sees, once `vend` is saved."""
        remain_left = self.pay_type_change.remain - vend.remain_used
        month_energy = ZERO if next_periods.first_of_month else self.month_energy_kwh + vend.energy_kwh
        return replace(
            self,
            periods=next_periods,
            month_energy_kwh=month_energy,
            outstanding_debt=self.outstanding_debt - vend.debt_repaid,
            pay_type_change=PayTypeChangeCarry(
                prearranged=self.pay_type_change.prearranged - vend.prearranged,
                receivable=self.pay_type_change.receivable - vend.receivable,
                remain=remain_left,
            ),
            carried_credit=self.carried_credit - vend.credit_used + vend.credit_carried,
        )
