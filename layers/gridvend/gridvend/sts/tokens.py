"""Building and reading tokens: class 0 credit, class 1 test/display, class 2 management and key change.

``encode_token`` turns a request (see ``token_requests``) into 20 digits; ``key_change_tokens`` makes
the 2 (64-bit keys) or 4 (128-bit keys) key change tokens, encrypted with the OLD decoder key;
``decode_token`` reads any token back, checking its CRC; ``class1_token`` makes the unencrypted test /
display tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gridvend.sts.amount import TENTH, WATT, decode_amount
from gridvend.sts.ciphers import block_cipher
from gridvend.sts.errors import BadCrc, InvalidField, InvalidKey, UnsupportedToken
from gridvend.sts.layout import (
    block_crc_ok,
    data_block,
    extract_class,
    format_token,
    insert_class,
    parse_token,
)
from gridvend.sts.token_requests import (
    ALL_REGISTERS,
    CLASS2_SUBCLASSES,
    CREDIT_SUBCLASSES,
    ClearCreditToken,
    ClearTamperToken,
    CreditToken,
    PhaseUnbalanceLimitToken,
    PowerLimitToken,
    TariffRateToken,
    TokenRequest,
    WaterMeterFactorToken,
    check_int,
)

__all__ = [
    "ALL_REGISTERS",
    "CLASS2_SUBCLASSES",
    "CREDIT_SUBCLASSES",
    "ClearCreditToken",
    "ClearTamperToken",
    "CreditToken",
    "DecodedToken",
    "KeyChangePart",
    "PhaseUnbalanceLimitToken",
    "PowerLimitToken",
    "TariffRateToken",
    "TokenRequest",
    "WaterMeterFactorToken",
    "class1_token",
    "decode_token",
    "encode_token",
    "key_change_tokens",
]

KEY_CHANGE_SUBCLASSES = {3: 1, 4: 2, 8: 3, 9: 4}  # class 2 subclass -> key change set number
_SET_SUBCLASS = {number: subclass for subclass, number in KEY_CHANGE_SUBCLASSES.items()}
_MASK32 = 0xFFFFFFFF


@dataclass(frozen=True)
class KeyChangePart:
    """One decoded key change token. ``key_part`` (32 bits of the new key) never shows in repr.

    Set 1: KEN high nibble, KRN, rollover, key type, key bits 127..96 (or 63..32 of a 64-bit key).
    Set 2: KEN low nibble, TI, the key's lowest 32 bits.
    Sets 3 and 4 (128-bit keys): SGC low / high 12 bits, key bits 63..32 / 95..64.
    """

    set_number: int
    key_part: int = field(repr=False)
    key_expiry_nibble: int | None = None
    krn: int | None = None
    rollover: bool | None = None
    key_type: int | None = None
    ti: int | None = None
    sgc_part: int | None = None


@dataclass(frozen=True)
class DecodedToken:
    """What a token says. Fields that a token kind does not carry are None."""

    token_class: int
    subclass: int
    random: int | None = None
    tid: int | None = None
    amount: Decimal | None = None  # class 0: kWh / m3 ...; class 2 subclasses 0 and 6: W
    register: int | None = None  # clear credit
    value: int | None = None  # tariff rate, water meter factor (raw 16 bits)
    control: int | None = None  # class 1
    manufacturer: int | None = None  # class 1
    key_change: KeyChangePart | None = None

    def public_fields(self) -> dict[str, int | str | bool]:
        """The fields to show an operator: everything except key material."""
        shown: dict[str, int | str | bool] = {"class": self.token_class, "subclass": self.subclass}
        for name in ("random", "tid", "register", "value", "control", "manufacturer"):
            found = getattr(self, name)
            if found is not None:
                shown[name] = found
        if self.amount is not None:
            shown["amount"] = str(self.amount)
        if self.key_change is not None:
            part = self.key_change
            shown["key_change_set"] = part.set_number
            for name in ("key_expiry_nibble", "krn", "rollover", "key_type", "ti", "sgc_part"):
                found = getattr(part, name)
                if found is not None:
                    shown[name] = found
        return shown


def encode_token(request: TokenRequest, decoder_key: bytes, ea: int) -> str:
    """The 20-digit token for ``request``, encrypted with ``decoder_key`` by algorithm ``ea``."""
    cipher = block_cipher(ea, decoder_key)
    payload = (request.random << 40) | (request.tid << 16) | request.field16()
    block = data_block(request.token_class, request.subclass, payload)
    return format_token(insert_class(cipher.encrypt(block), request.token_class))


def class1_token(subclass: int, control: int, manufacturer: int) -> str:
    """A class 1 (initiate meter test / display) token; not encrypted, valid on any meter.

    Subclass 0: 36-bit control, 8-bit manufacturer code. Subclass 1: 28-bit control, 16-bit code.
    """
    check_int("subclass", subclass, 0, 1)
    control_bits, manufacturer_bits = (36, 8) if subclass == 0 else (28, 16)
    check_int("control", control, 0, (1 << control_bits) - 1)
    check_int("manufacturer", manufacturer, 0, (1 << manufacturer_bits) - 1)
    block = data_block(1, subclass, (control << manufacturer_bits) | manufacturer)
    return format_token(insert_class(block, 1))


def _sgc_number(sgc: str | None) -> int:
    if sgc is None:
        return 0
    if not (isinstance(sgc, str) and len(sgc) == 6 and sgc.isdigit()):
        raise InvalidField("sgc must be 6 digits")
    return int(sgc)


def key_change_tokens(
    old_decoder_key: bytes,
    new_decoder_key: bytes,
    ea: int,
    key_expiry: int,
    krn: int,
    rollover: bool,
    key_type: int,
    ti: int,
    sgc: str | None = None,
) -> list[str]:
    """The key change tokens (class 2), encrypted with the OLD key by algorithm ``ea``.

    Two tokens (sets 1, 2) for a 64-bit new key; four (sets 1, 2, 3, 4) for a 128-bit one. Sets 3
    and 4 also carry the supply group code (24 bits, split 12/12): pass ``sgc`` for 128-bit keys;
    without it those bits are zero. ``rollover`` tells the meter to move to the next base date and
    forget its used TIDs (the key for the new base date comes from DKGA04 with that base date).
    """
    if not isinstance(new_decoder_key, bytes | bytearray) or len(new_decoder_key) not in (8, 16):
        raise InvalidKey("a new decoder key must be 8 or 16 bytes")
    check_int("key_expiry", key_expiry, 0, 255)
    check_int("krn", krn, 1, 15)
    check_int("key_type", key_type, 0, 3)
    check_int("ti", ti, 0, 99)
    if rollover not in (0, 1):  # bool is an int: True and False pass
        raise InvalidField("rollover must be 0 or 1")
    sgc_number = _sgc_number(sgc)
    cipher = block_cipher(ea, old_decoder_key)
    new_key = int.from_bytes(new_decoder_key, "big")
    payloads = {
        1: ((key_expiry >> 4) << 40) | (krn << 36) | (int(rollover) << 35) | (key_type << 32),
        2: ((key_expiry & 15) << 40) | (ti << 32),
    }
    if len(new_decoder_key) == 8:
        parts = {1: new_key >> 32, 2: new_key & _MASK32}
    else:
        parts = {1: new_key >> 96, 2: new_key & _MASK32, 3: (new_key >> 32) & _MASK32, 4: (new_key >> 64) & _MASK32}
        payloads[3] = (sgc_number & 0xFFF) << 32
        payloads[4] = (sgc_number >> 12) << 32
    return [
        format_token(insert_class(cipher.encrypt(data_block(2, _SET_SUBCLASS[n], payloads[n] | parts[n])), 2))
        for n in sorted(parts)
    ]


def decode_token(token: str, decoder_key: bytes, ea: int) -> DecodedToken:
    """Read a token. Raises BadTokenFormat, BadCrc (mistyped, or another key) or UnsupportedToken.

    Class 1 tokens are not encrypted and decode with any key.
    """
    token_class, encrypted = extract_class(parse_token(token))
    if token_class == 1:
        return _decode_class1(encrypted)
    if token_class == 3:
        if not block_crc_ok(3, encrypted):
            raise BadCrc()
        raise UnsupportedToken("class 3 tokens are reserved")
    block = block_cipher(ea, decoder_key).decrypt(encrypted)
    if not block_crc_ok(token_class, block):
        raise BadCrc()
    subclass = block >> 60
    payload = (block >> 16) & ((1 << 44) - 1)
    if token_class == 2 and subclass in KEY_CHANGE_SUBCLASSES:
        return DecodedToken(2, subclass, key_change=_key_change_part(subclass, payload))
    random = payload >> 40
    tid = (payload >> 16) & 0xFFFFFF
    field16 = payload & 0xFFFF
    if token_class == 0:
        return DecodedToken(0, subclass, random, tid, amount=decode_amount(field16, TENTH))
    if subclass in (0, 6):
        return DecodedToken(2, subclass, random, tid, amount=decode_amount(field16, WATT))
    if subclass == 1:
        return DecodedToken(2, subclass, random, tid, register=field16)
    if subclass in (2, 7):
        return DecodedToken(2, subclass, random, tid, value=field16)
    if subclass == 5:
        return DecodedToken(2, subclass, random, tid)
    raise UnsupportedToken(f"class 2 subclass {subclass} is not supported")


def _decode_class1(block: int) -> DecodedToken:
    if not block_crc_ok(1, block):
        raise BadCrc()
    subclass = block >> 60
    payload = (block >> 16) & ((1 << 44) - 1)
    if subclass == 0:
        return DecodedToken(1, 0, control=payload >> 8, manufacturer=payload & 0xFF)
    if subclass == 1:
        return DecodedToken(1, 1, control=payload >> 16, manufacturer=payload & 0xFFFF)
    raise UnsupportedToken(f"class 1 subclass {subclass} is not supported")


def _key_change_part(subclass: int, payload: int) -> KeyChangePart:
    set_number = KEY_CHANGE_SUBCLASSES[subclass]
    key_part = payload & _MASK32
    if set_number == 1:
        return KeyChangePart(
            1,
            key_part,
            key_expiry_nibble=payload >> 40,
            krn=(payload >> 36) & 15,
            rollover=bool((payload >> 35) & 1),
            key_type=(payload >> 32) & 3,
        )
    if set_number == 2:
        return KeyChangePart(2, key_part, key_expiry_nibble=payload >> 40, ti=(payload >> 32) & 0xFF)
    return KeyChangePart(set_number, key_part, sgc_part=payload >> 32)
