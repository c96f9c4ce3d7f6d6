"""The local stack's command path: publish to mosquitto over mutual TLS as the cloud client
(certificate CN "gridvend-cloud", which the broker lets reach every gv/ topic). Development only: it
needs awsiotsdk, which the Lambda layer does not ship; in the cloud IotDataPublisher does this job.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from gridvend.iot.messages import CommandMessage, wire_json
from gridvend.iot.topics import command_topic

CLOUD_COMMON_NAME = "gridvend-cloud"
RESULT_TIMEOUT_SECONDS = 15.0


def cloud_cert_paths(pki_dir: Path) -> tuple[Path, Path]:
    """Where the local CA (infra/local/pki.py) keeps the cloud client's certificate and key."""
    cert = os.environ.get("GRIDVEND_MQTT_CLOUD_CERT")
    key = os.environ.get("GRIDVEND_MQTT_CLOUD_KEY")
    if cert and key:
        return Path(cert), Path(key)
    return pki_dir / "clients" / f"{CLOUD_COMMON_NAME}.pem", pki_dir / "clients" / f"{CLOUD_COMMON_NAME}.key"


def cloud_connection(host: str, port: int, pki_dir: Path, client_id: str, **callbacks: Any) -> Any:
    """An unconnected awscrt MQTT connection with the cloud client's certificate."""
    from awsiot import mqtt_connection_builder

    cert_path, key_path = cloud_cert_paths(pki_dir)
    return mqtt_connection_builder.mtls_from_path(
        endpoint=host,
        port=port,
        cert_filepath=str(cert_path),
        pri_key_filepath=str(key_path),
        ca_filepath=str(pki_dir / "ca.pem"),
        client_id=client_id,
        clean_session=True,
        keep_alive_secs=30,
        enable_metrics_collection=False,
        **callbacks,
    )


class MqttPublisher:
    """One connection, opened on first use and shared by every thread of the process."""

    def __init__(self, host: str, port: int, pki_dir: Path) -> None:
        self._host, self._port, self._pki_dir = host, port, pki_dir
        self._connection: Any = None
        self._lock = threading.Lock()

    def _connected(self) -> Any:
        with self._lock:
            if self._connection is None:
                connection = cloud_connection(
                    self._host, self._port, self._pki_dir, f"{CLOUD_COMMON_NAME}-pub-{uuid.uuid4().hex[:12]}"
                )
                connection.connect().result(RESULT_TIMEOUT_SECONDS)
                self._connection = connection
            return self._connection

    def publish(self, tenant_id: str, thing_id: str, command: CommandMessage) -> None:
        from awscrt import mqtt

        published, _ = self._connected().publish(
            command_topic(tenant_id, thing_id), wire_json(command), mqtt.QoS.AT_LEAST_ONCE
        )
        published.result(RESULT_TIMEOUT_SECONDS)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.disconnect().result(RESULT_TIMEOUT_SECONDS)
                self._connection = None


@functools.lru_cache(maxsize=4)
def _publisher_for(host: str, port: int, pki_dir: str) -> MqttPublisher:
    return MqttPublisher(host, port, Path(pki_dir))


def shared_mqtt_publisher() -> MqttPublisher:
    env = os.environ
    port = int(env.get("GRIDVEND_MQTT_PORT", "8883"))
    return _publisher_for(env["GRIDVEND_MQTT_HOST"], port, env["GRIDVEND_PKI_DIR"])
