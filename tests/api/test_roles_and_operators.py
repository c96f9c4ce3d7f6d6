"""Roles grant per-module permissions; operators without a permission get 403; barring and lockout."""

from __future__ import annotations

from tests.api.conftest import Api


def _operator_with(api: Api, admin: dict[str, str], tenant_id: str, permissions: list[str]) -> dict[str, str]:
    role = api.call("POST", "/v1/archives/roles", {"code": "R1", "name": "Limited", "permissions": permissions}, admin)
    assert role.status == 201, role.body
    body = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1", "roles": [role.body["id"]]}
    assert api.call("POST", "/v1/operators", body, admin).status == 201
    return api.login(tenant_id, "clerk", "clerk-pass-1")


def test_an_operator_gets_exactly_the_permissions_of_its_roles(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    clerk = _operator_with(api, admin, tenant_id, ["archives.branches:view", "archives.branches:create"])
    assert api.call("POST", "/v1/archives/branches", {"code": "B", "name": "B"}, clerk).status == 201
    assert api.call("GET", "/v1/archives/branches", headers=clerk).status == 200
    denied = api.call("POST", "/v1/archives/banks", {"code": "K", "name": "K"}, clerk)
    assert denied.status == 403
    assert denied.headers["Content-Type"] == "application/problem+json"
    branch_id = api.call("GET", "/v1/archives/branches", headers=clerk).body["items"][0]["id"]
    assert api.call("DELETE", f"/v1/archives/branches/{branch_id}", headers=clerk).status == 403
    assert api.call("GET", "/v1/operators", headers=clerk).status == 403
    assert api.call("GET", "/v1/audit", headers=clerk).status == 403


def test_unknown_permissions_are_refused(api: Api) -> None:
    _, admin = api.new_tenant()
    reply = api.call("POST", "/v1/archives/roles", {"code": "R", "name": "R", "permissions": ["nuclear:launch"]},
                     admin)
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "permissions[0]"


def test_a_role_in_use_cannot_be_deleted(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _operator_with(api, admin, tenant_id, ["archives.banks:view"])
    role_id = api.call("GET", "/v1/archives/roles", headers=admin).body["items"][0]["id"]
    assert api.call("DELETE", f"/v1/archives/roles/{role_id}", headers=admin).status == 409
    api.call("PATCH", "/v1/operators/clerk", {"roles": []}, admin)
    assert api.call("DELETE", f"/v1/archives/roles/{role_id}", headers=admin).status == 204


def test_only_an_admin_can_grant_the_admin_role(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    clerk = _operator_with(api, admin, tenant_id, ["operators:view", "operators:create", "operators:update"])
    body = {"username": "sneaky", "display_name": "S", "password": "sneaky-pass", "roles": ["admin"]}
    assert api.call("POST", "/v1/operators", body, clerk).status == 403
    assert api.call("PATCH", "/v1/operators/clerk", {"roles": ["admin"]}, clerk).status == 403


def test_a_barred_operator_cannot_log_in(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _operator_with(api, admin, tenant_id, [])
    api.call("PATCH", "/v1/operators/clerk", {"barred": True}, admin)
    reply = api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "clerk", "password": "clerk-pass-1"})
    assert reply.status == 403


def test_password_hashes_never_leave_the_api(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _operator_with(api, admin, tenant_id, [])
    listed = api.call("GET", "/v1/operators", headers=admin)
    audit = api.call("GET", "/v1/audit", headers=admin)
    for text in (str(listed.body), str(audit.body)):
        assert "password" not in text
        assert "argon2" not in text


def test_an_admin_reset_unlocks_a_locked_operator(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _operator_with(api, admin, tenant_id, [])
    for _ in range(5):
        api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "clerk", "password": "wrong-one"})
    assert api.call("POST", "/v1/operators/clerk/password", {"password": "fresh-pass-9"}, admin).status == 204
    assert api.login(tenant_id, "clerk", "fresh-pass-9")
