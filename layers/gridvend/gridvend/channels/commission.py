"""Commission an agent or vendor earns per vend: a percent of the amount paid, or a fixed amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gridvend.errors import InvalidInput
from gridvend.money import ZERO, percent_of, round_money

COMMISSION_KINDS = ("none", "percent", "fixed")


@dataclass(frozen=True)
class CommissionRule:
    kind: str = "none"
    value: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.kind not in COMMISSION_KINDS:
            raise InvalidInput.for_field("commission.kind", f"one of {', '.join(COMMISSION_KINDS)}")
        if self.value < 0 or (self.kind == "percent" and self.value > 100):
            raise InvalidInput.for_field("commission.value", "0-100 for a percent, 0 or more for a fixed amount")

    def earned(self, amount_paid: Decimal, decimals: int) -> Decimal:
        """Never more than the amount paid, never negative."""
        if self.kind == "percent":
            return percent_of(amount_paid, self.value, decimals)
        if self.kind == "fixed":
            return min(round_money(self.value, decimals), amount_paid)
        return round_money(ZERO, decimals)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": str(self.value)}

    @staticmethod
    def from_dict(stored: dict[str, Any] | None) -> CommissionRule:
        if not stored:
            return CommissionRule()
        return CommissionRule(str(stored.get("kind", "none")), Decimal(str(stored.get("value", "0"))))
