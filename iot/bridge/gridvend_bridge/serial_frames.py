"""Frames of the serial line between the agent and its secure module.

    STX | VER | TYPE | SEQ | LEN (2, big-endian) | HCHK | PAYLOAD (LEN) | CRC-16 (2) | ETX

HCHK is a CRC-8 of VER..LEN, so a stray STX in line noise rarely looks like a header; the CRC-16
(CCITT, initial 0xFFFF) covers VER..PAYLOAD. The decoder takes bytes as they come and gives whole,
checked frames; anything else is skipped one byte at a time until the next plausible header, which
is how the line resynchronises after garbage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

STX = 0x02
ETX = 0x03
VERSION = 0x01
MAX_PAYLOAD = 60_000
UNKNOWN_SEQ = 0  # a NAK for a frame too damaged to read its sequence number; requests use 1..255
_HEADER_LENGTH = 7  # STX VER TYPE SEQ LEN LEN HCHK
_TRAILER_LENGTH = 3  # CRC CRC ETX


class FrameType(IntEnum):
    REQUEST = ord("Q")
    RESPONSE = ord("R")
    BUSY = ord("B")  # the module is still working on SEQ: keep waiting
    NAK = ord("N")  # the module saw a damaged frame: send again


@dataclass(frozen=True)
class Frame:
    frame_type: FrameType
    seq: int
    payload: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.seq <= 0xFF:
            raise ValueError("a frame's sequence number is one byte")
        if len(self.payload) > MAX_PAYLOAD:
            raise ValueError(f"a frame's payload holds at most {MAX_PAYLOAD} bytes")

    def encode(self) -> bytes:
        header = bytes((VERSION, self.frame_type, self.seq)) + len(self.payload).to_bytes(2, "big")
        checked = header + bytes((crc8(header),)) + self.payload
        return bytes((STX,)) + checked + crc16(header + self.payload).to_bytes(2, "big") + bytes((ETX,))


def crc8(data: bytes) -> int:
    """CRC-8 with polynomial 0x07 (ATM HEC without the final XOR)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


class FrameDecoder:
    """Bytes in, checked frames out. Counts what it had to skip (`skipped_bytes`) and the frames
    whose header was right but whose body failed its CRC (`damaged_frames`)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.skipped_bytes = 0
        self.damaged_frames = 0

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer.extend(data)
        frames: list[Frame] = []
        while (frame := self._next_frame()) is not None:
            frames.append(frame)
        return frames

    @property
    def pending(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buffer)

    def drop_stalled(self) -> None:
        """Give up on a partial frame that stopped arriving (a stray header that looked right):
        skip its first byte and look again at what followed."""
        if self._buffer:
            self._skip(1)

    def _next_frame(self) -> Frame | None:
        while True:
            start = self._buffer.find(STX)
            if start < 0:
                self._skip(len(self._buffer))
                return None
            self._skip(start)
            if len(self._buffer) < _HEADER_LENGTH:
                return None
            header = bytes(self._buffer[1:6])
            payload_length = int.from_bytes(header[3:5], "big")
            if (
                header[0] != VERSION
                or header[1] not in _FRAME_TYPES
                or payload_length > MAX_PAYLOAD
                or self._buffer[6] != crc8(header)
            ):
                self._skip(1)
                continue
            total = _HEADER_LENGTH + payload_length + _TRAILER_LENGTH
            if len(self._buffer) < total:
                return None
            payload = bytes(self._buffer[_HEADER_LENGTH : _HEADER_LENGTH + payload_length])
            trailer = self._buffer[total - _TRAILER_LENGTH : total]
            if trailer[2] != ETX or int.from_bytes(trailer[:2], "big") != crc16(header + payload):
                self.damaged_frames += 1
                self._skip(1)
                continue
            del self._buffer[:total]
            return Frame(FrameType(header[1]), header[2], payload)

    def _skip(self, count: int) -> None:
        self.skipped_bytes += count
        del self._buffer[:count]


_FRAME_TYPES = frozenset(int(frame_type) for frame_type in FrameType)
