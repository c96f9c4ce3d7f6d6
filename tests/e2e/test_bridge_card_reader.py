"""The card logic through the real PC/SC stack: pyscard -> pcscd -> vsmartcard's virtual reader
(vpcd) -> our emulated card. pcscd serves one socket per machine (/run/pcscd/pcscd.comm), so the
test starts its own pcscd only when none runs, and stops it by pid. vpcd's card ports listen on every
interface, so that pcscd runs in a network namespace of its own (loopback only) and the card connects
from inside it: nothing outside the namespace can reach the virtual reader."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gridvend.iot.bridge_cards import ConsumerCard, Purchase, PurchaseWrite
from gridvend_bridge.cards.card_service import CardService
from gridvend_bridge.cards.emulated_card import EmulatedCard
from gridvend_bridge.cards.iso7816 import CardAbsent
from gridvend_bridge.cards.network_namespace import bring_loopback_up, can_enter_namespaces, in_namespace, namespace_of
from gridvend_bridge.cards.pcsc_reader import PcscReader
from gridvend_bridge.cards.vpcd_card import VpcdCard

pytestmark = pytest.mark.e2e

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
PIN = b"13572468"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@dataclass(frozen=True)
class VirtualReader:
    name: str
    port: int
    pcscd_pid: int

    @property
    def namespace(self) -> Path:
        """pcscd's network namespace, where vpcd listens."""
        return namespace_of(self.pcscd_pid)


def _tcp_listeners(pid: int, port: int) -> list[str]:
    """The IPv4 addresses on which something listens on port, in the network namespace of process pid."""
    listeners = []
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:
            listeners.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return listeners


def _pcscd_running() -> bool:
    if not PCSCD_SOCKET.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(PCSCD_SOCKET))
        return True
    except OSError:
        return False


@pytest.fixture
def virtual_reader(tmp_path: Path) -> Iterator[VirtualReader]:
    """A virtual reader in a pcscd started for this test, in a network namespace of its own."""
    pcscd = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not (os.access(pcscd, os.X_OK) and VPCD_DRIVER.exists()):
        pytest.skip("needs Debian's pcscd and vsmartcard-vpcd (infra/install-system.sh installs them)")
    pytest.importorskip("smartcard", reason="needs pyscard")
    if not can_enter_namespaces():
        pytest.skip("needs root, to run pcscd in a network namespace of its own")
    if _pcscd_running():
        pytest.skip("another pcscd already serves this machine; the test cannot add its virtual reader")
    port = _free_port()
    name = f"Gridvend reader {uuid.uuid4().hex[:6]}"
    config_dir = tmp_path / "reader.conf.d"
    config_dir.mkdir()
    (config_dir / "vpcd").write_text(
        f'FRIENDLYNAME "{name}"\nDEVICENAME /dev/null:{port}\nLIBPATH {VPCD_DRIVER}\nCHANNELID {port}\n'
    )
    log = (tmp_path / "pcscd.log").open("w")
    command = ["unshare", "--net", "--", pcscd, "--foreground", "--config", str(config_dir)]
    process = subprocess.Popen(command, stdout=log, stderr=log)
    try:
        namespace = namespace_of(process.pid)
        deadline = time.monotonic() + 15
        while not (_pcscd_running() and in_namespace(namespace, lambda: _loopback_listening(port))):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"pcscd with the virtual reader did not start: {(tmp_path / 'pcscd.log').read_text()}")
            time.sleep(0.1)
        yield VirtualReader(name, port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _loopback_listening(port: int) -> bool:
    bring_loopback_up()
    return _listening(port)


def _connected_service(name: str) -> CardService:
    service = CardService(PcscReader(name), PIN)
    deadline = time.monotonic() + 10
    while True:  # pcscd polls the reader; the card shows up within a moment of insertion
        try:
            service.read()
            return service
        except CardAbsent:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_the_virtual_reader_cannot_be_reached_from_outside_its_namespace(virtual_reader: VirtualReader) -> None:
    # vpcd binds every interface (compiled in) of a namespace whose only interface is loopback...
    assert _tcp_listeners(virtual_reader.pcscd_pid, virtual_reader.port) == ["0.0.0.0"]
    # ...and the machine's own interfaces have no such listener.
    assert _tcp_listeners(os.getpid(), virtual_reader.port) == []


def test_a_purchase_is_written_through_pcsc_onto_the_card(virtual_reader: VirtualReader) -> None:
    card = EmulatedCard("PCSC-0001", PIN)
    inserted = VpcdCard(card, "127.0.0.1", virtual_reader.port, virtual_reader.namespace)
    inserted.insert()
    try:
        service = _connected_service(virtual_reader.name)
        service.make_card(ConsumerCard(utility="demo", meter_serial="M-1", customer_code="C-1"))
        purchase = Purchase(sequence=1, energy=Decimal("7.50"), amount=Decimal("6"), at=datetime.now(UTC))

        written = service.write_purchase(PurchaseWrite(meter_serial="M-1", purchase=purchase))

        assert written.card_serial == "PCSC-0001"
        assert isinstance(written.content, ConsumerCard) and written.content.pending == Decimal("7.50")
        assert card.writes > 0
    finally:
        inserted.remove()
