"""How the local stack starts the router and the demo fleet (infra/local/stack.py): supervised
processes that open a loopback health port once they are ready."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ROUTER_HEALTH_PORT = 8011
FLEET_HEALTH_PORT = 8012
DEMO_FLEET_METERS = 10
# Serials 58000000000-09: the demo's vending meters (58000000001-08, infra/local/demo_vending.py) are among
# them, so a demo vend with "deliver": "remote" reaches a simulated meter.
DEMO_SERIAL_PREFIX = "5800000"


def router_spec(env: Mapping[str, str], port: int = ROUTER_HEALTH_PORT) -> ServiceSpec:
    return ServiceSpec(
        name="iot-router",
        command=[sys.executable, "-m", "iot.router", "--health-port", str(port)],
        port=port,
        host=LOOPBACK,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=60.0,
    )


def demo_fleet_spec(env: Mapping[str, str], tenant_id: str = "demo", meters: int = DEMO_FLEET_METERS,
                    port: int = FLEET_HEALTH_PORT) -> ServiceSpec:
    """A small fleet at 60x from six hours back (it catches up with the clock in six minutes), a reading
    every 15 simulated minutes, now and then an outage, an open cover or tampering, so the console moves."""
    return ServiceSpec(
        name="demo-fleet",
        command=[
            sys.executable, "-m", "iot.sim", "--tenant", tenant_id, "--meters", str(meters), "--speed", "60",
            "--report-seconds", "900", "--backlog-hours", "6", "--credit", "30", "--health-port", str(port),
            "--serial-prefix", DEMO_SERIAL_PREFIX,
            "--outages-per-day", "0.3", "--cover-openings-per-day", "0.05", "--tampering-per-day", "0.02",
        ],
        port=port,
        host=LOOPBACK,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=120.0,
    )
