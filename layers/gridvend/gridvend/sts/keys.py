"""Decoder key generation: DKGA02 (DES) and DKGA04 (HMAC-SHA-256), IEC 62055-41.

Keys are ``bytes``, printed most significant byte first. Nothing here logs a key or puts one in an
exception message; ``MeterKeyIdentity`` holds no key at all.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from Crypto.Cipher import DES

from gridvend.sts.errors import InvalidField, InvalidKey, UnsupportedAlgorithm

BASE_DATES = (1993, 2014, 2035)
ENCRYPTION_ALGORITHMS = (7, 9, 11)
COMMON_KEY_TYPE = 3
DKGA04_VENDING_KEY_BYTES = 20  # 160-bit vending keys for DKGA04


@dataclass(frozen=True)
class MeterKeyIdentity:
    """What identifies a meter's decoder key (everything except the vending key)."""

    iin: str  # "600727" or 4-digit e.g. "0000"
    drn: str  # digits; len(iin + drn) == 17
    key_type: int  # 0..3 (3 = common key: the DRN is zeroed)
    sgc: str  # 6 digits
    ti: int  # 0..99
    krn: int  # 1..9
    base_date: int = 1993  # 1993 | 2014 | 2035 (DKGA04 input)
    ea: int = 7  # 7 | 9 | 11 (DKGA04 input)
    key_bits: int = 64  # 64 | 128 (DKGA04)

    def __post_init__(self) -> None:
        _check_iin_drn(self.iin, self.drn)
        if not (isinstance(self.key_type, int) and 0 <= self.key_type <= 3):
            raise InvalidField("key_type must be 0..3")
        if not (isinstance(self.sgc, str) and len(self.sgc) == 6 and self.sgc.isdigit()):
            raise InvalidField("sgc must be 6 digits")
        if not (isinstance(self.ti, int) and 0 <= self.ti <= 99):
            raise InvalidField("ti must be 0..99")
        if not (isinstance(self.krn, int) and 1 <= self.krn <= 9):
            raise InvalidField("krn must be 1..9")
        if self.base_date not in BASE_DATES:
            raise InvalidField("base_date must be 1993, 2014 or 2035")
        if self.ea not in ENCRYPTION_ALGORITHMS:
            raise UnsupportedAlgorithm("ea must be 7 (STA), 9 (DEA) or 11 (MISTY1)")
        if self.key_bits not in (64, 128):
            raise InvalidField("key_bits must be 64 or 128")
        if (self.ea == 11) != (self.key_bits == 128):
            raise InvalidField("ea 11 (MISTY1) takes 128-bit keys; ea 7 and 9 take 64-bit keys")

    @property
    def key_drn(self) -> str:
        """The DRN digits that enter key generation: zeros for the common key type."""
        return "0" * len(self.drn) if self.key_type == COMMON_KEY_TYPE else self.drn


def _check_iin_drn(iin: str, drn: str) -> None:
    if not (isinstance(iin, str) and len(iin) in (4, 6) and iin.isdigit()):
        raise InvalidField("iin must be 4 or 6 digits")
    if not (isinstance(drn, str) and drn.isdigit() and len(iin) + len(drn) == 17):
        raise InvalidField("drn must be digits making 17 digits with the iin (11 after a 6-digit iin)")


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 0:  # the digit next to the check digit is doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def pan(iin: str, drn: str) -> str:
    """The 18-digit PAN: IIN + DRN + Luhn check digit (600727 + 00000000000 -> 600727000000000009)."""
    _check_iin_drn(iin, drn)
    return f"{iin}{drn}{luhn_check_digit(iin + drn)}"


def _check_key(key: bytes, length: int, what: str) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != length:
        raise InvalidKey(f"{what} must be {length} bytes")


def dkga02_data_block(identity: MeterKeyIdentity) -> bytes:
    """P xor C, the 8-byte block DES encrypts in DKGA02.

    P: the last 16 digits of IIN + DRN read as hex digits (DRN zeroed for the common key type).
    C: key type | SGC | TI (2 digits) | KRN | padded with F to 16 hex digits.
    """
    if identity.key_bits != 64:
        raise InvalidField("DKGA02 makes 64-bit keys only")
    pan_block = bytes.fromhex((identity.iin + identity.key_drn)[-16:])
    control = f"{identity.key_type:X}{identity.sgc}{identity.ti:02d}{identity.krn:X}".ljust(16, "F")
    control_block = bytes.fromhex(control)
    return bytes(p ^ c for p, c in zip(pan_block, control_block, strict=True))


def dkga02(vending_key: bytes, identity: MeterKeyIdentity) -> bytes:
    """DKGA02: DES_VK(P xor C) xor (P xor C) xor VK, 8 bytes."""
    _check_key(vending_key, 8, "a DKGA02 vending key")
    data = dkga02_data_block(identity)
    encrypted = DES.new(bytes(vending_key), DES.MODE_ECB).encrypt(data)
    return bytes(e ^ d ^ v for e, d, v in zip(encrypted, data, vending_key, strict=True))


def _field(value: bytes) -> bytes:
    return bytes([len(value)]) + value


def dkga04_message(identity: MeterKeyIdentity) -> bytes:
    """The bytes HMAC-SHA-256 runs over in DKGA04.

    Length-prefixed ASCII fields in this order: algorithm "04", base date (2 digits), EA (2 digits),
    TI (2 digits), SGC (6 digits), key type (1 hex digit), KRN (1 hex digit), the 18-digit PAN, then
    the key length in bits as 4 bytes big-endian. The message starts with 0x04 and the SGC field with
    two more bytes 0x00 0x04; this layout reproduces the DKGA04 compliance vector (shared vectors.jsonl).
    """
    meter_pan = pan(identity.iin, identity.key_drn)
    return b"".join(
        (
            b"\x04",
            _field(b"04"),
            _field(f"{identity.base_date % 100:02d}".encode()),
            _field(f"{identity.ea:02d}".encode()),
            _field(f"{identity.ti:02d}".encode()),
            b"\x00\x04",
            _field(identity.sgc.encode()),
            _field(f"{identity.key_type:x}".encode()),
            _field(f"{identity.krn:x}".encode()),
            _field(meter_pan.encode()),
            identity.key_bits.to_bytes(4, "big"),
        )
    )


def dkga04(vending_key: bytes, identity: MeterKeyIdentity) -> bytes:
    """DKGA04: the first 64 or 128 bits of HMAC-SHA-256(VK, message)."""
    _check_key(vending_key, DKGA04_VENDING_KEY_BYTES, "a DKGA04 vending key")
    mac = hmac.new(bytes(vending_key), dkga04_message(identity), hashlib.sha256).digest()
    return mac[: identity.key_bits // 8]


def derive_decoder_key(dkga: int, vending_key: bytes, identity: MeterKeyIdentity) -> bytes:
    """The decoder key by DKGA ``dkga`` (2 or 4)."""
    if dkga == 2:
        return dkga02(vending_key, identity)
    if dkga == 4:
        return dkga04(vending_key, identity)
    raise UnsupportedAlgorithm("dkga must be 2 or 4")
