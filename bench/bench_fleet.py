"""How many simulated meters one process keeps connected (each module its own MQTT connection with its
own certificate, mutual TLS, as firmware would) and reporting every minute.

Run: PYTHONPATH=. .venv/bin/python bench/bench_fleet.py [--meters N] [--window SECONDS]
Prints figures only; it never passes or fails on speed. The goal is 2,000 meters. A private mosquitto
(TLS, the local CA, the ACL of the local stack) is started on a free loopback port and stopped by its pid.
Each meter reports once a minute of simulated time at real-time speed, its first report at a random
moment of the first minute; a cloud-side subscriber counts which meters were heard in a full minute
after that plus one turn of the fleet's loop (the measurement window: a report due at the window's last moment is
sent at the loop's next turn), next to how many connected. Floor: the same subscriber's count of
the readings it received against the number the fleet published in the window.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from awscrt import mqtt

from gridvend.iot.mqtt_publisher import cloud_connection
from gridvend.store.ami.things import ThingKind
from gridvend.store.memory import MemoryItemStore
from infra.local.mosquitto import CLOUD_CLIENT_COMMON_NAME, mosquitto_spec
from infra.local.pki import ensure_server_cert, issue_client_cert
from infra.local.supervisor import Supervisor, start_on_free_port
from iot.provisioning.provision import Provisioner
from iot.sim.fleet import Fleet, FleetConfig
from iot.sim.link import Credentials


class Listener:
    """The cloud side: which meter was heard when."""

    def __init__(self) -> None:
        self.heard: dict[str, float] = {}
        self.counted = 0
        self.window: tuple[float, float] = (float("inf"), float("inf"))
        self.in_window: set[str] = set()
        self._lock = threading.Lock()

    def received(self, topic: str, payload: bytes, **_: Any) -> None:
        now = time.monotonic()
        meter = json.loads(payload)["meter"]
        with self._lock:
            self.heard[meter] = now
            if self.window[0] <= now < self.window[1]:
                self.counted += 1
                self.in_window.add(meter)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meters", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds of the measurement window")
    arguments = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    pki = state / "pki"
    ensure_server_cert(pki)
    issue_client_cert(pki, CLOUD_CLIENT_COMMON_NAME)
    supervisor = Supervisor(state)
    try:
        broker = start_on_free_port(supervisor, lambda port: mosquitto_spec(state / "mosquitto", pki, port=port))
        listener = Listener()
        cloud = cloud_connection(broker.host, broker.port, pki, "bench-fleet-listener")
        cloud.connect().result(30)
        cloud.subscribe("gv/+/+/up/reading", mqtt.QoS.AT_MOST_ONCE, listener.received)[0].result(30)
        provisioner = Provisioner(MemoryItemStore(), pki, None)

        def provision(thing_id: str, kind: ThingKind, meters: list[str]) -> Credentials:
            made = provisioner.provision("bench", thing_id, kind, meters)
            return Credentials(made.cert_path, made.key_path, made.ca_path)

        config = FleetConfig(tenant_id="bench", meters=arguments.meters, speed=1.0, report_seconds=60.0,
                             tick_seconds=1.0, initial_credit_kwh=500)
        fleet = Fleet(config, broker.host, broker.port, provision)
        started = time.monotonic()
        fleet.connect()
        connected_in = time.monotonic() - started
        print(f"{len(fleet.things)} modules provisioned and connected in {connected_in:.1f} s")
        stop = threading.Event()
        loop = threading.Thread(target=fleet.run, args=(stop,), daemon=True)
        loop.start()
        first_minute_ends = time.monotonic() + 62.0  # every meter's first report falls in its first minute
        time.sleep(max(0.0, first_minute_ends - time.monotonic()))
        published_before = fleet.stats.readings
        window_start = time.monotonic()
        window = arguments.window + config.tick_seconds
        listener.window = (window_start, window_start + window)
        time.sleep(window)
        published = fleet.stats.readings - published_before
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        stop.set()
        loop.join(timeout=30)
        fleet.disconnect()
        cloud.disconnect().result(30)
        reporting = len(listener.in_window)
        print(f"meters heard from in a {window:.0f} s window: {reporting} of {arguments.meters}"
              f" (goal >= 2000 connected and reporting every minute)")
        print(f"readings: {published} published in the window, {listener.counted} received (floor: all of them)")
        print(f"process: {cpu.ru_maxrss / 1024:.0f} MB peak memory, {cpu.ru_utime + cpu.ru_stime:.1f} s CPU in all,"
              f" {fleet.stats.publish_errors} publish errors")
        print(json.dumps({"meters": arguments.meters, "reporting": reporting, "connect_seconds": round(connected_in, 1),
                          "published": published, "received": listener.counted}))
    finally:
        supervisor.stop_all()


if __name__ == "__main__":
    main()
