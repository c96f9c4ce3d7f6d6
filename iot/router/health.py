"""A loopback port that accepts connections once a process is ready: how the local stack's supervisor
tells that the router or a simulated fleet is up (it waits for the port)."""

from __future__ import annotations

import socket
import threading


class HealthPort:
    def __init__(self, host: str, port: int) -> None:
        self._server = socket.create_server((host, port))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="health-port", daemon=True)

    def start(self) -> None:
        self._server.settimeout(0.5)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.sendall(b"ok\n")

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(timeout=5)
