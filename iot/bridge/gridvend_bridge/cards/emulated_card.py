"""An emulated memory card that answers the ISO 7816-4 commands of iso7816, and a reader it can be
put into and taken out of. Used by tests and by the local stack; the vpcd bridge (vpcd_card) puts
the same card behind a real PC/SC reader."""

from __future__ import annotations

import threading
from functools import reduce
from operator import xor

from gridvend_bridge.cards.card_file import DATA_FILE_SIZE
from gridvend_bridge.cards.iso7816 import (
    EF_DATA,
    EF_SERIAL,
    PIN_REFERENCE,
    SW_AUTH_BLOCKED,
    SW_FILE_NOT_FOUND,
    SW_INS_NOT_SUPPORTED,
    SW_NO_FILE_SELECTED,
    SW_OK,
    SW_SECURITY_NOT_SATISFIED,
    SW_WRONG_LENGTH,
    SW_WRONG_OFFSET,
    CardAbsent,
    CardChannel,
)

# ATR of a T=1 card with the historical bytes "GRIDVEND": TS, T0, TD1, TD2, history, TCK.
_ATR_BODY = bytes((0x88, 0x80, 0x01)) + b"GRIDVEND"
ATR = bytes((0x3B,)) + _ATR_BODY + bytes((reduce(xor, _ATR_BODY),))
PIN_TRIES = 3


class EmulatedCard:
    def __init__(self, card_serial: str, pin: bytes) -> None:
        self._files = {
            EF_SERIAL: bytearray(card_serial.encode("ascii").ljust(16, b"\x00")[:16]),
            EF_DATA: bytearray(DATA_FILE_SIZE),
        }
        self._writable = {EF_DATA}
        self._pin = pin
        self._tries_left = PIN_TRIES
        self._selected: int | None = None
        self._verified = False
        self._lock = threading.Lock()
        self.writes = 0  # UPDATE BINARY commands carried out

    @property
    def data(self) -> bytes:
        return bytes(self._files[EF_DATA])

    def reset(self) -> None:
        """Power cycle: the selection and the PIN check are forgotten."""
        with self._lock:
            self._selected = None
            self._verified = False

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        with self._lock:
            if len(apdu) < 4:
                return b"", SW_WRONG_LENGTH
            instruction = apdu[1]
            handlers = {0xA4: self._select, 0xB0: self._read, 0xD6: self._update, 0x20: self._verify}
            handler = handlers.get(instruction)
            if handler is None:
                return b"", SW_INS_NOT_SUPPORTED
            return handler(apdu)

    def _select(self, apdu: bytes) -> tuple[bytes, int]:
        if len(apdu) != 7 or apdu[4] != 2:
            return b"", SW_WRONG_LENGTH
        file_id = int.from_bytes(apdu[5:7], "big")
        if file_id not in self._files:
            return b"", SW_FILE_NOT_FOUND
        self._selected = file_id
        return b"", SW_OK

    def _read(self, apdu: bytes) -> tuple[bytes, int]:
        if self._selected is None:
            return b"", SW_NO_FILE_SELECTED
        content = self._files[self._selected]
        offset = int.from_bytes(apdu[2:4], "big")
        length = apdu[4] if len(apdu) > 4 else 0
        if offset > len(content):
            return b"", SW_WRONG_OFFSET
        return bytes(content[offset : offset + (length or 256)]), SW_OK

    def _update(self, apdu: bytes) -> tuple[bytes, int]:
        if self._selected is None:
            return b"", SW_NO_FILE_SELECTED
        if self._selected not in self._writable or not self._verified:
            return b"", SW_SECURITY_NOT_SATISFIED
        offset = int.from_bytes(apdu[2:4], "big")
        data = apdu[5 : 5 + apdu[4]] if len(apdu) > 4 else b""
        content = self._files[self._selected]
        if len(data) != (apdu[4] if len(apdu) > 4 else 0):
            return b"", SW_WRONG_LENGTH
        if offset + len(data) > len(content):
            return b"", SW_WRONG_OFFSET
        content[offset : offset + len(data)] = data
        self.writes += 1
        return b"", SW_OK

    def _verify(self, apdu: bytes) -> tuple[bytes, int]:
        if apdu[3] != PIN_REFERENCE or len(apdu) < 5:
            return b"", SW_WRONG_LENGTH
        if self._tries_left == 0:
            return b"", SW_AUTH_BLOCKED
        if apdu[5 : 5 + apdu[4]] == self._pin:
            self._tries_left = PIN_TRIES
            self._verified = True
            return b"", SW_OK
        self._tries_left -= 1
        self._verified = False
        return b"", 0x63C0 | self._tries_left


class _EmulatedChannel:
    def __init__(self, reader: EmulatedReader, card: EmulatedCard) -> None:
        self._reader = reader
        self._card = card

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        if self._reader.card is not self._card:
            raise CardAbsent("the card was taken out of the reader")
        return self._card.transmit(apdu)

    def close(self) -> None:
        return None


class EmulatedReader:
    def __init__(self, name: str = "Gridvend emulated reader") -> None:
        self._name = name
        self.card: EmulatedCard | None = None

    def insert(self, card: EmulatedCard) -> None:
        card.reset()
        self.card = card

    def remove(self) -> None:
        self.card = None

    def connect(self) -> CardChannel:
        if self.card is None:
            raise CardAbsent(f"no card in {self._name}")
        self.card.reset()
        return _EmulatedChannel(self, self.card)

    def describe(self) -> str:
        return self._name
