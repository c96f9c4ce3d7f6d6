"""Round trips per second through the office bridge on loopback. Prints figures; asserts no timings.

    PYTHONPATH=. .venv/bin/python bench/bench_bridge.py [--requests 200]

Three figures for the same credit token request, measured in this run:
  module      the software secure module called in-process (the floor: the token itself)
  serial      agent -> framed serial protocol on a pseudo-terminal -> emulated module
  cloud       cloud -> mosquitto (MQTT 5, TLS) -> agent -> serial -> emulated module -> and back
Starts its own mosquitto on a free loopback port and stops it by pid. The clients connect without IoT Core's
client-side flow control (MqttEndpoint.iot_core_limits), as the local stack's do: it spaces publishes 10 ms apart.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from gridvend.iot.bridge_topics import bridge_common_name
from gridvend.iot.bridge_transport import MqttBridgeTransport, MqttEndpoint
from gridvend.secure.bridge_module import BridgeSecureModule
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import KeyFile, TransportKey, seal_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.vending_key import VendingKeyInfo, VendingKeyType
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import CreditToken
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.journal import Journal
from gridvend_bridge.module_emulator import ModuleEmulator, PtyModule
from gridvend_bridge.mqtt_agent import AgentTiming, BridgeAgent
from gridvend_bridge.serial_link import ModuleLink, serial_port_opener
from gridvend_bridge.serial_module import SerialSecureModule
from infra.local.mosquitto import CLOUD_CLIENT_COMMON_NAME, mosquitto_spec
from infra.local.pki import ca_cert_path, ensure_server_cert, issue_client_cert
from infra.local.supervisor import Supervisor, start_on_free_port

# Made up for the benchmark: a throwaway transport key and vending key.
TRANSPORT_KEY = TransportKey("tk-bench", SecretBytes(bytes(range(32))))
MASTER_KEY = SecretBytes(bytes(range(64, 96)))
KEY_INFO = VendingKeyInfo("123456", 1, VendingKeyType.CREDIT, dkga=2, current=True)
METER = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=1)


def _module() -> SoftwareSecureModule:
    module = SoftwareSecureModule(MASTER_KEY, TRANSPORT_KEY)
    module.load_key_file(_key_file())
    return module


def _key_file() -> KeyFile:
    return seal_key_file([(KEY_INFO, SecretBytes.from_hex("abababababababab"))], TRANSPORT_KEY, issuer="bench")


def _per_second(module: SecureModule, requests: int) -> float:
    def token(number: int) -> str:
        return module.issue_token(METER, CreditToken(subclass=0, tid=6_000_000 + number, random=1, amount=Decimal("5")))

    token(0)  # warm up (connections, caches)
    start = time.perf_counter()
    for number in range(1, requests + 1):
        token(number)
    return requests / (time.perf_counter() - start)


def _endpoint(pki_dir: Path, host: str, port: int, common_name: str) -> MqttEndpoint:
    cert, key = issue_client_cert(pki_dir, common_name)
    client_id = f"{common_name.replace('/', '-')}-{uuid.uuid4().hex[:6]}"
    return MqttEndpoint(host, port, cert, key, ca_cert_path(pki_dir), client_id, iot_core_limits=False)


def _report(label: str, rate: float, floor: float) -> None:
    print(
        f"{label:<8} {rate:10.1f} round trips/s  {1000 / rate:8.2f} ms each  ({rate / floor:.3f} of the module floor)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    requests: int = arguments.requests

    floor = _per_second(_module(), requests)
    _report("module", floor, floor)

    with tempfile.TemporaryDirectory(prefix="bench-bridge-") as scratch:
        state = Path(scratch)
        with PtyModule(ModuleEmulator(_module(), "sm-bench"), link=state / "ttySM0") as pty_module:
            serial_module = SerialSecureModule(ModuleLink(serial_port_opener(pty_module.path)))
            _report("serial", _per_second(serial_module, requests), floor)
            _report("cloud", _through_the_cloud(state, serial_module, requests), floor)
            serial_module.close()


def _through_the_cloud(state: Path, serial_module: SerialSecureModule, requests: int) -> float:
    pki_dir = state / "pki"
    ensure_server_cert(pki_dir)
    supervisor = Supervisor(state)
    journal = Journal(state / "journal.db")
    try:
        broker = start_on_free_port(supervisor, lambda port: mosquitto_spec(state / "mosquitto", pki_dir, port))
        tenant, office = "bench", "hq"
        agent = BridgeAgent(
            _endpoint(pki_dir, broker.host, broker.port, bridge_common_name(tenant, office)),
            tenant,
            office,
            OfficeDevices(module=serial_module),
            journal,
            AgentTiming(heartbeat_seconds=3600),
        )
        agent.start()
        cloud_endpoint = _endpoint(pki_dir, broker.host, broker.port, CLOUD_CLIENT_COMMON_NAME)
        with MqttBridgeTransport(cloud_endpoint, timeout_seconds=10) as transport:
            if not agent.serving.wait(20):
                raise RuntimeError("the bridge agent did not connect to the benchmark's broker")
            stop_agent: Callable[[], None] = agent.stop
            try:
                return _per_second(BridgeSecureModule(transport, tenant, office), requests)
            finally:
                stop_agent()
    finally:
        journal.close()
        supervisor.stop_all()


if __name__ == "__main__":
    main()
