"""The demo tenant's sales office "hq" and its bridge agent, for `make up`: an emulated serial secure module on a
pseudo-terminal holding the published STS test key (the key of the demo's software module SM1; no secret), and
the office's bridge agent (certificate CN demo/bridge-hq) serving it through the local mosquitto. The tenant gets
the module SM-HQ (backend bridge, office hq), whose key file the stack then loads through the API, the broker and
the agent into the office's module: the whole path works, or `make up` says so.

Two supervised processes, each ready when its loopback health port opens: `gridvend-bridge emulate-module` and
`gridvend-bridge run`. Their files (the key file sealed under a transport key made for this start, the agent's
config, its journal, the terminal's link) live in .gridvend/bridge/.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chalice.test import Client

from functions.local_api import combined_app
from functions.vending.modules import clear_backends
from gridvend.iot.bridge_topics import bridge_common_name
from gridvend.secure.key_file import KeyFile, TransportKey, seal_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import VendingKeyInfo, VendingKeyType
from gridvend_bridge.cli import TRANSPORT_KEY_VARIABLE
from infra.local.bootstrap import DEMO_ADMIN
from infra.local.demo_vending import TEST_VENDING_KEY
from infra.local.pki import ca_cert_path, issue_client_cert
from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DEMO_TENANT = "demo"
DEMO_OFFICE = "hq"
DEMO_MODULE_ID = "SM-HQ"
MODULE_HEALTH_PORT = 8021
AGENT_HEALTH_PORT = 8022
TRANSPORT_KEY_ID = "tk-demo-hq"
SEALED_KEY_FILE = "module-keys.sealed.json"


def demo_bridge_specs(
    env: Mapping[str, str], module_port: int = MODULE_HEALTH_PORT, agent_port: int = AGENT_HEALTH_PORT
) -> list[ServiceSpec]:
    """The emulated module, then the agent that opens it (each ready when its health port opens); writes their
    files first."""
    bridge_dir = Path(env["GRIDVEND_STATE_DIR"]) / "bridge"
    bridge_dir.mkdir(parents=True, exist_ok=True)
    link = bridge_dir / "ttySM0"
    transport_key = TransportKey(TRANSPORT_KEY_ID, SecretBytes(secrets.token_bytes(32)))
    key_file = _write_private(bridge_dir / SEALED_KEY_FILE, _sealed_key_file(transport_key).to_json())
    config = _write_private(bridge_dir / "bridge.toml", _agent_config(env, bridge_dir, link))
    python_path = {"PYTHONPATH": str(REPOSITORY_ROOT)}
    module = ServiceSpec(
        name="bridge-module",
        command=[
            sys.executable, "-m", "gridvend_bridge", "emulate-module", "--link", str(link),
            "--module-id", DEMO_MODULE_ID, "--key-file", str(key_file), "--transport-key-id", TRANSPORT_KEY_ID,
            "--health-port", str(module_port),
        ],
        port=module_port,
        host=LOOPBACK,
        # The emulated module's own keys, new on every start: its master key wraps the vending keys it holds in
        # memory, its transport key opens the key files sealed for it.
        env={
            **env,
            **python_path,
            "GRIDVEND_SECURE_MASTER_KEY": secrets.token_hex(32),
            TRANSPORT_KEY_VARIABLE: transport_key.material.reveal().hex(),
        },
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=60.0,
    )
    agent = ServiceSpec(
        name="bridge-agent",
        command=[
            sys.executable, "-m", "gridvend_bridge", "run", "--config", str(config),
            "--health-port", str(agent_port),
        ],
        port=agent_port,
        host=LOOPBACK,
        env={**env, **python_path},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=120.0,
    )
    return [module, agent]


def register_demo_bridge_module(state_dir: Path) -> list[str]:
    """The demo tenant's module of office hq (not the default: SM1 sells), its sealed key file loaded through the
    bridge. Returns the keys the office's module reports, as "SGC/KRN"."""
    with Client(combined_app()) as client:
        api = _DemoAdmin(client)
        if api.call("GET", f"/v1/secure-modules/{DEMO_MODULE_ID}", expect=(200, 404)).get("id") is None:
            module = {"id": DEMO_MODULE_ID, "name": "Office hq module", "backend": "bridge", "office": DEMO_OFFICE}
            api.call("POST", "/v1/secure-modules", module)
        sealed = (state_dir / "bridge" / SEALED_KEY_FILE).read_text()
        try:
            loaded = api.call("POST", f"/v1/secure-modules/{DEMO_MODULE_ID}/key-file", {"key_file": sealed})
        finally:
            clear_backends()  # this process's connection to the broker, made for the load
    return [f"{key['sgc']}/{key['krn']}" for key in loaded["keys"]]


class _DemoAdmin:
    def __init__(self, client: Client) -> None:
        self._client = client
        self._headers = {"Content-Type": "application/json"}
        login = {"tenant": DEMO_TENANT, "username": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]}
        self._headers["Authorization"] = f"Bearer {self.call('POST', '/v1/auth/login', login)['access_token']}"

    def call(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        payload = json.dumps(body).encode() if body is not None else b""
        reply = self._client.http.request(method, path, headers=self._headers, body=payload)
        parsed = json.loads(reply.body) if reply.body else {}
        if reply.status_code not in expect:
            raise RuntimeError(f"{method} {path} answered {reply.status_code}: {parsed}")
        return parsed


def _agent_config(env: Mapping[str, str], bridge_dir: Path, link: Path) -> str:
    pki_dir = Path(env["GRIDVEND_PKI_DIR"])
    cert, key = issue_client_cert(pki_dir, bridge_common_name(DEMO_TENANT, DEMO_OFFICE))
    return "\n".join(
        [
            "# Written by infra/local/demo_bridge.py on every `make up`.",
            f'tenant = "{DEMO_TENANT}"',
            f'office = "{DEMO_OFFICE}"',
            f'journal = "{bridge_dir / "journal.db"}"',
            "heartbeat_seconds = 60",
            "",
            "[mqtt]",
            f'host = "{env["GRIDVEND_MQTT_HOST"]}"',
            f'port = {int(env["GRIDVEND_MQTT_PORT"])}',
            f'cert = "{cert}"',
            f'key = "{key}"',
            f'ca = "{ca_cert_path(pki_dir)}"',
            "iot_core_limits = false",
            "",
            "[secure_module]",
            f'port = "{link}"',
            "",
        ]
    )


def _sealed_key_file(transport_key: TransportKey) -> KeyFile:
    vending_key = SecretBytes.from_hex(TEST_VENDING_KEY)
    infos = [VendingKeyInfo("123456", krn, VendingKeyType.CREDIT, dkga=2, current=krn == 1) for krn in (1, 2)]
    return seal_key_file(((info, vending_key) for info in infos), transport_key, issuer="STS published test key")


def _write_private(path: Path, text: str) -> Path:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)
    return path
