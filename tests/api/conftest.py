"""API tests: every route through Chalice's test client (authorizer included), over both stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from functions.common import deps
from functions.common.auth import clear_permission_cache
from functions.local_api import combined_app
from gridvend.auth.context import system_context
from gridvend.store.items import ItemStore
from gridvend.store.users import OperatorRepository
from tenants.onboarding import platform_operator_record
from tests.stores import dynamodb_table, item_store, unique_tenant

__all__ = ["dynamodb_table", "item_store"]

PLATFORM_PASSWORD = "platform-pass-1"


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Api:
    client: Client
    store: ItemStore
    platform_headers: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             raw: bytes | None = None) -> Response:
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        reply = self.client.http.request(method, path, headers=sent_headers, body=payload)
        text = reply.body.decode() if reply.body else ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Response(reply.status_code, parsed, dict(reply.headers))

    def login(self, tenant: str, username: str, password: str) -> dict[str, str]:
        reply = self.call("POST", "/v1/auth/login", {"tenant": tenant, "username": username, "password": password})
        assert reply.status == 200, reply.body
        return {"Authorization": f"Bearer {reply.body['access_token']}"}

    def new_tenant(self, decimals: int = 2, **settings: Any) -> tuple[str, dict[str, str]]:
        tenant_id = unique_tenant()
        body = {
            "id": tenant_id,
            "name": f"Tenant {tenant_id}",
            "currency": "KES",
            "decimals": decimals,
            "timezone": "Africa/Nairobi",
            "admin": {"username": "admin", "password": "admin-pass-1"},
            **settings,
        }
        reply = self.call("POST", "/v1/platform/tenants", body, self.platform_headers)
        assert reply.status == 201, reply.body
        return tenant_id, self.login(tenant_id, "admin", "admin-pass-1")


@pytest.fixture(scope="session")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    state_dir: Path = tmp_path_factory.mktemp("api_state")
    mp = pytest.MonkeyPatch()
    mp.setenv("GRIDVEND_STATE_DIR", str(state_dir))
    mp.setenv("GRIDVEND_ARGON2_TIME_COST", "1")
    mp.setenv("GRIDVEND_ARGON2_MEMORY_KIB", "8192")
    deps.reset()
    yield combined_app()
    mp.undo()


@pytest.fixture
def api(api_app: Any, item_store: ItemStore) -> Iterator[Api]:
    deps.use_store(item_store)
    clear_permission_cache()
    platform = OperatorRepository(item_store, "platform")
    if platform.get("platform") is None:
        record = platform_operator_record("platform", PLATFORM_PASSWORD)
        platform.create(system_context("platform", "test"), record)
    with Client(api_app) as client:
        harness = Api(client, item_store)
        harness.platform_headers = harness.login("platform", "platform", PLATFORM_PASSWORD)
        yield harness
    deps.use_store(None)
