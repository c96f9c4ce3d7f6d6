"""Where the device-side tools find the local services: the variables of a running stack (written to
.gridvend/env by `make up`), overridden by the process environment."""

from __future__ import annotations

import os
from pathlib import Path

import boto3

from gridvend.store.dynamo import DynamoItemStore, configure_table
from infra.local.environment import read_env_file

DEFAULT_ENV_FILE = Path(__file__).resolve().parents[2] / ".gridvend" / "env"


def local_env(env_file: Path = DEFAULT_ENV_FILE) -> dict[str, str]:
    from_file = read_env_file(env_file) if env_file.exists() else {}
    merged = {**from_file, **{key: value for key, value in os.environ.items() if key.startswith(("GRIDVEND_", "AWS_"))}}
    missing = [name for name in ("GRIDVEND_TABLE", "AWS_ENDPOINT_URL_DYNAMODB", "GRIDVEND_MQTT_HOST",
                                 "GRIDVEND_PKI_DIR") if name not in merged]
    if missing:
        raise SystemExit(f"the local stack's settings are missing ({', '.join(missing)}): is `make up` running?")
    os.environ.update(merged)
    return merged


def table_store(env: dict[str, str]) -> DynamoItemStore:
    configure_table(env["GRIDVEND_TABLE"], env["AWS_ENDPOINT_URL_DYNAMODB"], env.get("AWS_DEFAULT_REGION", "us-east-1"))
    return DynamoItemStore()


def aws_client(env: dict[str, str], service: str) -> object:
    session = boto3.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "local"),
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    return session.client(service, endpoint_url=env.get("AWS_ENDPOINT_URL"))  # type: ignore[call-overload]
