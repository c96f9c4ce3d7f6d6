"""A plain STS token maker written straight from shared/sts/NOTES.md, one bit at a time.

Used only by bench_sts.py (as the baseline the engine is measured against) and by a unit test that
checks this and gridvend.sts agree. Deliberately simple: no tables, no precomputation.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

S1 = [14, 10, 7, 9, 12, 3, 2, 5, 13, 0, 15, 1, 4, 8, 6, 11]
S2 = [12, 8, 2, 13, 7, 6, 1, 3, 11, 5, 9, 15, 0, 4, 10, 14]
P = [
    55, 42, 10, 18, 24, 21, 44, 35, 2, 22, 56, 43, 27, 58, 9, 50, 6, 36, 12, 61, 37, 38,
    53, 16, 62, 3, 7, 4, 32, 20, 63, 25, 51, 52, 54, 33, 49, 19, 46, 29, 48, 31, 23, 30, 41, 28, 13, 5, 40, 60, 39, 11,
    15, 17, 1, 0, 57, 34, 59, 8, 47, 14, 45, 26,
]  # fmt: skip
MASK64 = (1 << 64) - 1


def rotate_left(value: int, count: int) -> int:
    return ((value << count) | (value >> (64 - count))) & MASK64


def rotate_right(value: int, count: int) -> int:
    return ((value >> count) | (value << (64 - count))) & MASK64


def get_bit(value: int, bit: int) -> int:
    return (value >> bit) & 1


def sta_encrypt(block: int, decoder_key: int) -> int:
    k = rotate_right(~decoder_key & MASK64, 12)
    for _ in range(16):
        substituted = 0
        for n in range(16):
            nibble = (block >> (4 * n)) & 15
            box = S2 if get_bit(k, 4 * n + 3) else S1
            substituted |= box[nibble] << (4 * n)
        permuted = 0
        for i in range(64):
            if get_bit(substituted, i):
                permuted |= 1 << P[i]
        block = permuted
        k = rotate_left(k, 1)
    return block


def sta_decrypt(block: int, decoder_key: int) -> int:
    keys = []
    k = rotate_right(~decoder_key & MASK64, 12)
    for _ in range(16):
        keys.append(k)
        k = rotate_left(k, 1)
    for k in reversed(keys):
        unpermuted = 0
        for i in range(64):
            if get_bit(block, P[i]):
                unpermuted |= 1 << i
        block = 0
        for n in range(16):
            nibble = (unpermuted >> (4 * n)) & 15
            box = S2 if get_bit(k, 4 * n + 3) else S1
            block |= box.index(nibble) << (4 * n)
    return block


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            if crc & 1:
                crc = (crc >> 1) ^ 0xA001
            else:
                crc >>= 1
    return crc


def encode_amount(amount: Decimal, unit: Decimal = Decimal("0.1")) -> int:
    units = int((amount / unit).to_integral_value(rounding=ROUND_CEILING))
    for e in range(4):
        offset = sum(2**14 * 10 ** (i - 1) for i in range(1, e + 1))
        if units <= 16383 * 10**e + offset:
            m = max(0, -(-(units - offset) // 10**e))
            return (e << 14) | m
    raise ValueError("amount too large")


def build_token(token_class: int, subclass: int, random: int, tid: int, field16: int, decoder_key: bytes) -> str:
    """A class 0 or class 2 token with random | TID | 16-bit field, encrypted with STA."""
    crc_input = (token_class << 48) | (subclass << 44) | (random << 40) | (tid << 16) | field16
    data = crc_input.to_bytes(7, "big")
    if token_class == 0 and subclass >= 4:
        data += b"\x01"
    crc = crc16(data)
    crc = ((crc & 0xFF) << 8) | (crc >> 8)
    block = (subclass << 60) | (random << 56) | (tid << 32) | (field16 << 16) | crc
    encrypted = sta_encrypt(block, int.from_bytes(decoder_key, "big"))
    bit28 = get_bit(encrypted, 28)
    bit27 = get_bit(encrypted, 27)
    encrypted &= ~((1 << 28) | (1 << 27))
    encrypted |= (get_bit(token_class, 1) << 28) | (get_bit(token_class, 0) << 27)
    number = (bit28 << 65) | (bit27 << 64) | encrypted
    return str(number).rjust(20, "0")


def credit_token(subclass: int, tid: int, random: int, amount: Decimal, decoder_key: bytes) -> str:
    return build_token(0, subclass, random, tid, encode_amount(amount), decoder_key)
