"""CRC-16 of STS tokens (reflected polynomial 0xA001, initial value 0xFFFF, no final xor).

The CRC covers class (2) | subclass (4) | payload (44) = 50 bits, left-padded to 7 bytes, most
significant byte first. Currency credit tokens use CRC_C, which appends the byte 0x01. The two CRC
bytes are swapped before they go into the data block (000B19EB230100 gives 0x07C2, stored as C207).
"""

from __future__ import annotations


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc16(data: bytes, crc: int = 0xFFFF) -> int:
    """The CRC-16 (0xA001 reflected, init 0xFFFF) of ``data``, as computed (not yet byte-swapped)."""
    table = _TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def token_crc(crc_input: int, currency: bool = False) -> int:
    """The 16-bit CRC field of a data block, bytes already swapped.

    ``crc_input`` is the 50-bit number class | subclass | payload. ``currency`` selects CRC_C.
    """
    table = _TABLE
    crc = 0xFFFF
    for shift in (48, 40, 32, 24, 16, 8, 0):
        crc = (crc >> 8) ^ table[(crc ^ (crc_input >> shift)) & 0xFF]
    if currency:
        crc = (crc >> 8) ^ table[(crc ^ 0x01) & 0xFF]
    return ((crc & 0xFF) << 8) | (crc >> 8)
