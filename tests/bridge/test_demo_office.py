"""`make up`'s demo office (infra/local/demo_bridge.py): the emulated module and the bridge agent start as the
stack starts them, from the CLI, and the cloud makes tokens with the demo's published test key through them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gridvend.iot.bridge_transport import MqttBridgeTransport, MqttEndpoint
from gridvend.secure.bridge_module import BridgeSecureModule
from infra.local.demo_bridge import DEMO_OFFICE, DEMO_TENANT, demo_bridge_specs
from infra.local.ports import free_port
from infra.local.supervisor import Supervisor
from tests.fixtures.local_services import MqttBroker
from tests.unit.secure import vectors

pytestmark = pytest.mark.e2e


def test_the_demo_office_serves_the_demo_key_through_its_agent(mqtt_broker: MqttBroker, tmp_path: Path) -> None:
    env = {
        "GRIDVEND_STATE_DIR": str(tmp_path),
        "GRIDVEND_PKI_DIR": str(mqtt_broker.pki_dir),
        "GRIDVEND_MQTT_HOST": mqtt_broker.host,
        "GRIDVEND_MQTT_PORT": str(mqtt_broker.port),
    }
    cert, key = mqtt_broker.issue_cloud_client_cert()
    cloud = MqttEndpoint(
        mqtt_broker.host, mqtt_broker.port, cert, key, mqtt_broker.ca_path, f"cloud-{uuid.uuid4().hex[:8]}", False
    )
    supervisor = Supervisor(tmp_path / "supervised")
    try:
        for spec in demo_bridge_specs(env, module_port=free_port(), agent_port=free_port()):
            supervisor.start(spec)
        with MqttBridgeTransport(cloud, timeout_seconds=5) as transport:
            office = BridgeSecureModule(transport, DEMO_TENANT, DEMO_OFFICE)

            keys = office.list_keys()
            token = office.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

        listed = sorted((info.sgc, info.krn, info.current) for info in keys)
        assert listed == [("123456", 1, True), ("123456", 2, False)]
        assert token == vectors.CTSA01_TOKEN  # the published test vector: the demo key is the STS test key
    finally:
        supervisor.stop_all()
    assert (tmp_path / "bridge" / "bridge.toml").stat().st_mode & 0o077 == 0
