"""What the module tells about a vending key: identity and permissions, never key bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gridvend.sts.keys import DKGA04_VENDING_KEY_BYTES

SUPPORTED_DKGAS = (2, 4)
DKGA02_VENDING_KEY_BYTES = 8
_SGC_PATTERN = re.compile(r"^\d{6}$")


class VendingKeyType(StrEnum):
    """Key type as key files name it: M keys vend credit, E keys make engineering tokens only."""

    CREDIT = "M"
    ENGINEERING = "E"


@dataclass(frozen=True, order=True)
class KeyRef:
    """Selects a vending key: supply group code and key revision number."""

    sgc: str
    krn: int

    def __post_init__(self) -> None:
        if not _SGC_PATTERN.match(self.sgc):
            raise ValueError(f"SGC must be 6 digits, not {self.sgc!r}")
        if not 1 <= self.krn <= 9:
            raise ValueError(f"KRN must be 1 to 9, not {self.krn!r}")

    def __str__(self) -> str:
        return f"SGC {self.sgc} KRN {self.krn}"


@dataclass(frozen=True)
class VendingKeyInfo:
    sgc: str
    krn: int
    key_type: VendingKeyType
    dkga: int
    current: bool = False
    supplier: str = ""

    def __post_init__(self) -> None:
        KeyRef(self.sgc, self.krn)
        if self.dkga not in SUPPORTED_DKGAS:
            raise ValueError(f"DKGA must be one of {SUPPORTED_DKGAS}, not {self.dkga!r}")

    @property
    def ref(self) -> KeyRef:
        return KeyRef(self.sgc, self.krn)

    @property
    def may_vend_credit(self) -> bool:
        return self.key_type is VendingKeyType.CREDIT

    def binding(self) -> bytes:
        """The attributes a wrapped copy of this key is bound to: change one and unwrapping fails.

        `current` and `supplier` are left out on purpose: they change without a new key.
        """
        fields = f"sgc={self.sgc}|krn={self.krn}|type={self.key_type.value}|dkga={self.dkga}"
        return f"gridvend.vending-key.v1|{fields}".encode()


VENDING_KEY_BYTES = {2: DKGA02_VENDING_KEY_BYTES, 4: DKGA04_VENDING_KEY_BYTES}


def check_vending_key_length(dkga: int, key_length: int) -> None:
    """DKGA02 takes a 64-bit DES key; DKGA04 a 160-bit HMAC key."""
    expected = VENDING_KEY_BYTES[dkga]
    if key_length != expected:
        raise ValueError(f"a DKGA0{dkga} vending key has {expected} bytes, not {key_length}")
