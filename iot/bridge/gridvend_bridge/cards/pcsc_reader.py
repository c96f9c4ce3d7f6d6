"""A PC/SC card reader through pyscard (pcscd on Linux). pyscard is imported on first use, so the
agent runs without it when the office has no card reader."""

from __future__ import annotations

import contextlib
from typing import Any

from gridvend_bridge.cards.iso7816 import CardAbsent, CardChannel, ReaderUnavailable


class _PcscChannel:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        from smartcard.Exceptions import CardConnectionException

        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except CardConnectionException:
            raise CardAbsent("the card was taken out of the reader") from None
        return bytes(data), (sw1 << 8) | sw2

    def close(self) -> None:
        from smartcard.Exceptions import CardConnectionException

        with contextlib.suppress(CardConnectionException):
            self._connection.disconnect()


class PcscReader:
    """The first PC/SC reader whose name contains `name_contains` (any reader when empty)."""

    def __init__(self, name_contains: str = "") -> None:
        self._name_contains = name_contains

    def describe(self) -> str:
        return f"PC/SC reader matching {self._name_contains!r}" if self._name_contains else "first PC/SC reader"

    def connect(self) -> CardChannel:
        try:
            from smartcard.Exceptions import CardConnectionException, NoCardException
            from smartcard.System import readers
        except ImportError:
            raise ReaderUnavailable("pyscard is not installed: pip install pyscard") from None
        try:
            found = [reader for reader in readers() if self._name_contains in str(reader)]
        except Exception as failure:  # pyscard raises its own error types when pcscd is not there
            raise ReaderUnavailable(f"the PC/SC service is not reachable ({type(failure).__name__})") from None
        if not found:
            raise ReaderUnavailable(f"no {self.describe()} is connected")
        connection = found[0].createConnection()
        try:
            connection.connect()
        except (NoCardException, CardConnectionException):
            raise CardAbsent(f"no card in {found[0]}") from None
        return _PcscChannel(connection)
