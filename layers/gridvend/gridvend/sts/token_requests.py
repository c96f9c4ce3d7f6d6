"""What a token should say: one frozen dataclass per token kind, for ``encode_token``.

Class 0 (credit) and class 2 (management) tokens carry random (4) | TID (24) | a 16-bit field.
Amounts are ``Decimal`` (never float): class 0 in kWh / m3 (0.1 resolution), power limits in W; the
amount is rounded up to what the 16-bit field can hold (see ``amount``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from gridvend.sts.amount import TENTH, WATT, encode_amount
from gridvend.sts.errors import InvalidField
from gridvend.sts.tid import check_tid

ALL_REGISTERS = 0xFFFF  # clear credit: every register

CREDIT_SUBCLASSES = {
    0: "electricity",
    1: "water",
    2: "gas",
    3: "time",
    4: "currency (electricity)",
    5: "currency (water)",
    6: "currency (gas)",
    7: "currency (time)",
}
CLASS2_SUBCLASSES = {
    0: "set maximum power limit",
    1: "clear credit",
    2: "set tariff rate",
    3: "key change set 1",
    4: "key change set 2",
    5: "clear tamper",
    6: "set maximum phase power unbalance limit",
    7: "set water meter factor",
    8: "key change set 3",
    9: "key change set 4",
}


def check_int(name: str, value: int, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidField(f"{name} must be an integer {low}..{high}")
    return value


class _TidToken:
    """Shared checks of the tokens that carry random | TID | 16-bit field."""

    token_class: ClassVar[int]
    tid: int
    random: int

    def _check_common(self) -> None:
        check_tid(self.tid)
        check_int("random", self.random, 0, 15)

    def field16(self) -> int:
        raise NotImplementedError  # pragma: no cover


@dataclass(frozen=True)
class CreditToken(_TidToken):
    """Class 0: transfer credit. Subclass 0 electricity, 1 water, 2 gas, 3 time, 4-7 currency."""

    subclass: int
    tid: int
    random: int
    amount: Decimal
    token_class: ClassVar[int] = 0

    def __post_init__(self) -> None:
        check_int("subclass", self.subclass, 0, 7)
        self._check_common()

    def field16(self) -> int:
        return encode_amount(self.amount, TENTH)


@dataclass(frozen=True)
class PowerLimitToken(_TidToken):
    """Class 2 subclass 0: set the maximum power limit (W)."""

    tid: int
    random: int
    watts: Decimal
    token_class: ClassVar[int] = 2
    subclass: ClassVar[int] = 0

    def __post_init__(self) -> None:
        self._check_common()

    def field16(self) -> int:
        return encode_amount(self.watts, WATT)


@dataclass(frozen=True)
class ClearCreditToken(_TidToken):
    """Class 2 subclass 1: clear a credit register (its class 0 subclass) or all (0xFFFF)."""

    tid: int
    random: int
    register: int = ALL_REGISTERS
    token_class: ClassVar[int] = 2
    subclass: ClassVar[int] = 1

    def __post_init__(self) -> None:
        self._check_common()
        check_int("register", self.register, 0, 0xFFFF)

    def field16(self) -> int:
        return self.register


@dataclass(frozen=True)
class TariffRateToken(_TidToken):
    """Class 2 subclass 2: set the tariff rate (a raw 16-bit value)."""

    tid: int
    random: int
    rate: int
    token_class: ClassVar[int] = 2
    subclass: ClassVar[int] = 2

    def __post_init__(self) -> None:
        self._check_common()
        check_int("rate", self.rate, 0, 0xFFFF)

    def field16(self) -> int:
        return self.rate


@dataclass(frozen=True)
class ClearTamperToken(_TidToken):
    """Class 2 subclass 5: clear the tamper condition."""

    tid: int
    random: int
    token_class: ClassVar[int] = 2
    subclass: ClassVar[int] = 5

    def __post_init__(self) -> None:
        self._check_common()

    def field16(self) -> int:
        return 0


@dataclass(frozen=True)
class PhaseUnbalanceLimitToken(_TidToken):
    """Class 2 subclass 6: set the maximum phase power unbalance limit (W)."""

    tid: int
    random: int
    watts: Decimal
    token_class: ClassVar[int] = 2
    subclass: ClassVar[int] = 6

    def __post_init__(self) -> None:
        self._check_common()

    def field16(self) -> int:
        return encode_amount(self.watts, WATT)


@dataclass(frozen=True)
class WaterMeterFactorToken(_TidToken):
    """Class 2 subclass 7: set the water meter factor (a raw 16-bit value)."""

    tid: int
    random: int
    factor: int
    token_class: ClassVar[int] = 2
    subclass: ClassVar[int] = 7

    def __post_init__(self) -> None:
        self._check_common()
        check_int("factor", self.factor, 0, 0xFFFF)

    def field16(self) -> int:
        return self.factor


TokenRequest = (
    CreditToken
    | PowerLimitToken
    | ClearCreditToken
    | TariffRateToken
    | ClearTamperToken
    | PhaseUnbalanceLimitToken
    | WaterMeterFactorToken
)
