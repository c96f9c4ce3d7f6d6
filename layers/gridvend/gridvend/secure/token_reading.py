"""What the module tells about a decoded token: every field except key material.

A decoded key change token carries 32 bits of the meter's new decoder key; the module never
returns those bits, only the header of the key change set.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gridvend.sts.tokens import DecodedToken


@dataclass(frozen=True)
class KeyChangeHeader:
    set_number: int
    key_expiry_nibble: int | None = None
    krn: int | None = None
    rollover: bool | None = None
    key_type: int | None = None
    ti: int | None = None
    sgc_part: int | None = None


@dataclass(frozen=True)
class TokenReading:
    token_class: int
    subclass: int
    random: int | None = None
    tid: int | None = None
    amount: Decimal | None = None
    register: int | None = None
    value: int | None = None
    control: int | None = None
    manufacturer: int | None = None
    key_change: KeyChangeHeader | None = None

    @classmethod
    def of(cls, decoded: DecodedToken) -> TokenReading:
        part = decoded.key_change
        header = None
        if part is not None:
            header = KeyChangeHeader(
                set_number=part.set_number,
                key_expiry_nibble=part.key_expiry_nibble,
                krn=part.krn,
                rollover=part.rollover,
                key_type=part.key_type,
                ti=part.ti,
                sgc_part=part.sgc_part,
            )
        return cls(
            token_class=decoded.token_class,
            subclass=decoded.subclass,
            random=decoded.random,
            tid=decoded.tid,
            amount=decoded.amount,
            register=decoded.register,
            value=decoded.value,
            control=decoded.control,
            manufacturer=decoded.manufacturer,
            key_change=header,
        )
