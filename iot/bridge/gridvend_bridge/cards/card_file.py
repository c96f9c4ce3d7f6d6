"""The bytes of EF_DATA: "GVC1", length (2 bytes), the content as compact JSON, CRC-16 (2 bytes),
then zeros. All zeros is a blank card. A CRC mismatch means a torn or foreign write."""

from __future__ import annotations

import json

from pydantic import TypeAdapter, ValidationError

from gridvend.iot.bridge_cards import CardContent
from gridvend_bridge.serial_frames import crc16

MAGIC = b"GVC1"
DATA_FILE_SIZE = 1024
_CONTENT = TypeAdapter(CardContent)


class CardDataInvalid(Exception):
    """EF_DATA holds something that is not a Gridvend card, or a damaged one."""


def encode_card(content: CardContent) -> bytes:
    body = json.dumps(_CONTENT.dump_python(content, mode="json"), separators=(",", ":")).encode()
    data = MAGIC + len(body).to_bytes(2, "big") + body + crc16(body).to_bytes(2, "big")
    if len(data) > DATA_FILE_SIZE:
        raise ValueError(f"the card content needs {len(data)} bytes; the card holds {DATA_FILE_SIZE}")
    return data.ljust(DATA_FILE_SIZE, b"\x00")


def decode_card(data: bytes) -> CardContent | None:
    """The content, or None for a blank card."""
    if not any(data):
        return None
    if data[:4] != MAGIC or len(data) < 8:
        raise CardDataInvalid("the card holds no Gridvend data")
    length = int.from_bytes(data[4:6], "big")
    body = data[6 : 6 + length]
    if len(body) != length or data[6 + length : 8 + length] != crc16(body).to_bytes(2, "big"):
        raise CardDataInvalid("the card's data is damaged (checksum)")
    try:
        content: CardContent = _CONTENT.validate_json(body)
    except ValidationError:
        raise CardDataInvalid("the card's data does not follow the card layout") from None
    return content
