"""A customer type's commercial terms: VAT rate, vending charges, debt repayment, prearrange amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gridvend.billing.charges import ChargeItem
from gridvend.billing.debt import DebtRepayment
from gridvend.errors import InvalidInput
from gridvend.money import ZERO


@dataclass(frozen=True)
class CustomerTypeTerms:
    """`vat_percent` 15 means 15 %. It taxes the vending amount and the charges marked taxed."""

    vat_percent: Decimal = ZERO
    vending_charges: tuple[ChargeItem, ...] = ()
    repayment: DebtRepayment | None = None
    prearrange_amount: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.vat_percent < 0:
            raise InvalidInput.for_field("vat_percent", "a VAT rate cannot be negative")
        if self.prearrange_amount < 0:
            raise InvalidInput.for_field("prearrange_amount", "cannot be negative")
        codes = [item.code for item in self.vending_charges]
        if len(codes) != len(set(codes)):
            raise InvalidInput.for_field("vending_charges", "a charge item is listed twice")
