"""Which billing periods a purchase opens: the first ever, the first of its month, of its year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PurchasePeriods:
    first_purchase_ever: bool = True
    first_of_month: bool = True
    first_of_year: bool = True

    @classmethod
    def since(cls, last_purchase_at: datetime | None, purchase_at: datetime) -> PurchasePeriods:
        """Periods opened by a purchase at `purchase_at` after one at `last_purchase_at`.

        Both times must be in the tenant's own time zone: months and years are its calendar's.
        """
        if last_purchase_at is None:
            return cls()
        if purchase_at < last_purchase_at:
            raise ValueError("a purchase cannot come before the previous one")
        new_year = purchase_at.year != last_purchase_at.year
        new_month = new_year or purchase_at.month != last_purchase_at.month
        return cls(first_purchase_ever=False, first_of_month=new_month, first_of_year=new_year)


LATER_PURCHASE = PurchasePeriods(first_purchase_ever=False, first_of_month=False, first_of_year=False)
