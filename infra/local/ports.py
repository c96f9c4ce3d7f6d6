"""Loopback ports: find a free one, tell whether one is taken, wait until a server accepts on one."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"
_POLL_SECONDS = 0.1


def free_port(host: str = LOOPBACK) -> int:
    """A port nobody listens on right now (the kernel's pick); it may be taken again before use."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def accepts_connections(host: str, port: int, timeout_seconds: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_seconds):
            return True
    except OSError:
        return False


def wait_for_port(
    host: str,
    port: int,
    timeout_seconds: float,
    still_starting: Callable[[], bool] = lambda: True,
) -> bool:
    """Wait until host:port accepts a TCP connection. False on time-out or when still_starting()
    turns False (the server process died), so callers can report its log instead of hanging."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if not still_starting():
            return False
        if accepts_connections(host, port):
            # Someone else may hold the port: only count it if our server is still alive.
            return still_starting()
        time.sleep(_POLL_SECONDS)
    return False
