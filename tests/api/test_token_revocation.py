"""A token stops working soon after its operator is barred, loses a role, or has the password changed or reset:
each request checks the operator (read at most OPERATOR_CACHE_SECONDS before) against the token's issue time."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from functions.common import auth
from tests.api.conftest import Api

Advance = Callable[[float], None]


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Iterator[Advance]:
    """Moves the process's monotonic clock on, as the seconds between two requests would."""
    offset = [0.0]
    real = time.monotonic
    monkeypatch.setattr(auth.time, "monotonic", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    yield advance


def _clerk(api: Api, admin: dict[str, str], tenant_id: str) -> dict[str, str]:
    banks = {"code": "R1", "name": "Banks", "permissions": ["archives.banks:view"]}
    role = api.call("POST", "/v1/archives/roles", banks, admin).body
    body = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1", "roles": [role["id"]]}
    assert api.call("POST", "/v1/operators", body, admin).status == 201
    headers = api.login(tenant_id, "clerk", "clerk-pass-1")
    assert api.call("GET", "/v1/archives/banks", headers=headers).status == 200
    time.sleep(1.01)  # token times are whole seconds: the change comes in a later second than the login
    return headers


@pytest.mark.parametrize(("change", "body"), [
    ("PATCH", {"barred": True}),
    ("PATCH", {"roles": []}),
    ("POST", {"password": "fresh-pass-9"}),
])
def test_a_token_ends_within_a_minute_of_the_change_that_revokes_it(
    api: Api, later: Advance, change: str, body: dict[str, object]
) -> None:
    tenant_id, admin = api.new_tenant()
    clerk = _clerk(api, admin, tenant_id)
    path = "/v1/operators/clerk" + ("/password" if change == "POST" else "")
    assert api.call(change, path, body, admin).status in (200, 204)

    later(auth.OPERATOR_CACHE_SECONDS + 1)
    refused = api.call("GET", "/v1/archives/banks", headers=clerk)
    assert auth.OPERATOR_CACHE_SECONDS + 1 <= 60
    assert refused.status == 401 and refused.headers["Content-Type"] == "application/problem+json"
    assert api.call("GET", "/v1/me", headers=admin).status == 200  # other operators' tokens stand


def test_an_own_password_change_ends_the_old_token_and_the_new_one_works(api: Api, later: Advance) -> None:
    tenant_id, admin = api.new_tenant()
    clerk = _clerk(api, admin, tenant_id)
    change = {"current_password": "clerk-pass-1", "new_password": "clerk-pass-2"}
    assert api.call("POST", "/v1/auth/password", change, clerk).status == 204
    fresh = api.login(tenant_id, "clerk", "clerk-pass-2")
    later(auth.OPERATOR_CACHE_SECONDS + 1)
    assert api.call("GET", "/v1/archives/banks", headers=clerk).status == 401
    assert api.call("GET", "/v1/archives/banks", headers=fresh).status == 200


def test_a_change_that_revokes_nothing_leaves_the_token_working(api: Api, later: Advance) -> None:
    tenant_id, admin = api.new_tenant()
    clerk = _clerk(api, admin, tenant_id)
    assert api.call("PATCH", "/v1/operators/clerk", {"display_name": "Clerk Two"}, admin).status == 200
    later(auth.OPERATOR_CACHE_SECONDS + 1)
    assert api.call("GET", "/v1/archives/banks", headers=clerk).status == 200
    listed = api.call("GET", "/v1/operators/clerk", headers=admin).body
    assert "tokens_valid_after" not in listed and "password_hash" not in listed


def _refresh(api: Api, tenant_id: str, username: str, token: str) -> Any:
    return api.call("POST", "/v1/auth/refresh", {"tenant": tenant_id, "username": username, "refresh_token": token})


def test_a_refresh_token_gives_a_new_access_token_until_a_revocation_ends_it(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _clerk(api, admin, tenant_id)
    login = api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "clerk", "password": "clerk-pass-1"})
    refresh_token = login.body["refresh_token"]
    renewed = _refresh(api, tenant_id, "clerk", refresh_token)
    assert renewed.status == 200 and renewed.body["username"] == "clerk"
    headers = {"Authorization": f"Bearer {renewed.body['access_token']}"}
    assert api.call("GET", "/v1/archives/banks", headers=headers).status == 200

    assert _refresh(api, tenant_id, "admin", refresh_token).status == 401  # another operator's token
    assert _refresh(api, tenant_id, "clerk", refresh_token + "x").status == 401
    bad = api.call("POST", "/v1/auth/refresh", {"tenant": tenant_id, "username": "clerk"})
    assert bad.status == 400 and bad.body["errors"][0]["field"] == "refresh_token"

    time.sleep(1.01)
    assert api.call("POST", "/v1/operators/clerk/password", {"password": "fresh-pass-9"}, admin).status == 204
    ended = _refresh(api, tenant_id, "clerk", refresh_token)
    assert ended.status == 401 and ended.headers["Content-Type"] == "application/problem+json"


def test_a_barred_operator_cannot_refresh(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _clerk(api, admin, tenant_id)
    login = api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "clerk", "password": "clerk-pass-1"})
    assert api.call("PATCH", "/v1/operators/clerk", {"barred": True}, admin).status == 200
    assert _refresh(api, tenant_id, "clerk", login.body["refresh_token"]).status == 401
