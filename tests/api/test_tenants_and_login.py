"""Tenant onboarding by a platform operator, login, lockout, suspension, password change."""

from __future__ import annotations

from tests.api.conftest import Api


def test_platform_operator_creates_tenant_whose_admin_can_log_in(api: Api) -> None:
    tenant_id, headers = api.new_tenant(decimals=0, languages=["en", "fr"], region_levels=4, sts_base_date=2014)
    me = api.call("GET", "/v1/me", headers=headers)
    assert me.status == 200
    assert me.body["tenant"] == tenant_id
    assert me.body["permissions"] == ["*"]
    assert me.body["settings"]["decimals"] == 0
    assert me.body["settings"]["languages"] == ["en", "fr"]
    shown = api.call("GET", f"/v1/platform/tenants/{tenant_id}", headers=api.platform_headers)
    assert shown.body["status"] == "active"


def test_new_tenant_starts_with_default_payment_terms(api: Api) -> None:
    _, headers = api.new_tenant()
    terms = api.call("GET", "/v1/archives/payment-terms", headers=headers)
    codes = {term["code"] for term in terms.body["items"]}
    assert {"CASH", "CHEQUE", "BANK"} <= codes


def test_tenant_admin_cannot_manage_tenants(api: Api) -> None:
    _, headers = api.new_tenant()
    reply = api.call("GET", "/v1/platform/tenants", headers=headers)
    assert reply.status == 403
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_duplicate_tenant_id_is_a_conflict(api: Api) -> None:
    tenant_id, _ = api.new_tenant()
    body = {"id": tenant_id, "name": "again", "currency": "KES", "decimals": 2, "timezone": "UTC",
            "admin": {"username": "admin", "password": "another-pass"}}
    reply = api.call("POST", "/v1/platform/tenants", body, api.platform_headers)
    assert reply.status == 409
    assert reply.body["errors"][0]["field"] == "id"


def test_reserved_and_malformed_tenant_ids_are_refused(api: Api) -> None:
    for bad_id in ("platform", "A", "has space", "x" * 40, "acme#2"):
        body = {"id": bad_id, "name": "n", "currency": "KES", "decimals": 2, "timezone": "UTC",
                "admin": {"username": "admin", "password": "admin-pass-1"}}
        reply = api.call("POST", "/v1/platform/tenants", body, api.platform_headers)
        assert reply.status == 400, bad_id
        assert reply.body["errors"][0]["field"] == "id"


def test_wrong_password_is_refused_and_logged(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    reply = api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "admin", "password": "nope-nope"})
    assert reply.status == 401
    assert "access_token" not in (reply.body or {})
    log = api.call("GET", "/v1/login-log", headers=headers)
    outcomes = [(entry["username"], entry["success"]) for entry in log.body["items"]]
    assert ("admin", False) in outcomes
    assert ("admin", True) in outcomes


def test_repeated_failures_lock_the_operator(api: Api) -> None:
    tenant_id, _ = api.new_tenant()
    for _ in range(5):
        api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "admin", "password": "wrong-wrong"})
    reply = api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "admin", "password": "admin-pass-1"})
    assert reply.status == 423


def test_suspended_tenant_cannot_log_in_and_its_tokens_stop_working(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    suspended = api.call("POST", f"/v1/platform/tenants/{tenant_id}/suspend", headers=api.platform_headers)
    assert suspended.body["status"] == "suspended"
    login = api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "admin", "password": "admin-pass-1"})
    assert login.status == 403
    assert api.call("GET", "/v1/archives/branches", headers=headers).status == 403
    api.call("POST", f"/v1/platform/tenants/{tenant_id}/resume", headers=api.platform_headers)
    assert api.call("GET", "/v1/archives/branches", headers=headers).status == 200


def test_password_change_needs_the_current_password(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    wrong = api.call("POST", "/v1/auth/password", {"current_password": "bad", "new_password": "brand-new-1"},
                     headers)
    assert wrong.status == 403
    changed = api.call(
        "POST", "/v1/auth/password", {"current_password": "admin-pass-1", "new_password": "brand-new-1"}, headers
    )
    assert changed.status == 204
    assert api.login(tenant_id, "admin", "brand-new-1")


def test_requests_without_a_valid_token_are_refused(api: Api) -> None:
    assert api.call("GET", "/v1/archives/branches").status in (401, 403)
    forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJjdXN0b206dGVuYW50X2lkIjoieCJ9."}
    assert api.call("GET", "/v1/archives/branches", headers=forged).status == 403
