"""The demo tenant's vending set-up, made through the API's own code in-process (so it passes the same
checks as any operator's input): a software secure module holding the published STS test vending key
(abababababababab, SGC 123456, KRN 1 and 2, key type 2, DKGA02, EA07) with credit, and in-service meters on
base date 2014, each registered to a customer and bound to the module the demo fleet simulates for it. Idempotent."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from chalice.test import Client

from functions.local_api import combined_app

TEST_VENDING_KEY = "abababababababab"
DEMO_METERS = [f"5800000{number:04d}" for number in range(1, 9)]
MASTER_KEY_VARIABLE = "GRIDVEND_SECURE_MASTER_KEY"


def ensure_master_key(state_dir: Path) -> str:
    """The software secure module's master key for the local stack: made once, kept (0600) in the state dir."""
    path = state_dir / "secure" / "master.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class _Api:
    def __init__(self, client: Client, tenant: str, username: str, password: str) -> None:
        self._client = client
        login = self.call("POST", "/v1/auth/login", {"tenant": tenant, "username": username, "password": password})
        self._headers = {"Authorization": f"Bearer {login['access_token']}"}

    def call(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        headers = {"Content-Type": "application/json", **getattr(self, "_headers", {})}
        reply = self._client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body else b""
        )
        parsed = json.loads(reply.body) if reply.body else None
        if reply.status_code not in expect:
            raise RuntimeError(f"{method} {path} answered {reply.status_code}: {parsed}")
        return parsed

    def first_id(self, kind: str, code: str) -> str:
        found = self.call("GET", f"/v1/archives/{kind}?q={code}&match=exact")["items"]
        if not found:
            raise LookupError(f"demo data has no {kind} {code}")
        return str(found[0]["id"])


def _key_file() -> dict[str, Any]:
    return {
        "format": "gridvend-keyfile/1",
        "issuer": "STS published test key (demo only)",
        "keys": [
            {
                "sgc": "123456",
                "krn": krn,
                "key_type": "M",
                "dkga": 2,
                "current": krn == 1,
                "vending_key": TEST_VENDING_KEY,
            }
            for krn in (1, 2)
        ],
    }


def seed_demo_vending(tenant: str, username: str, password: str) -> list[str]:
    """Returns the serials of the demo's in-service meters."""
    with Client(combined_app()) as client:
        api = _Api(client, tenant, username, password)
        if api.call("GET", "/v1/secure-modules/SM1", expect=(200, 404)).get("id") is None:
            api.call("POST", "/v1/secure-modules", {"id": "SM1", "name": "Head office module", "is_default": True})
            api.call("POST", "/v1/secure-modules/SM1/credit", {"type": "add", "energy_kwh": "1000000"})
        # Every time: the local key service (moto) forgets its keys when it stops, and a reload re-wraps them.
        api.call("POST", "/v1/secure-modules/SM1/key-file", {"key_file": json.dumps(_key_file())})
        model_id = api.first_id("meter-models", "SP-1P")
        tariff_id = api.first_id("tariffs", "T1")
        customer_type_id = api.first_id("customer-types", "RES")
        cash_id = api.first_id("payment-terms", "CASH")
        for position, serial in enumerate(DEMO_METERS, start=1):
            meter = api.call("GET", f"/v1/meters/{serial}", expect=(200, 404))
            if meter.get("serial") is None:
                api.call(
                    "POST",
                    "/v1/meters",
                    {
                        "serial": serial,
                        "model_id": model_id,
                        "drn": serial,
                        "sgc": "123456",
                        "ti": 1,
                        "krn": 1,
                        "key_type": 2,
                        "ea": 7,
                        "dkga": 2,
                        "base_date": 2014,
                    },
                )
                meter = {"state": "in_warehouse"}
            if meter["state"] != "in_service":
                bill = api.call(
                    "POST",
                    "/v1/register-bills",
                    {
                        "customer": {
                            "code": f"DEMO{position:03d}",
                            "name": f"Demo customer {position}",
                            "customer_type_id": customer_type_id,
                            "phone": f"+2547000000{position:02d}",
                        },
                        "contracts": [{"serial": serial, "tariff_id": tariff_id}],
                        "payment": {"payment_term_id": cash_id},
                    },
                )
                api.call("POST", f"/v1/register-bills/{bill['id']}/check")
            _bind_fleet_module(api, serial)
        return DEMO_METERS


def _bind_fleet_module(api: _Api, serial: str) -> None:
    """The meter's communication module in the archives, named as the demo fleet's thing that simulates it
    (iot/sim: MOD-<serial>), so the console shows the module the remote commands go through."""
    module_id = f"MOD-{serial}"
    if api.call("GET", f"/v1/meters/{serial}")["module_id"] is not None:
        return
    if api.call("GET", f"/v1/devices/{module_id}", expect=(200, 404)).get("device_id") is None:
        api.call("POST", "/v1/devices", {"kind": "module", "device_id": module_id, "name": "Demo fleet module"})
    api.call("POST", f"/v1/meters/{serial}/bind", {"device_id": module_id})
