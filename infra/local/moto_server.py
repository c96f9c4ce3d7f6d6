"""moto in server mode: one local endpoint for every AWS API other than DynamoDB (IoT control plane and
shadows, S3, SES, STS, SNS). It keeps its state in memory only."""

from __future__ import annotations

import sys

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

SERVICE_NAME = "moto"
DEFAULT_PORT = 8002


def moto_server_spec(port: int = DEFAULT_PORT, host: str = LOOPBACK) -> ServiceSpec:
    return ServiceSpec(
        name=SERVICE_NAME,
        command=[sys.executable, "-m", "moto.server", "--host", host, "--port", str(port)],
        port=port,
        host=host,
    )
