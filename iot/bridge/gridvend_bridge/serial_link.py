"""The agent's end of the serial line: one request at a time, answered or given up on in time.

Each request gets the next sequence number and is sent again (same number) when no answer comes,
when the module asks for it (NAK), or after the port was lost and opened again. The module keeps
its last answer by sequence number and payload, so a request sent twice is carried out once: an
unplugged cable mid-request never makes a second token. BUSY from the module extends the wait.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import serial

from gridvend_bridge.serial_frames import UNKNOWN_SEQ, Frame, FrameDecoder, FrameType

logger = logging.getLogger(__name__)


class SerialPort(Protocol):
    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def close(self) -> None: ...


PortOpener = Callable[[], SerialPort]


class ModuleLinkDown(Exception):
    """No answer from the module: the port is gone or the module stays silent."""


@dataclass(frozen=True)
class LinkTiming:
    reply_timeout_seconds: float = 2.0  # wait for an answer before sending again
    attempts: int = 3  # sends of one request (the first and the retries)
    busy_extension_seconds: float = 10.0  # more time granted by each BUSY frame
    reopen_pause_seconds: float = 0.2  # between attempts to open a lost port
    read_slice_seconds: float = 0.05  # a port read returns after at most this long
    stall_seconds: float = 0.3  # a partial frame silent this long was a stray header


def serial_port_opener(url: str, baudrate: int = 115200, read_slice_seconds: float = 0.05) -> PortOpener:
    """Opens `url` (a device such as /dev/ttyUSB0 or a pty link; any pyserial URL) in raw 8N1."""

    def open_port() -> SerialPort:
        port: SerialPort = serial.serial_for_url(url, baudrate=baudrate, timeout=read_slice_seconds)
        return port

    return open_port


@dataclass
class LinkStatistics:
    requests: int = 0
    resends: int = 0
    reopens: int = 0
    skipped_bytes: int = 0


class ModuleLink:
    def __init__(self, open_port: PortOpener, timing: LinkTiming | None = None, name: str = "secure module") -> None:
        self._open_port = open_port
        self._timing = timing or LinkTiming()
        self._name = name
        self._port: SerialPort | None = None
        self._decoder = FrameDecoder()
        self._seq = random.randint(1, 0xFF)
        self._lock = threading.Lock()
        self.statistics = LinkStatistics()

    def __repr__(self) -> str:
        return f"ModuleLink({self._name!r})"

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def call(self, payload: bytes) -> bytes:
        """Send one request and return the module's answer; ModuleLinkDown when none comes."""
        with self._lock:
            self._seq = self._seq % 0xFF + 1
            request = Frame(FrameType.REQUEST, self._seq, payload).encode()
            self.statistics.requests += 1
            last_problem = "no answer"
            for attempt in range(self._timing.attempts):
                if attempt:
                    self.statistics.resends += 1
                try:
                    port = self._ensure_open()
                    port.write(request)
                    answer = self._await_answer(port, self._seq)
                except (OSError, serial.SerialException) as failure:
                    last_problem = f"port failure ({type(failure).__name__})"
                    self._drop_port()
                    time.sleep(self._timing.reopen_pause_seconds)
                    continue
                if answer is not None:
                    return answer
                last_problem = "no answer in time"
            attempts = self._timing.attempts
            raise ModuleLinkDown(f"the {self._name} did not answer after {attempts} attempts: {last_problem}")

    def close(self) -> None:
        with self._lock:
            self._drop_port()

    def _ensure_open(self) -> SerialPort:
        if self._port is None:
            self._port = self._open_port()
            self._decoder = FrameDecoder()
            self.statistics.reopens += 1
        return self._port

    def _drop_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (OSError, serial.SerialException):
                logger.debug("closing the lost %s port failed", self._name)

    def _await_answer(self, port: SerialPort, seq: int) -> bytes | None:
        """The RESPONSE payload for seq; None when the module asks for a resend or stays silent."""
        deadline = time.monotonic() + self._timing.reply_timeout_seconds
        last_data_at = time.monotonic()
        while time.monotonic() < deadline:
            data = _read_available(port)
            if not data:
                stalled = time.monotonic() - last_data_at > self._timing.stall_seconds
                if stalled and self._decoder.pending:
                    self._decoder.drop_stalled()
                    data = b""
                else:
                    continue
            last_data_at = time.monotonic()
            skipped_before = self._decoder.skipped_bytes
            frames = self._decoder.feed(data)
            self.statistics.skipped_bytes += self._decoder.skipped_bytes - skipped_before
            for frame in frames:
                if frame.frame_type is FrameType.NAK and frame.seq in (seq, UNKNOWN_SEQ):
                    return None
                if frame.seq != seq:
                    continue  # a late answer to an earlier request
                if frame.frame_type is FrameType.RESPONSE:
                    return frame.payload
                if frame.frame_type is FrameType.BUSY:
                    deadline = time.monotonic() + self._timing.busy_extension_seconds
        return None


def _read_available(port: SerialPort) -> bytes:
    """What has arrived: waits up to the port's read timeout for a first byte, then takes the rest."""
    first = port.read(1)
    if not first:
        return first
    waiting = port.in_waiting
    return first + port.read(waiting) if waiting else first
