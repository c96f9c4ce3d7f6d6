"""`python -m infra.local.demo_feeder`: the demo topology's master meters (infra/local/demo_grid.py) on the local
stack, so the line-loss reports have something to show. One concentrator thing, FEEDER1, serves both master
meters: it listens to the fleet's readings (with the cloud's certificate, as an observer) and publishes, with its
own device certificate, what each master meter reads (infra/local/feeder_model.py). `make up` starts it before the
fleet, so it hears the fleet's first readings. Ready when its loopback health port opens; SIGTERM stops it."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from awscrt import mqtt
from pydantic import ValidationError

from gridvend.iot.messages import ReadingMessage, wire_json
from gridvend.iot.mqtt_publisher import cloud_connection
from gridvend.iot.topics import UPLINK_FILTER, Channel, iot_thing_name, parse_uplink_topic, uplink_topic
from gridvend.store.ami.things import ThingKind
from infra.local.demo_grid import DEMO_NODES
from infra.local.feeder_model import FeederModel, MasteredNode, MasterReading
from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

log = logging.getLogger("gridvend.demo_feeder")
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
HEALTH_PORT = 8014
FEEDER_THING = "FEEDER1"
TICK_SECONDS = 0.05  # the masters read right after the meters below them: the line-loss figures barely lag
RESULT_TIMEOUT_SECONDS = 30.0


def demo_nodes() -> list[MasteredNode]:
    """The demo topology's nodes, children first; a child's master meter counts below its parent."""
    children: dict[str, list[str]] = {}
    for node in DEMO_NODES:
        if node.parent_code is not None:
            children.setdefault(node.parent_code, []).append(node.master_meter)
    return [MasteredNode(node.master_meter, (*node.meters, *children.get(node.code, [])), node.loss_share)
            for node in DEMO_NODES]


def demo_feeder_spec(env: Mapping[str, str], tenant_id: str = "demo", port: int = HEALTH_PORT) -> ServiceSpec:
    return ServiceSpec(
        name="demo-feeder",
        command=[sys.executable, "-m", "infra.local.demo_feeder", "--tenant", tenant_id, "--health-port", str(port)],
        port=port,
        host=LOOPBACK,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=60.0,
    )


class Feeder:
    def __init__(self, tenant_id: str, model: FeederModel, observer: Any, device: Any) -> None:
        self._tenant_id = tenant_id
        self._model = model
        self._lock = threading.Lock()
        self._observer, self._device = observer, device
        self.published = 0

    def start(self) -> None:
        self._device.connect().result(RESULT_TIMEOUT_SECONDS)
        self._observer.connect().result(RESULT_TIMEOUT_SECONDS)
        subscribed, _ = self._observer.subscribe(UPLINK_FILTER, mqtt.QoS.AT_LEAST_ONCE, self._received)
        subscribed.result(RESULT_TIMEOUT_SECONDS)

    def _received(self, topic: str, payload: bytes, **_: Any) -> None:
        try:
            where = parse_uplink_topic(topic)
            if where.tenant_id != self._tenant_id or where.channel is not Channel.READING:
                return
            reading = ReadingMessage.model_validate_json(payload)
        except (ValueError, ValidationError):
            return
        with self._lock:
            self._model.observe(reading.meter, reading.at, reading.registers)

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(TICK_SECONDS):
            with self._lock:
                due = self._model.due()
            for reading in due:
                try:
                    self._publish(reading)
                except Exception:  # a lost connection: the next reading goes out once it is back
                    log.warning("feeder: publishing %s failed", reading.meter, exc_info=True)

    def _publish(self, reading: MasterReading) -> None:
        message = ReadingMessage(msg_id=uuid.uuid4().hex, meter=reading.meter, at=reading.at,
                                 registers=reading.registers)
        topic = uplink_topic(self._tenant_id, FEEDER_THING, Channel.READING)
        self._device.publish(topic, wire_json(message), mqtt.QoS.AT_LEAST_ONCE)
        self.published += 1

    def stop(self) -> None:
        for connection in (self._observer, self._device):
            try:
                connection.disconnect().result(RESULT_TIMEOUT_SECONDS)
            except Exception:
                log.warning("feeder: disconnect failed", exc_info=True)


def main(argv: list[str] | None = None) -> int:
    from awsiot import mqtt_connection_builder

    from iot.provisioning.provision import Provisioner
    from iot.router.environment import aws_client, local_env, table_store
    from iot.router.health import HealthPort

    parser = argparse.ArgumentParser(prog="python -m infra.local.demo_feeder", description=__doc__)
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--health-port", type=int, default=0)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    env = local_env()
    host, port, pki_dir = env["GRIDVEND_MQTT_HOST"], int(env["GRIDVEND_MQTT_PORT"]), Path(env["GRIDVEND_PKI_DIR"])
    nodes = demo_nodes()
    made = Provisioner(table_store(env), pki_dir, aws_client(env, "iot")).provision(
        arguments.tenant, FEEDER_THING, ThingKind.CONCENTRATOR, [node.master_meter for node in nodes])
    device = mqtt_connection_builder.mtls_from_path(
        endpoint=host, port=port, cert_filepath=str(made.cert_path), pri_key_filepath=str(made.key_path),
        ca_filepath=str(made.ca_path), client_id=iot_thing_name(arguments.tenant, FEEDER_THING), clean_session=True,
        keep_alive_secs=60, enable_metrics_collection=False,
    )
    observer = cloud_connection(host, port, pki_dir, f"gridvend-cloud-feeder-{uuid.uuid4().hex[:10]}")
    feeder = Feeder(arguments.tenant, FeederModel(nodes), observer, device)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    feeder.start()
    health = HealthPort(LOOPBACK, arguments.health_port) if arguments.health_port else None
    if health:
        health.start()
    log.info("feeder: master meters %s of tenant %s", ", ".join(node.master_meter for node in nodes), arguments.tenant)
    try:
        feeder.run(stop)
    finally:
        if health:
            health.close()
        feeder.stop()
        log.info("feeder: %d master readings published", feeder.published)
    return 0


if __name__ == "__main__":
    sys.exit(main())
