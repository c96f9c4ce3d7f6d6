"""Money as Decimal: rounding to the tenant's decimals and integer minor units for storage."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

ALLOWED_DECIMALS = (0, 1, 2)
ZERO = Decimal(0)


def check_decimals(decimals: int) -> int:
    if decimals not in ALLOWED_DECIMALS:
        raise ValueError(f"amount decimals must be one of {ALLOWED_DECIMALS}, not {decimals!r}")
    return decimals


def quantum(decimals: int) -> Decimal:
    """The smallest amount the tenant shows: 1, 0.1 or 0.01."""
    return Decimal(1).scaleb(-check_decimals(decimals))


def round_money(value: Decimal, decimals: int) -> Decimal:
    """Half-up rounding to the tenant's decimals (2.345 -> 2.35, -2.345 -> -2.35)."""
    return value.quantize(quantum(decimals), rounding=ROUND_HALF_UP)


def round_money_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(quantum(decimals), rounding=ROUND_CEILING)


def round_money_down(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(quantum(decimals), rounding=ROUND_FLOOR)


def percent_of(base: Decimal, percent: Decimal, decimals: int) -> Decimal:
    return round_money(base * percent / 100, decimals)


def to_minor(amount: Decimal, decimals: int) -> int:
    """Integer minor units for storage; refuses amounts finer than the tenant's decimals."""
    scaled = amount.scaleb(check_decimals(decimals))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {decimals} decimals; round it first")
    return int(scaled)


def from_minor(minor_units: int, decimals: int) -> Decimal:
    return Decimal(minor_units).scaleb(-check_decimals(decimals))


def has_at_most_decimals(amount: Decimal, decimals: int) -> bool:
    return amount == amount.quantize(quantum(decimals))
