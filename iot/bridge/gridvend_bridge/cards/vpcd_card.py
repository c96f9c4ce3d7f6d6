"""Puts an EmulatedCard into vsmartcard's virtual PC/SC reader (vpcd), so the PC/SC backend can be
tested end to end with pcscd: vpcd listens on a TCP port and this client plays the card. vpcd listens on
every interface (see network_namespace.py): give the namespace of a pcscd run in a network namespace of its
own, and the card connects from inside it.

vpcd's protocol: each message is a 2-byte big-endian length and its bytes; a 1-byte message is a
control (0 power off, 1 power on, 2 reset, 4 send the ATR), anything longer is a command APDU.
Only the ATR and APDUs are answered.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from pathlib import Path

from gridvend_bridge.cards.emulated_card import ATR, EmulatedCard
from gridvend_bridge.cards.network_namespace import in_namespace

_POWER_OFF, _POWER_ON, _RESET, _GET_ATR = 0, 1, 2, 4


class VpcdCard:
    def __init__(self, card: EmulatedCard, host: str, port: int, namespace: Path | None = None) -> None:
        self._card = card
        self._address = (host, port)
        self._namespace = namespace
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def insert(self, timeout_seconds: float = 10.0) -> None:
        """Connect to vpcd: the reader now holds the card."""
        def connect() -> socket.socket:
            return socket.create_connection(self._address, timeout=timeout_seconds)

        self._socket = connect() if self._namespace is None else in_namespace(self._namespace, connect)
        self._socket.settimeout(None)
        self._thread = threading.Thread(target=self._serve, args=(self._socket,), name="vpcd-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._socket = self._socket, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _serve(self, sock: socket.socket) -> None:
        try:
            while (message := _receive(sock)) is not None:
                if len(message) == 1:
                    if message[0] == _GET_ATR:
                        _send(sock, ATR)
                    elif message[0] in (_POWER_OFF, _POWER_ON, _RESET):
                        self._card.reset()
                    continue
                data, status_word = self._card.transmit(message)
                _send(sock, data + status_word.to_bytes(2, "big"))
        except OSError:
            return


def _receive(sock: socket.socket) -> bytes | None:
    header = _exactly(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    return _exactly(sock, length)


def _exactly(sock: socket.socket, count: int) -> bytes | None:
    received = bytearray()
    while len(received) < count:
        chunk = sock.recv(count - len(received))
        if not chunk:
            return None
        received.extend(chunk)
    return bytes(received)


def _send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(struct.pack(">H", len(data)) + data)
