"""The environment contract: the variables through which every part of Gridvend finds the local
services. `make up` writes them to .gridvend/env as KEY=VALUE lines; test fixtures set them too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TABLE_NAME = "gridvend"
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
}
CONTRACT_KEYS = (
    "GRIDVEND_TABLE",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_DYNAMODB_STREAMS",
    "AWS_ENDPOINT_URL",
    *LOCAL_CREDENTIALS,
    "GRIDVEND_MQTT_HOST",
    "GRIDVEND_MQTT_PORT",
    "GRIDVEND_PKI_DIR",
    "GRIDVEND_STATE_DIR",
    "GRIDVEND_API_URL",
)


@dataclass(frozen=True)
class StackEndpoints:
    dynamodb_url: str
    moto_url: str
    mqtt_host: str
    mqtt_port: int
    pki_dir: Path
    state_dir: Path
    api_url: str | None = None


def stack_environment(endpoints: StackEndpoints, table_name: str = TABLE_NAME) -> dict[str, str]:
    """The contract's variables for these endpoints, in the order of CONTRACT_KEYS
    (GRIDVEND_API_URL only when an API runs)."""
    env = {
        "GRIDVEND_TABLE": table_name,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoints.dynamodb_url,
        # Streams are served by DynamoDB Local too, not by moto.
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": endpoints.dynamodb_url,
        "AWS_ENDPOINT_URL": endpoints.moto_url,
        **LOCAL_CREDENTIALS,
        "GRIDVEND_MQTT_HOST": endpoints.mqtt_host,
        "GRIDVEND_MQTT_PORT": str(endpoints.mqtt_port),
        "GRIDVEND_PKI_DIR": str(endpoints.pki_dir),
        "GRIDVEND_STATE_DIR": str(endpoints.state_dir),
    }
    if endpoints.api_url is not None:
        env["GRIDVEND_API_URL"] = endpoints.api_url
    return env


def write_env_file(env_path: Path, env: dict[str, str]) -> None:
    env_path.parent.mkdir(parents=True, exist_ok=True)
    env_path.write_text("".join(f"{key}={value}\n" for key, value in env.items()))


def read_env_file(env_path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and lines starting with # are skipped."""
    env: dict[str, str] = {}
    for line in env_path.read_text().splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and "=" in stripped:
            key, value = stripped.split("=", 1)
            env[key.strip()] = value.strip()
    return env
