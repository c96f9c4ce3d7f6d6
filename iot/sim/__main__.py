"""`python -m iot.sim --tenant demo --meters 20`: a fleet of simulated meters on the local stack.

Each module (or concentrator, with --per-concentrator) is provisioned (certificate from the local CA,
IoT thing on moto server, registered in the tenant's table), connects with its own certificate and
reports every --report-seconds of simulated time; --speed runs simulated time faster (it starts
--backlog-hours in the past and never passes the wall clock). Ctrl-C or SIGTERM stops it."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

from gridvend.store.ami.things import ThingKind
from iot.provisioning.provision import Provisioner
from iot.router.environment import aws_client, local_env, table_store
from iot.router.health import HealthPort
from iot.sim.fleet import Fleet, FleetConfig
from iot.sim.link import Credentials
from iot.sim.meter import FaultRates


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m iot.sim", description=__doc__)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--meters", type=int, default=20)
    parser.add_argument("--per-concentrator", type=int, default=0, help="meters per concentrator (0: modules)")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument("--report-seconds", type=float, default=900.0, help="simulated seconds between readings")
    parser.add_argument("--tick-seconds", type=float, default=0.5)
    parser.add_argument("--backlog-hours", type=float, default=0.0)
    parser.add_argument("--serial-prefix", default="0471")
    parser.add_argument("--credit", type=int, default=20, help="kWh each meter starts with")
    parser.add_argument("--duration", type=float, default=None, help="real seconds to run (default: until stopped)")
    parser.add_argument("--outages-per-day", type=float, default=0.0, help="power cuts per meter per simulated day")
    parser.add_argument("--cover-openings-per-day", type=float, default=0.0)
    parser.add_argument("--tampering-per-day", type=float, default=0.0)
    parser.add_argument("--no-control-plane", action="store_true", help="skip IoT things on moto server")
    parser.add_argument("--health-port", type=int, default=0, help="loopback port that accepts once connected")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse(argv)
    env = local_env()
    iot = None if arguments.no_control_plane else aws_client(env, "iot")
    provisioner = Provisioner(table_store(env), Path(env["GRIDVEND_PKI_DIR"]), iot)

    def provision(thing_id: str, kind: ThingKind, meters: list[str]) -> Credentials:
        made = provisioner.provision(arguments.tenant, thing_id, kind, meters)
        return Credentials(made.cert_path, made.key_path, made.ca_path)

    config = FleetConfig(
        tenant_id=arguments.tenant, meters=arguments.meters, per_concentrator=arguments.per_concentrator,
        speed=arguments.speed, report_seconds=arguments.report_seconds, tick_seconds=arguments.tick_seconds,
        backlog=timedelta(hours=arguments.backlog_hours), serial_prefix=arguments.serial_prefix,
        initial_credit_kwh=arguments.credit,
        faults=FaultRates(arguments.outages_per_day, arguments.cover_openings_per_day, arguments.tampering_per_day),
    )
    fleet = Fleet(config, env["GRIDVEND_MQTT_HOST"], int(env["GRIDVEND_MQTT_PORT"]), provision)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    fleet.connect()
    print(f"fleet: {len(fleet.meters)} meters on {len(fleet.things)} things of tenant {arguments.tenant}", flush=True)
    health = HealthPort(env["GRIDVEND_MQTT_HOST"], arguments.health_port) if arguments.health_port else None
    if health:
        health.start()
    try:
        fleet.run(stop, arguments.duration)
    finally:
        if health:
            health.close()
        fleet.disconnect()
        stats = fleet.stats
        print(f"fleet: {stats.readings} readings, {stats.events} events, {stats.acks} acks, "
              f"{stats.commands} commands, {stats.publish_errors} publish errors", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
