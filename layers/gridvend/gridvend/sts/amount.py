"""The 16-bit amount field: 2-bit exponent e and 14-bit mantissa m.

value = m * 10^e + sum(i = 1..e) 2^14 * 10^(i - 1), counted in units: 0.1 kWh for electricity
(0.1 m3 for water and gas, 0.1 of the unit for the other class 0 subclasses) and 1 W for class 2
power limits. Encoding takes the smallest exponent that fits and rounds the mantissa UP, carrying into
the next exponent when needed, so the token never gives less than was paid for: 18022.3 kWh becomes
18022.4 kWh. The largest amount is 16383 * 1000 + 1818624 = 18,201,624 units (1,820,162.4 kWh).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, InvalidOperation

from gridvend.sts.errors import AmountOutOfRange

TENTH = Decimal("0.1")  # class 0 credit: 0.1 kWh, 0.1 m3, ...
WATT = Decimal(1)  # class 2 power limits

MANTISSA_LIMIT = 1 << 14
_OFFSETS = (0, 16384, 180224, 1818624)  # sum(i = 1..e) 2^14 * 10^(i - 1)
_SCALES = (1, 10, 100, 1000)
_MAXIMA = tuple(offset + (MANTISSA_LIMIT - 1) * scale for offset, scale in zip(_OFFSETS, _SCALES, strict=True))
MAX_UNITS = _MAXIMA[-1]  # 18,201,624


def encode_units(units: int) -> int:
    """The 16-bit field for a whole number of units, rounded up to the next value the field can hold."""
    if not isinstance(units, int) or isinstance(units, bool) or units < 0:
        raise AmountOutOfRange("amount must not be negative")
    if units > MAX_UNITS:
        raise AmountOutOfRange(f"amount exceeds the largest token amount ({MAX_UNITS} units)")
    for exponent, maximum in enumerate(_MAXIMA):
        if units <= maximum:
            scale = _SCALES[exponent]
            mantissa = max(0, -(-(units - _OFFSETS[exponent]) // scale))  # ceiling division
            return (exponent << 14) | mantissa
    raise AssertionError("unreachable: units <= MAX_UNITS")  # pragma: no cover


def decode_units(field: int) -> int:
    """The number of units a 16-bit amount field stands for."""
    if not 0 <= field <= 0xFFFF:
        raise AmountOutOfRange("an amount field has 16 bits")
    exponent = field >> 14
    return (field & 0x3FFF) * _SCALES[exponent] + _OFFSETS[exponent]


def to_units(amount: Decimal | int | str, unit: Decimal = TENTH) -> int:
    """``amount`` counted in ``unit``, rounded up (0.15 kWh -> 2 tenths)."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | str):
        raise AmountOutOfRange("amount must be a Decimal, an int or a decimal string (not a float)")
    try:
        value = Decimal(amount.strip()) if isinstance(amount, str) else Decimal(amount)
        if not value.is_finite():
            raise AmountOutOfRange("amount must be a finite number")
        units = (value / unit).to_integral_value(rounding=ROUND_CEILING)
    except InvalidOperation:
        raise AmountOutOfRange("amount must be a decimal number") from None
    if units < 0:
        raise AmountOutOfRange("amount must not be negative")
    if units > MAX_UNITS:
        raise AmountOutOfRange(f"amount exceeds the largest token amount ({MAX_UNITS * unit})")
    return int(units)


def encode_amount(amount: Decimal | int | str, unit: Decimal = TENTH) -> int:
    """The 16-bit amount field for ``amount`` (kWh or m3 by default; pass ``unit=WATT`` for power)."""
    return encode_units(to_units(amount, unit))


def decode_amount(field: int, unit: Decimal = TENTH) -> Decimal:
    """The amount a 16-bit field stands for, in kWh/m3 by default (``unit=WATT`` for power)."""
    return decode_units(field) * unit


def token_amount(amount: Decimal | int | str, unit: Decimal = TENTH) -> Decimal:
    """What a token for ``amount`` will actually carry (``amount`` rounded up to the field's grid)."""
    return decode_amount(encode_amount(amount, unit), unit)
