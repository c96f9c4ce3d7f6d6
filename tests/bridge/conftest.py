"""The API harness of tests/api (both stores), and an office whose bridge agent serves a tenant's bridge-backed
secure module: cloud -> mosquitto (MQTT 5, TLS) -> agent -> serial line on a pseudo-terminal -> emulated module."""

from __future__ import annotations

import os
import tty
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from functions.vending.modules import BRIDGE_TIMEOUT_VARIABLE, IOT_CORE_LIMITS_VARIABLE, clear_backends
from gridvend.iot.bridge_topics import bridge_common_name
from gridvend.iot.bridge_transport import MqttEndpoint
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.journal import Journal
from gridvend_bridge.module_emulator import ModuleEmulator, PtyModule
from gridvend_bridge.mqtt_agent import AgentTiming, BridgeAgent
from gridvend_bridge.serial_link import LinkTiming, ModuleLink, serial_port_opener
from gridvend_bridge.serial_module import SerialSecureModule
from gridvend_bridge.voucher_printer import SerialPrinterConfig, VoucherPrinter, escpos_raw_printer
from tests.api.conftest import api, api_app
from tests.fixtures.local_services import MqttBroker
from tests.stores import dynamodb_table, item_store
from tests.unit.secure import vectors

__all__ = ["api", "api_app", "dynamodb_table", "item_store"]

BRIDGE_TIMEOUT_SECONDS = 3
LINK_TIMING = LinkTiming(reply_timeout_seconds=0.5, attempts=3, reopen_pause_seconds=0.05, stall_seconds=0.1)
AGENT_TIMING = AgentTiming(heartbeat_seconds=3600, journal_retry_seconds=0.2, min_reconnect_delay_ms=200)


@dataclass
class Office:
    tenant: str
    office: str
    agent: BridgeAgent
    emulator: ModuleEmulator
    pty_module: PtyModule
    link: ModuleLink
    printer_fd: int


OfficeStarter = Callable[[str, str], Office]


@pytest.fixture
def cloud_reaches_bridges(mqtt_broker: MqttBroker, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The API's bridge backend connects to the test broker as the cloud client."""
    mqtt_broker.issue_cloud_client_cert()
    monkeypatch.setenv("GRIDVEND_MQTT_HOST", mqtt_broker.host)
    monkeypatch.setenv("GRIDVEND_MQTT_PORT", str(mqtt_broker.port))
    monkeypatch.setenv("GRIDVEND_PKI_DIR", str(mqtt_broker.pki_dir))
    monkeypatch.setenv(BRIDGE_TIMEOUT_VARIABLE, str(BRIDGE_TIMEOUT_SECONDS))
    monkeypatch.setenv(IOT_CORE_LIMITS_VARIABLE, "false")
    clear_backends()
    yield
    clear_backends()


@pytest.fixture
def start_office(mqtt_broker: MqttBroker, tmp_path: Path, cloud_reaches_bridges: None) -> Iterator[OfficeStarter]:
    """Starts (once per test) the bridge agent of one office of a tenant, with its serial secure module (the
    software module behind the emulator, holding the test transport key) and a voucher printer on a pty."""
    with ExitStack() as stack:

        def start(tenant: str, office: str) -> Office:
            emulator = ModuleEmulator(SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY), f"sm-{office}")
            pty_module = stack.enter_context(PtyModule(emulator, link=tmp_path / "ttySM0"))
            link = ModuleLink(serial_port_opener(pty_module.path), LINK_TIMING)
            stack.callback(link.close)
            printer_fd, printer_slave = os.openpty()
            tty.setraw(printer_slave)
            stack.callback(os.close, printer_slave)
            stack.callback(os.close, printer_fd)
            journal = Journal(tmp_path / f"journal-{uuid.uuid4().hex[:6]}.db")
            stack.callback(journal.close)
            cert, key = mqtt_broker.issue_client_cert(bridge_common_name(tenant, office))
            endpoint = MqttEndpoint(
                mqtt_broker.host,
                mqtt_broker.port,
                cert,
                key,
                mqtt_broker.ca_path,
                f"bridge-{office}-{uuid.uuid4().hex[:6]}",
                iot_core_limits=False,
            )
            printer = VoucherPrinter(escpos_raw_printer(SerialPrinterConfig(os.ttyname(printer_slave))))
            devices = OfficeDevices(module=SerialSecureModule(link), printer=printer)
            agent = BridgeAgent(endpoint, tenant, office, devices, journal, AGENT_TIMING)
            agent.start()
            stack.callback(agent.stop)
            assert agent.serving.wait(15), "the bridge agent did not connect to the broker"
            return Office(tenant, office, agent, emulator, pty_module, link, printer_fd)

        yield start
