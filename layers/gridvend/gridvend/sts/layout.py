"""Bit layout of a token: the 64-bit data block, the class bits and the 20 printed digits.

Data block, most significant first: subclass (4) | payload (44) | CRC (16). The CRC covers
class | subclass | payload. After encryption, bits 28 and 27 of the block move to bits 65 and 64 and
the two class bits take their place (class bit 1 at bit 28, class bit 0 at bit 27). The 66-bit number
is printed as 20 decimal digits with leading zeros.
"""

from __future__ import annotations

from gridvend.sts.crc import token_crc
from gridvend.sts.errors import BadTokenFormat

TOKEN_DIGITS = 20
TOKEN_LIMIT = 1 << 66
PAYLOAD_BITS = 44
_MASK64 = (1 << 64) - 1
_CLASS_BITS = (1 << 28) | (1 << 27)
_SEPARATORS = str.maketrans("", "", " -")


def is_currency(token_class: int, subclass: int) -> bool:
    """Currency credit tokens (class 0, subclasses 4-7) use CRC_C."""
    return token_class == 0 and subclass >= 4


def data_block(token_class: int, subclass: int, payload: int) -> int:
    """The 64-bit block subclass | payload | CRC."""
    crc = token_crc((token_class << 48) | (subclass << 44) | payload, is_currency(token_class, subclass))
    return (subclass << 60) | (payload << 16) | crc


def block_crc_ok(token_class: int, block: int) -> bool:
    subclass = block >> 60
    payload = (block >> 16) & ((1 << PAYLOAD_BITS) - 1)
    return data_block(token_class, subclass, payload) == block


def insert_class(encrypted: int, token_class: int) -> int:
    """The 66-bit token number: bits 28, 27 of the block move to 65, 64; the class takes their place."""
    return (((encrypted >> 27) & 3) << 64) | (encrypted & ~_CLASS_BITS & _MASK64) | (token_class << 27)


def extract_class(number: int) -> tuple[int, int]:
    """(token class, encrypted 64-bit block) of a 66-bit token number."""
    token_class = (number >> 27) & 3
    encrypted = (number & _MASK64 & ~_CLASS_BITS) | ((number >> 64) << 27)
    return token_class, encrypted


def format_token(number: int) -> str:
    return f"{number:020d}"


def parse_token(token: str) -> int:
    """The 66-bit number of a printed token (spaces and hyphens between digit groups are allowed)."""
    if not isinstance(token, str):
        raise BadTokenFormat("bad format: a token is a string of 20 digits")
    digits = token.translate(_SEPARATORS)
    if len(digits) != TOKEN_DIGITS or not digits.isascii() or not digits.isdigit():
        raise BadTokenFormat("bad format: a token has 20 digits")
    number = int(digits)
    if number >= TOKEN_LIMIT:
        raise BadTokenFormat("bad format: the token number exceeds 66 bits")
    return number
