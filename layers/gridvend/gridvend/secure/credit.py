"""The secure module's credit: the units (kWh, or m3 for water and gas) it may still vend.

Pure value object. The vending service keeps the balance beside the vend in its own store and
writes `balance.draw(amount)` in the same transaction as the vend, so a vend and its credit
decrement happen together or not at all. Transfers (replace, add, decrease) are the operator's
"Credit SM" page. Amounts have a resolution of 0.1 unit, as STS amounts do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from enum import StrEnum
from typing import ClassVar

from gridvend.secure.errors import CreditExhausted, CreditLimitExceeded, InvalidCreditAmount
from gridvend.sts.amount import TENTH, token_amount
from gridvend.sts.token_requests import CreditToken, TokenRequest

CREDIT_RESOLUTION = Decimal("0.1")


class CreditTransferType(StrEnum):
    REPLACE = "replace"  # balance after = transfer amount
    ADD = "add"  # balance after = balance + transfer amount
    DECREASE = "decrease"  # balance after = balance - transfer amount


def _checked_amount(amount: Decimal, what: str) -> Decimal:
    try:
        finite = isinstance(amount, Decimal) and amount.is_finite()
        if not finite or amount < 0 or amount != amount.quantize(CREDIT_RESOLUTION):
            raise InvalidCreditAmount(f"{what} must be a Decimal of at least 0 in steps of 0.1")
    except InvalidOperation:
        raise InvalidCreditAmount(f"{what} {amount} is too large") from None
    return amount.quantize(CREDIT_RESOLUTION)


@dataclass(frozen=True)
class ModuleCredit:
    """A balance below the module's limit (the seeds' modules hold less than 1,800,000 kWh)."""

    LIMIT: ClassVar[Decimal] = Decimal(1_800_000)

    balance: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        balance = _checked_amount(self.balance, "credit balance")
        if balance >= self.LIMIT:
            raise CreditLimitExceeded(balance, self.LIMIT)
        object.__setattr__(self, "balance", balance)

    def replace(self, amount: Decimal) -> ModuleCredit:
        return ModuleCredit(_checked_amount(amount, "transfer amount"))

    def add(self, amount: Decimal) -> ModuleCredit:
        resulting = self.balance + _checked_amount(amount, "transfer amount")
        if resulting >= self.LIMIT:
            raise CreditLimitExceeded(resulting, self.LIMIT)
        return ModuleCredit(resulting)

    def decrease(self, amount: Decimal) -> ModuleCredit:
        return self._less(_checked_amount(amount, "transfer amount"))

    def transfer(self, transfer_type: CreditTransferType, amount: Decimal) -> ModuleCredit:
        operations = {
            CreditTransferType.REPLACE: self.replace,
            CreditTransferType.ADD: self.add,
            CreditTransferType.DECREASE: self.decrease,
        }
        return operations[CreditTransferType(transfer_type)](amount)

    def draw(self, vended_amount: Decimal) -> ModuleCredit:
        """The balance after a vend of `vended_amount`; finer amounts round up to 0.1 unit."""
        if not (isinstance(vended_amount, Decimal) and vended_amount.is_finite() and vended_amount >= 0):
            raise InvalidCreditAmount("a vended amount must be a Decimal of at least 0")
        return self._less(vended_amount.quantize(CREDIT_RESOLUTION, rounding=ROUND_CEILING))

    def covers(self, vended_amount: Decimal) -> bool:
        return vended_amount <= self.balance

    def _less(self, amount: Decimal) -> ModuleCredit:
        if amount > self.balance:
            raise CreditExhausted(self.balance, amount)
        return ModuleCredit(self.balance - amount)

    def to_tenths(self) -> int:
        """Integer tenths of a unit, for storage."""
        return int(self.balance.scaleb(1))

    @classmethod
    def from_tenths(cls, tenths: int) -> ModuleCredit:
        return cls(Decimal(tenths).scaleb(-1))


def credit_drawn_by(request: TokenRequest) -> Decimal:
    """What a token takes from the module's credit: a credit token's amount as the token carries it
    (STS rounds amounts up to what its 16-bit field holds); engineering tokens take nothing."""
    if isinstance(request, CreditToken):
        return token_amount(request.amount, TENTH)
    return Decimal(0)
