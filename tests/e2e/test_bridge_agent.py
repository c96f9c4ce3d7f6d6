"""The office bridge agent end to end: cloud -> mosquitto (MQTT 5, TLS client certificates) -> agent
-> emulated secure module on a pseudo-terminal, voucher printer on a pseudo-terminal, emulated card."""

from __future__ import annotations

import dataclasses
import json
import os
import select
import tty
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gridvend.iot.bridge_devices import DeviceErrorCode, DeviceOperation, DeviceRequest, Voucher
from gridvend.iot.bridge_topics import bridge_common_name
from gridvend.iot.bridge_transport import MqttBridgeTransport, MqttEndpoint
from gridvend.secure.bridge_module import BridgeSecureModule
from gridvend.secure.errors import BridgeTimeout, SecureModuleUnavailable
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.sts.token_requests import CreditToken
from gridvend_bridge.cards.card_service import CardService
from gridvend_bridge.cards.emulated_card import EmulatedCard, EmulatedReader
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.journal import Journal
from gridvend_bridge.module_emulator import ModuleEmulator, PtyModule
from gridvend_bridge.mqtt_agent import AgentTiming, BridgeAgent
from gridvend_bridge.serial_link import LinkTiming, ModuleLink, serial_port_opener
from gridvend_bridge.serial_module import SerialSecureModule
from gridvend_bridge.voucher_printer import SerialPrinterConfig, VoucherPrinter, escpos_raw_printer, render_voucher
from tests.fixtures.local_services import MqttBroker
from tests.unit.secure import vectors

pytestmark = pytest.mark.e2e

CARD_PIN = b"24681357"
LINK_TIMING = LinkTiming(reply_timeout_seconds=0.5, attempts=3, reopen_pause_seconds=0.05, stall_seconds=0.1)
AGENT_TIMING = AgentTiming(heartbeat_seconds=3600, journal_retry_seconds=0.2, min_reconnect_delay_ms=200)


def _endpoint(broker: MqttBroker, common_name: str, host: str | None = None, port: int | None = None) -> MqttEndpoint:
    cert, key = broker.issue_client_cert(common_name)
    client_id = f"{common_name.replace('/', '-')}-{uuid.uuid4().hex[:6]}"
    return MqttEndpoint(host or broker.host, port or broker.port, cert, key, broker.ca_path, client_id)


def _drain(fd: int) -> bytes:
    received = bytearray()
    while select.select([fd], [], [], 0.3)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        received.extend(chunk)
    return bytes(received)


@dataclass
class Office:
    tenant: str
    office: str
    agent: BridgeAgent
    emulator: ModuleEmulator
    pty_module: PtyModule
    printer_fd: int
    reader: EmulatedReader
    journal: Journal


@pytest.fixture
def office(mqtt_broker: MqttBroker, tmp_path: Path) -> Iterator[Office]:
    tenant, office_id = f"t{uuid.uuid4().hex[:10]}", "hq"
    emulator = ModuleEmulator(SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY), "sm-e2e")
    printer_fd, printer_slave = os.openpty()
    tty.setraw(printer_slave)
    reader = EmulatedReader()
    journal = Journal(tmp_path / "journal.db")
    with PtyModule(emulator, link=tmp_path / "ttySM0") as pty_module:
        module = SerialSecureModule(ModuleLink(serial_port_opener(pty_module.path), LINK_TIMING))
        devices = OfficeDevices(
            module=module,
            printer=VoucherPrinter(escpos_raw_printer(SerialPrinterConfig(os.ttyname(printer_slave)))),
            cards=CardService(reader, CARD_PIN),
        )
        agent = BridgeAgent(
            _endpoint(mqtt_broker, bridge_common_name(tenant, office_id)),
            tenant,
            office_id,
            devices,
            journal,
            AGENT_TIMING,
        )
        agent.start()
        assert agent.serving.wait(15), "the agent did not connect to the broker"
        try:
            yield Office(tenant, office_id, agent, emulator, pty_module, printer_fd, reader, journal)
        finally:
            agent.stop()
            module.close()
            journal.close()
            os.close(printer_fd)
            os.close(printer_slave)


@pytest.fixture
def cloud(mqtt_broker: MqttBroker) -> Iterator[MqttBridgeTransport]:
    with MqttBridgeTransport(_endpoint(mqtt_broker, "gridvend-cloud"), timeout_seconds=5) as transport:
        yield transport


def _credit(tid: int) -> CreditToken:
    return CreditToken(subclass=0, tid=tid, random=3, amount=Decimal("31.7"))


def _device_request(office: Office, op: DeviceOperation, **args: object) -> DeviceRequest:
    return DeviceRequest.model_validate(
        {"op": op, "args": args, "correlation_id": uuid.uuid4().hex, "office": office.office, "tenant": office.tenant}
    )


def test_tokens_made_at_the_office_equal_the_software_backends(office: Office, cloud: MqttBridgeTransport) -> None:
    remote = BridgeSecureModule(cloud, office.tenant, office.office)
    software = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY)
    software.load_key_file(vectors.sealed_key_file())

    installed = remote.load_key_file(vectors.sealed_key_file())

    assert {info.ref for info in installed} == {info.ref for info in vectors.ALL_INFOS}
    for tid, meter in ((5872001, vectors.DKGA02_METER), (5872002, vectors.DKGA04_METER)):
        assert remote.issue_token(meter, _credit(tid)) == software.issue_token(meter, _credit(tid))
    old, new = vectors.DKGA02_METER, dataclasses.replace(vectors.DKGA02_METER, krn=2)
    assert remote.key_change(old, new) == software.key_change(old, new)


def test_a_request_for_another_office_is_refused(office: Office, cloud: MqttBridgeTransport) -> None:
    request = {"op": "list_keys", "args": {}, "correlation_id": uuid.uuid4().hex, "tenant": office.tenant}

    for_branch = cloud.send_raw(office.tenant, office.office, json.dumps({**request, "office": "branch-2"}))
    other_tenant = cloud.send_raw(
        office.tenant, office.office, json.dumps({**request, "tenant": "t-other", "office": office.office})
    )

    for answer in (for_branch, other_tenant):
        assert answer is not None and answer["ok"] is False and answer["error"]["code"] == "WRONG_OFFICE"
    assert office.emulator.performed["list_keys"] == 0


def test_another_tenants_office_of_the_same_name_never_gets_the_request(
    office: Office, cloud: MqttBridgeTransport
) -> None:
    stranger = BridgeSecureModule(cloud, f"t{uuid.uuid4().hex[:10]}", office.office)

    with pytest.raises(BridgeTimeout):
        stranger.list_keys()
    assert office.emulator.performed["list_keys"] == 0


def test_unplugged_module_gives_the_cloud_a_clear_error_and_one_token(
    office: Office, cloud: MqttBridgeTransport
) -> None:
    remote = BridgeSecureModule(cloud, office.tenant, office.office)
    remote.load_key_file(vectors.sealed_key_file())
    office.emulator.before_answer = lambda op: office.pty_module.unplug() if op == "issue_token" else None

    with pytest.raises(SecureModuleUnavailable):
        remote.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

    office.emulator.before_answer = None
    office.pty_module.plug_in()
    assert remote.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN
    assert office.emulator.performed["issue_token"] == 2  # once unanswered, once answered: the same token


def test_the_printer_receives_the_voucher_and_the_cloud_hears_of_it(office: Office, cloud: MqttBridgeTransport) -> None:
    voucher = Voucher(
        receipt_no=f"R-{uuid.uuid4().hex[:8]}",
        issued_at=datetime.now(UTC),
        utility="Demo Power",
        meter_serial="01234567890",
        tokens=[vectors.CTSA01_TOKEN],
        energy=Decimal("0.10"),
        amount_paid=Decimal("0.02"),
    )

    response = cloud.device_call(
        _device_request(office, DeviceOperation.PRINT_VOUCHER, voucher=voucher.model_dump(mode="json"))
    )

    assert response.ok, response.error
    assert _drain(office.printer_fd) == render_voucher(voucher)


def test_a_purchase_goes_onto_the_consumer_card(office: Office, cloud: MqttBridgeTransport) -> None:
    office.reader.insert(EmulatedCard("CARD-0001", CARD_PIN))
    consumer = {"kind": "consumer", "utility": "demo", "meter_serial": "M-1", "customer_code": "C-1"}
    made = cloud.device_call(_device_request(office, DeviceOperation.MAKE_CARD, content=consumer))
    assert made.ok, made.error
    purchase = {"sequence": 1, "energy": "12.50", "amount": "10.00", "at": datetime.now(UTC).isoformat()}

    written = cloud.device_call(
        _device_request(office, DeviceOperation.WRITE_PURCHASE, meter_serial="M-1", purchase=purchase)
    )

    assert written.ok, written.error
    assert isinstance(written.result, dict) and isinstance(written.result["content"], dict)
    assert written.result["content"]["pending"] == "12.50"
    wrong_meter = cloud.device_call(
        _device_request(
            office, DeviceOperation.WRITE_PURCHASE, meter_serial="M-2", purchase={**purchase, "sequence": 2}
        )
    )
    assert wrong_meter.error is not None and wrong_meter.error.code is DeviceErrorCode.CARD_REFUSED
