from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest

from gridvend.secure.errors import SecureModuleUnavailable, VendingKeyNotFound
from gridvend.secure.interface import SecureModule
from gridvend.sts.token_requests import CreditToken
from gridvend_bridge.module_emulator import ModuleEmulator, PtyModule
from gridvend_bridge.serial_frames import STX, Frame, FrameType
from gridvend_bridge.serial_link import ModuleLink, serial_port_opener
from gridvend_bridge.serial_module import SerialSecureModule
from tests.unit.bridge.conftest import FAST_TIMING, office_software_module
from tests.unit.secure import vectors
from tests.unit.secure.module_contract import SecureModuleContract


class TestSerialModule(SecureModuleContract):
    """Every secure module behaviour, through frames on a pseudo-terminal to the emulator."""

    @pytest.fixture
    def module(self, serial_module: SerialSecureModule) -> Iterator[SecureModule]:
        yield serial_module


def _credit(tid: int, amount: str = "25.5") -> CreditToken:
    return CreditToken(subclass=0, tid=tid, random=7, amount=Decimal(amount))


def test_tokens_over_the_serial_line_equal_the_software_modules(serial_module: SerialSecureModule) -> None:
    software = office_software_module()
    software.load_key_file(vectors.sealed_key_file())
    serial_module.load_key_file(vectors.sealed_key_file())

    for tid, meter in ((5871800, vectors.DKGA02_METER), (5871801, vectors.DKGA04_METER)):
        assert serial_module.issue_token(meter, _credit(tid)) == software.issue_token(meter, _credit(tid))
    assert serial_module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN


def test_module_describes_itself(serial_module: SerialSecureModule, emulator: ModuleEmulator) -> None:
    serial_module.load_key_file(vectors.sealed_key_file())

    info = serial_module.module_info()

    assert info["module_id"] == emulator.module_id
    assert info["keys"] == len(vectors.ALL_INFOS)


def test_module_errors_keep_their_type_across_the_line(serial_module: SerialSecureModule) -> None:
    with pytest.raises(VendingKeyNotFound) as raised:
        serial_module.issue_token(vectors.DKGA02_METER, _credit(1))

    assert (raised.value.sgc, raised.value.krn) == (vectors.DKGA02_METER.sgc, vectors.DKGA02_METER.krn)


def test_noise_on_the_line_is_survived(serial_module: SerialSecureModule, pty_module: PtyModule) -> None:
    serial_module.load_key_file(vectors.sealed_key_file())
    noise = bytes([STX, 0x01, 0x52]) + bytes(range(256)) * 3 + Frame(FrameType.RESPONSE, 0xEE, b"stale").encode()

    tokens = []
    for tid in range(5871900, 5871905):
        pty_module.inject(noise)
        tokens.append(serial_module.issue_token(vectors.DKGA02_METER, _credit(tid)))

    software = office_software_module()
    software.load_key_file(vectors.sealed_key_file())
    assert tokens == [software.issue_token(vectors.DKGA02_METER, _credit(tid)) for tid in range(5871900, 5871905)]


def test_a_damaged_request_is_asked_again_and_carried_out_once(
    serial_module: SerialSecureModule, pty_module: PtyModule, emulator: ModuleEmulator
) -> None:
    serial_module.load_key_file(vectors.sealed_key_file())
    link = serial_module._link
    real_opener = link._open_port

    class FlippingPort:
        """Damages the first request it writes, as a noisy cable would."""

        def __init__(self) -> None:
            self._port = real_opener()
            self.flipped = False

        @property
        def in_waiting(self) -> int:
            return int(self._port.in_waiting)

        def read(self, size: int = 1) -> bytes:
            return self._port.read(size)

        def write(self, data: bytes) -> int | None:
            if not self.flipped:
                self.flipped = True
                data = data[:10] + bytes([data[10] ^ 0xFF]) + data[11:]
            return self._port.write(data)

        def close(self) -> None:
            self._port.close()

    link.close()
    link._open_port = FlippingPort

    token = serial_module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

    assert token == vectors.CTSA01_TOKEN
    assert pty_module.naks_sent >= 1
    assert emulator.performed["issue_token"] == 1


def test_unplugged_module_mid_request_gives_a_clear_error_and_no_second_token(
    serial_module: SerialSecureModule, pty_module: PtyModule, emulator: ModuleEmulator
) -> None:
    serial_module.load_key_file(vectors.sealed_key_file())
    emulator.before_answer = lambda op: pty_module.unplug() if op == "issue_token" else None

    with pytest.raises(SecureModuleUnavailable, match="did not answer"):
        serial_module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

    assert emulator.performed["issue_token"] == 1
    emulator.before_answer = None
    pty_module.plug_in()
    assert serial_module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN


def test_replugged_during_the_retries_the_answer_comes_from_the_modules_memory(
    serial_module: SerialSecureModule, pty_module: PtyModule, emulator: ModuleEmulator
) -> None:
    serial_module.load_key_file(vectors.sealed_key_file())

    def unplug_then_plug_back(op: str) -> None:
        if op != "issue_token":
            return
        emulator.before_answer = None
        pty_module.unplug()
        threading.Thread(target=pty_module.plug_in).start()

    emulator.before_answer = unplug_then_plug_back

    token = serial_module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

    assert token == vectors.CTSA01_TOKEN
    assert emulator.performed["issue_token"] == 1
    assert serial_module._link.statistics.resends >= 1


def test_a_module_that_never_was_there_is_unavailable() -> None:
    module = SerialSecureModule(ModuleLink(serial_port_opener("/dev/gridvend-no-such-port"), FAST_TIMING))

    with pytest.raises(SecureModuleUnavailable):
        module.list_keys()
