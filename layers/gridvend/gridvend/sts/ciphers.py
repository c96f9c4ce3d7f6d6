"""The three token encryption algorithms behind one small interface.

EA07 STA (64-bit key), EA09 DEA (single DES, 64-bit key), EA11 MISTY1 (128-bit key). Blocks are
64-bit integers, most significant bit first as in the token layout.
"""

from __future__ import annotations

from typing import Protocol

from Crypto.Cipher import DES

from gridvend.sts.errors import InvalidKey, UnsupportedAlgorithm
from gridvend.sts.misty1 import Misty1Cipher
from gridvend.sts.sta import StaCipher

EA_STA = 7
EA_DEA = 9
EA_MISTY1 = 11
KEY_BYTES = {EA_STA: 8, EA_DEA: 8, EA_MISTY1: 16}


class BlockCipher(Protocol):
    def encrypt(self, block: int) -> int: ...

    def decrypt(self, block: int) -> int: ...


class DeaCipher:
    """EA09: single DES on the 64-bit block with the decoder key (pycryptodome)."""

    __slots__ = ("_des",)

    def __init__(self, key: bytes) -> None:
        self._des = DES.new(key, DES.MODE_ECB)

    def __repr__(self) -> str:
        return "DeaCipher(key=<hidden>)"

    def encrypt(self, block: int) -> int:
        return int.from_bytes(self._des.encrypt(block.to_bytes(8, "big")), "big")

    def decrypt(self, block: int) -> int:
        return int.from_bytes(self._des.decrypt(block.to_bytes(8, "big")), "big")


def key_bytes_for(ea: int) -> int:
    """The decoder key length (bytes) of encryption algorithm ``ea``."""
    try:
        return KEY_BYTES[ea]
    except (KeyError, TypeError):
        raise UnsupportedAlgorithm("ea must be 7 (STA), 9 (DEA) or 11 (MISTY1)") from None


def block_cipher(ea: int, decoder_key: bytes) -> BlockCipher:
    """The cipher of algorithm ``ea`` keyed with ``decoder_key``."""
    length = key_bytes_for(ea)
    if not isinstance(decoder_key, bytes | bytearray) or len(decoder_key) != length:
        raise InvalidKey(f"a decoder key for EA{ea:02d} must be {length} bytes")
    key = bytes(decoder_key)
    if ea == EA_STA:
        return StaCipher(key)
    if ea == EA_DEA:
        return DeaCipher(key)
    return Misty1Cipher(key)
