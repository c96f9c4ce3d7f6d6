"""A loopback port that accepts (and at once closes) connections while the process is ready: how a process
supervisor, such as the local stack's, tells that the agent or the emulated module is up."""

from __future__ import annotations

import socket
import threading

LOOPBACK = "127.0.0.1"


class HealthPort:
    def __init__(self, port: int, host: str = LOOPBACK) -> None:
        self._server = socket.create_server((host, port))
        self._server.settimeout(0.5)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="health-port", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"HealthPort({self._server.getsockname()!r})"

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._server.close()
