"""Fixtures of the bridge agent's unit tests: an emulated secure module on a pseudo-terminal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridvend.secure.software_module import SoftwareSecureModule
from gridvend_bridge.module_emulator import ModuleEmulator, PtyModule
from gridvend_bridge.serial_link import LinkTiming, ModuleLink, serial_port_opener
from gridvend_bridge.serial_module import SerialSecureModule
from tests.unit.secure import vectors

# Short waits: the emulator answers in milliseconds, and failure tests should not idle.
FAST_TIMING = LinkTiming(reply_timeout_seconds=0.5, attempts=3, reopen_pause_seconds=0.05, stall_seconds=0.1)


def office_software_module() -> SoftwareSecureModule:
    return SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY)


@pytest.fixture
def emulator() -> ModuleEmulator:
    return ModuleEmulator(office_software_module(), f"sm-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def pty_module(emulator: ModuleEmulator, tmp_path: Path) -> Iterator[PtyModule]:
    with PtyModule(emulator, link=tmp_path / "ttySM0") as plugged:
        yield plugged


@pytest.fixture
def serial_module(pty_module: PtyModule) -> Iterator[SerialSecureModule]:
    module = SerialSecureModule(ModuleLink(serial_port_opener(pty_module.path), FAST_TIMING))
    yield module
    module.close()
