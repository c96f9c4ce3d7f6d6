"""The HTTP API on the local stack: template.yaml's REST API served by the local gateway (infra/local/gateway),
each route by its own function's handler in its own process, behind the template's authorizer."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

SERVICE_NAME = "api"
DEFAULT_PORT = 8000
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def api_server_spec(env: Mapping[str, str], port: int = DEFAULT_PORT, host: str = LOOPBACK) -> ServiceSpec:
    """The gateway with the stack's environment contract and the repository on PYTHONPATH."""
    return ServiceSpec(
        name=SERVICE_NAME,
        command=[sys.executable, "-m", "infra.local.gateway", "--host", host, "--port", str(port)],
        port=port,
        host=host,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=REPOSITORY_ROOT,
    )
