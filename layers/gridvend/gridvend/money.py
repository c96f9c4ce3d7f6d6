"""Money is Decimal in code and integer minor units in storage; rounding is half-up to the tenant's decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ALLOWED_DECIMALS = (0, 1, 2)


def quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def round_money(amount: Decimal, decimals: int) -> Decimal:
    return amount.quantize(quantum(decimals), rounding=ROUND_HALF_UP)


def has_at_most_decimals(amount: Decimal, decimals: int) -> bool:
    return amount == amount.quantize(quantum(decimals))


def to_minor(amount: Decimal, decimals: int) -> int:
    """Exact conversion; the caller rounds first if the amount may carry more places."""
    scaled = amount.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {decimals} decimal places")
    return int(scaled)


def from_minor(minor_units: int, decimals: int) -> Decimal:
    return Decimal(minor_units).scaleb(-decimals).quantize(quantum(decimals))
