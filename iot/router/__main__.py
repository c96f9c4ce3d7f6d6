"""`python -m iot.router`: the local cloud side of the devices (uplinks into ingest, the table stream
into rollups, the command sweeper), on the services of a running `make up`. Stops on Ctrl-C / SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from functions.commands.context import CommandContext
from gridvend.iot.mqtt_publisher import MqttPublisher
from gridvend.iot.publishing import IotShadowStore
from gridvend.store.ami.firmware import S3ObjectStore
from iot.router.environment import aws_client, local_env, table_store
from iot.router.health import HealthPort
from iot.router.local_cloud import LocalCloud

DEFAULT_HEALTH_PORT = 8011


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iot.router", description=__doc__)
    parser.add_argument("--health-port", type=int, default=DEFAULT_HEALTH_PORT,
                        help="loopback port that accepts once the router is ready (0: none)")
    parser.add_argument("--sweep-seconds", type=float, default=5.0)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = local_env()
    context = CommandContext(
        store=table_store(env),
        publisher=MqttPublisher(
            env["GRIDVEND_MQTT_HOST"], int(env["GRIDVEND_MQTT_PORT"]), Path(env["GRIDVEND_PKI_DIR"])
        ),
        shadows=IotShadowStore(aws_client(env, "iot-data")),
        objects=S3ObjectStore(aws_client(env, "s3"), env.get("GRIDVEND_FIRMWARE_BUCKET", "gridvend-firmware")),
    )
    cloud = LocalCloud(context, env, sweep_seconds=arguments.sweep_seconds)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    cloud.start()
    health = HealthPort(env["GRIDVEND_MQTT_HOST"], arguments.health_port) if arguments.health_port else None
    if health:
        health.start()
    print(f"router: uplinks from mqtts://{env['GRIDVEND_MQTT_HOST']}:{env['GRIDVEND_MQTT_PORT']} into ingest",
          flush=True)
    try:
        while not stop.wait(30):
            stats = cloud.router.stats
            print(f"router: {stats.received} uplinks, {stats.batches} batches, {stats.dropped} dropped; "
                  f"{cloud.stream.delivered} stream records", flush=True)
    finally:
        if health:
            health.close()
        cloud.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
