"""The few ISO 7816-4 commands a meter card needs, and the reader interface the card logic uses.

A card holds two transparent files: EF_SERIAL (the card's serial number, written at manufacture,
read-only) and EF_DATA (what the office and the meter write). Writing needs the office's card PIN
(VERIFY) first.
"""

from __future__ import annotations

from typing import Protocol

EF_SERIAL = 0x2F02
EF_DATA = 0x1001
PIN_REFERENCE = 0x01
MAX_CHUNK = 0xF0  # bytes per READ/UPDATE BINARY (short APDUs)

SW_OK = 0x9000
SW_FILE_NOT_FOUND = 0x6A82
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_AUTH_BLOCKED = 0x6983
SW_WRONG_OFFSET = 0x6B00
SW_WRONG_LENGTH = 0x6700
SW_INS_NOT_SUPPORTED = 0x6D00
SW_NO_FILE_SELECTED = 0x6986


class CardAbsent(Exception):
    """No card in the reader."""


class ReaderUnavailable(Exception):
    """The reader (or the PC/SC service) is not there."""


class CardCommandFailed(Exception):
    def __init__(self, command: str, status_word: int) -> None:
        super().__init__(f"the card refused {command} (status {status_word:04X})")
        self.command = command
        self.status_word = status_word


class CardChannel(Protocol):
    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one command APDU; (response data, status word)."""
        ...

    def close(self) -> None: ...


class CardReader(Protocol):
    def connect(self) -> CardChannel:
        """A channel to the card in the reader; CardAbsent or ReaderUnavailable otherwise."""
        ...

    def describe(self) -> str: ...


def select_file(file_id: int) -> bytes:
    return bytes((0x00, 0xA4, 0x00, 0x0C, 0x02)) + file_id.to_bytes(2, "big")


def read_binary(offset: int, length: int) -> bytes:
    return bytes((0x00, 0xB0)) + offset.to_bytes(2, "big") + bytes((length,))


def update_binary(offset: int, data: bytes) -> bytes:
    return bytes((0x00, 0xD6)) + offset.to_bytes(2, "big") + bytes((len(data),)) + data


def verify_pin(pin: bytes) -> bytes:
    return bytes((0x00, 0x20, 0x00, PIN_REFERENCE, len(pin))) + pin


def checked(channel: CardChannel, apdu: bytes, command: str) -> bytes:
    data, status_word = channel.transmit(apdu)
    if status_word != SW_OK:
        raise CardCommandFailed(command, status_word)
    return data


def read_file(channel: CardChannel, file_id: int, length: int) -> bytes:
    checked(channel, select_file(file_id), "SELECT")
    content = bytearray()
    while len(content) < length:
        chunk = checked(channel, read_binary(len(content), min(MAX_CHUNK, length - len(content))), "READ BINARY")
        if not chunk:
            break
        content.extend(chunk)
    return bytes(content)


def write_file(channel: CardChannel, file_id: int, data: bytes) -> None:
    checked(channel, select_file(file_id), "SELECT")
    for offset in range(0, len(data), MAX_CHUNK):
        checked(channel, update_binary(offset, data[offset : offset + MAX_CHUNK]), "UPDATE BINARY")
