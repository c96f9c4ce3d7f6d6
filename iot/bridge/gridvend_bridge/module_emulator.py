"""An emulated secure module: speaks the serial protocol on a pseudo-terminal, backed by any
SecureModule (the software module in tests and in the local stack).

Like a real module it keeps its last answer by sequence number and payload: a request sent again
after a lost answer is answered from memory and not carried out twice. `performed` counts what it
actually carried out, so tests can tell.
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import threading
import tty
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import JsonValue

from gridvend.secure.bridge_messages import BridgeError, BridgeErrorCode, BridgeOperation, BridgeRequest
from gridvend.secure.bridge_responder import BridgeResponder
from gridvend.secure.interface import SecureModule
from gridvend_bridge import module_protocol
from gridvend_bridge.serial_frames import UNKNOWN_SEQ, Frame, FrameDecoder, FrameType

logger = logging.getLogger(__name__)

FIRMWARE = "gridvend-emulator-1"


class ModuleEmulator:
    """The module's logic, without the line: one request frame in, one answer frame out."""

    def __init__(self, module: SecureModule, module_id: str) -> None:
        self._module = module
        self._module_id = module_id
        self._responder = BridgeResponder(module, module_id, module_id)
        self._last: tuple[int, bytes, Frame] | None = None
        self._lock = threading.Lock()
        self.performed: Counter[str] = Counter()
        # Called after an operation is carried out and before its answer goes out (tests unplug here).
        self.before_answer: Callable[[str], None] | None = None

    @property
    def module_id(self) -> str:
        return self._module_id

    def answer(self, request: Frame) -> Frame:
        digest = hashlib.sha256(request.payload).digest()
        with self._lock:
            if self._last is not None and self._last[:2] == (request.seq, digest):
                return self._last[2]
            op, payload = self._perform(request.payload)
            reply = Frame(FrameType.RESPONSE, request.seq, payload)
            self._last = (request.seq, digest, reply)
        if self.before_answer is not None:
            self.before_answer(op)
        return reply

    def _perform(self, payload: bytes) -> tuple[str, bytes]:
        try:
            op, args = module_protocol.decode_request(payload)
        except ValueError:
            error = BridgeError(code=BridgeErrorCode.INVALID_REQUEST, message="the request is not a module request")
            return "invalid", module_protocol.encode_failure(error)
        self.performed[op] += 1
        if op == module_protocol.MODULE_INFO:
            return op, module_protocol.encode_success(self._info())
        if op not in BridgeOperation.__members__.values():
            error = BridgeError(code=BridgeErrorCode.INVALID_REQUEST, message=f"the module knows no operation {op!r}")
            return op, module_protocol.encode_failure(error)
        request = BridgeRequest(
            op=BridgeOperation(op),
            args=args,
            correlation_id="serial",
            tenant=self._module_id,
            office=self._module_id,
        )
        response = self._responder.answer(request)
        if response.error is not None:
            return op, module_protocol.encode_failure(response.error)
        return op, module_protocol.encode_success(response.result)

    def _info(self) -> JsonValue:
        return {"module_id": self._module_id, "firmware": FIRMWARE, "keys": len(self._module.list_keys())}


class PtyModule:
    """The emulator on a pseudo-terminal. `link` (when given) is a symlink to the current terminal,
    as udev names a USB serial adapter; `unplug()` closes the terminal as pulling the cable would,
    `plug_in()` opens a new one behind the same link. `inject()` puts noise on the line."""

    def __init__(self, emulator: ModuleEmulator, link: Path | None = None) -> None:
        self.emulator = emulator
        self._link = link
        self._master_fd: int | None = None
        self._slave_fd: int | None = None
        self._device = ""
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._write_lock = threading.Lock()
        self.naks_sent = 0

    @property
    def path(self) -> str:
        """What the agent opens: the link if there is one, else the terminal itself."""
        return str(self._link) if self._link is not None else self._device

    def __enter__(self) -> PtyModule:
        self.plug_in()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.unplug()

    def plug_in(self) -> None:
        if self._master_fd is not None:
            return
        master_fd, slave_fd = os.openpty()
        tty.setraw(slave_fd)
        self._master_fd, self._slave_fd = master_fd, slave_fd
        self._device = os.ttyname(slave_fd)
        if self._link is not None:
            temporary = self._link.with_name(self._link.name + ".new")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(self._device)
            temporary.replace(self._link)
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(master_fd, slave_fd, self._stopping), name="module-emulator", daemon=True
        )
        self._thread.start()

    def unplug(self) -> None:
        """Close the terminal as pulling the cable would; from the emulator's own thread (a test's
        before_answer hook) the answer in hand is dropped and the terminal closes right after."""
        self._stopping.set()
        self._master_fd = self._slave_fd = None
        if self._link is not None:
            self._link.unlink(missing_ok=True)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def inject(self, noise: bytes) -> None:
        if self._master_fd is not None:
            with self._write_lock:
                os.write(self._master_fd, noise)

    def _serve(self, master_fd: int, slave_fd: int, stopping: threading.Event) -> None:
        try:
            self._answer_requests(master_fd, stopping)
        finally:
            os.close(master_fd)
            os.close(slave_fd)

    def _answer_requests(self, master_fd: int, stopping: threading.Event) -> None:
        decoder = FrameDecoder()
        while not stopping.is_set():
            try:
                readable, _, _ = select.select([master_fd], [], [], 0.1)
                if not readable:
                    continue
                data = os.read(master_fd, 4096)
            except (OSError, ValueError):
                return  # the terminal was closed
            if not data:
                return
            damaged_before = decoder.damaged_frames
            frames = decoder.feed(data)
            if decoder.damaged_frames > damaged_before:
                self._send(master_fd, Frame(FrameType.NAK, UNKNOWN_SEQ))
            for frame in frames:
                if frame.frame_type is FrameType.REQUEST:
                    reply = self.emulator.answer(frame)
                    if not stopping.is_set():
                        self._send(master_fd, reply)

    def _send(self, master_fd: int, frame: Frame) -> None:
        try:
            with self._write_lock:
                os.write(master_fd, frame.encode())
        except OSError:
            logger.debug("the emulated module's terminal closed while answering")
        if frame.frame_type is FrameType.NAK:
            self.naks_sent += 1
