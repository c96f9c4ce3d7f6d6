"""The bridge agent through a broker outage: what happened at the office while the cloud was out of
reach reaches the cloud in order once the broker is back; the cloud's request meanwhile times out
with a clear error. Uses its own mosquitto (stopped and started again by pid on the same port)."""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gridvend.iot.bridge_devices import DeviceOperation, DeviceRequest, Voucher
from gridvend.iot.bridge_topics import BridgeChannel, BridgeUplink, bridge_common_name
from gridvend.iot.bridge_transport import MqttBridgeTransport, MqttEndpoint
from gridvend.secure.errors import BridgeFailure
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.journal import Journal
from gridvend_bridge.mqtt_agent import AgentTiming, BridgeAgent
from gridvend_bridge.voucher_printer import VoucherPrinter
from infra.local.mosquitto import CLOUD_CLIENT_COMMON_NAME, SERVICE_NAME, mosquitto_spec
from infra.local.pki import ca_cert_path, ensure_server_cert, issue_client_cert
from infra.local.supervisor import Supervisor, start_on_free_port

pytestmark = pytest.mark.e2e

WAIT_SECONDS = 20.0


class PrivateBroker:
    def __init__(self, state_dir: Path) -> None:
        self.pki_dir = state_dir / "pki"
        ensure_server_cert(self.pki_dir)
        self._config_dir = state_dir / "mosquitto"
        self._supervisor = Supervisor(state_dir)
        service = start_on_free_port(
            self._supervisor, lambda port: mosquitto_spec(self._config_dir, self.pki_dir, port)
        )
        self.host, self.port = service.host, service.port

    def stop(self) -> None:
        self._supervisor.stop(SERVICE_NAME)

    def start_again(self) -> None:
        self._supervisor.start(mosquitto_spec(self._config_dir, self.pki_dir, self.port))

    def endpoint(self, common_name: str) -> MqttEndpoint:
        cert, key = issue_client_cert(self.pki_dir, common_name)
        client_id = f"{common_name.replace('/', '-')}-{uuid.uuid4().hex[:6]}"
        return MqttEndpoint(self.host, self.port, cert, key, ca_cert_path(self.pki_dir), client_id)

    def close(self) -> None:
        self._supervisor.stop_all()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateBroker]:
    private = PrivateBroker(tmp_path / "broker")
    try:
        yield private
    finally:
        private.close()


def _voucher(receipt_no: str) -> dict[str, Any]:
    voucher = Voucher(
        receipt_no=receipt_no,
        issued_at=datetime.now(UTC),
        utility="Demo Power",
        meter_serial="01234567890",
        tokens=["23716100501183194197"],
        energy=Decimal("0.10"),
        amount_paid=Decimal("0.02"),
    )
    return voucher.model_dump(mode="json")


def test_vouchers_printed_during_an_outage_reach_the_cloud_in_order(broker: PrivateBroker, tmp_path: Path) -> None:
    tenant, office = f"t{uuid.uuid4().hex[:10]}", "hq"
    journal_events: queue.Queue[dict[str, Any]] = queue.Queue()

    def on_uplink(uplink: BridgeUplink, message: dict[str, Any]) -> None:
        if uplink.channel is BridgeChannel.JOURNAL and uplink.tenant == tenant:
            journal_events.put(message)

    printed: list[bytes] = []

    def printer(data: bytes) -> None:
        printed.append(data)
        if len(printed) == 2:
            broker.stop()  # the line to the cloud goes down while the second voucher prints

    journal_path = tmp_path / "journal.db"
    devices = OfficeDevices(printer=VoucherPrinter(printer))
    timing = AgentTiming(heartbeat_seconds=3600, journal_retry_seconds=0.2, min_reconnect_delay_ms=200)

    def office_agent(journal: Journal) -> BridgeAgent:
        endpoint = broker.endpoint(bridge_common_name(tenant, office))
        return BridgeAgent(endpoint, tenant, office, devices, journal, timing)

    journal = Journal(journal_path)
    agent = office_agent(journal)
    cloud = MqttBridgeTransport(broker.endpoint(CLOUD_CLIENT_COMMON_NAME), timeout_seconds=3, on_uplink=on_uplink)
    agent.start()
    cloud.start()
    try:
        assert agent.serving.wait(WAIT_SECONDS)

        def print_request(receipt_no: str) -> DeviceRequest:
            return DeviceRequest(
                op=DeviceOperation.PRINT_VOUCHER,
                args={"voucher": _voucher(receipt_no)},
                correlation_id=f"print-{receipt_no}",
                office=office,
                tenant=tenant,
            )

        assert cloud.device_call(print_request("R-1")).ok
        assert journal_events.get(timeout=WAIT_SECONDS)["correlation_id"] == "print-R-1"

        with pytest.raises(BridgeFailure):  # BridgeTimeout: the answer never came back
            cloud.device_call(print_request("R-2"))
        assert len(printed) == 2
        assert [event.body["correlation_id"] for event in journal.pending_events()] == ["print-R-2"]

        # The office PC is restarted too; the journal on disk is all that remains of the outage.
        agent.stop()
        journal.close()
        broker.start_again()
        assert cloud.subscribed.wait(WAIT_SECONDS)
        journal = Journal(journal_path)
        agent = office_agent(journal)
        agent.start()
        assert agent.serving.wait(WAIT_SECONDS)
        replayed = journal_events.get(timeout=WAIT_SECONDS)
        assert replayed["correlation_id"] == "print-R-2" and replayed["kind"] == "voucher_printed"

        assert cloud.device_call(print_request("R-3")).ok
        assert journal_events.get(timeout=WAIT_SECONDS)["correlation_id"] == "print-R-3"
        deadline = time.monotonic() + WAIT_SECONDS
        while journal.backlog() and time.monotonic() < deadline:
            time.sleep(0.05)  # the agent removes an event once the broker has acknowledged it
        assert journal.backlog() == 0
    finally:
        cloud.close()
        agent.stop()
        journal.close()
