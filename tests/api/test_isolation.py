"""Two tenants: every archives route tried with the other tenant's ids in paths, bodies, filters and cursors."""

from __future__ import annotations

from typing import Any

from gridvend.archives.kinds import ARCHIVE_KINDS
from tests.api.conftest import Api


def _snapshot(api: Api, headers: dict[str, str]) -> dict[str, Any]:
    return {
        kind: api.call("GET", f"/v1/archives/{kind}?limit=200", headers=headers).body["items"]
        for kind in ARCHIVE_KINDS
    }


def test_one_tenant_can_neither_see_nor_change_another_tenants_records(api: Api) -> None:
    _, owner = api.new_tenant()
    _, intruder = api.new_tenant()
    branch = api.call("POST", "/v1/archives/branches", {"code": "SECRET", "name": "Owner branch"}, owner).body
    region = api.call("POST", "/v1/archives/regions", {"code": "R", "name": "Owner region"}, owner).body
    before = _snapshot(api, owner)

    path = f"/v1/archives/branches/{branch['id']}"
    assert api.call("GET", path, headers=intruder).status == 404
    assert api.call("PATCH", path, {"name": "hacked"}, intruder).status == 404
    assert api.call("DELETE", path, headers=intruder).status == 404
    body_ref = {"code": "SP", "name": "x", "branch_id": branch["id"]}
    assert api.call("POST", "/v1/archives/sales-points", body_ref, intruder).status == 400
    child = {"code": "C", "name": "child", "parent_id": region["id"]}
    assert api.call("POST", "/v1/archives/regions", child, intruder).status == 400
    assert api.call("GET", f"/v1/archives/regions?parent={region['id']}", headers=intruder).body["items"] == []
    assert api.call("GET", "/v1/archives/branches?q=SECRET&match=exact", headers=intruder).body["items"] == []
    assert api.call("GET", "/v1/archives/branches?q=owner", headers=intruder).body["items"] == []

    assert _snapshot(api, owner) == before
    assert api.call("GET", "/v1/archives/branches", headers=intruder).body["items"] == []


def test_a_cursor_from_another_tenant_is_refused(api: Api) -> None:
    _, owner = api.new_tenant()
    _, intruder = api.new_tenant()
    for number in range(3):
        api.call("POST", "/v1/archives/banks", {"code": f"B{number}", "name": f"Bank {number}"}, owner)
    cursor = api.call("GET", "/v1/archives/banks?limit=1", headers=owner).body["next_cursor"]
    assert cursor
    reply = api.call("GET", f"/v1/archives/banks?limit=1&cursor={cursor}", headers=intruder)
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "cursor"


def test_tenant_claims_in_the_body_or_query_are_ignored(api: Api) -> None:
    owner_id, owner = api.new_tenant()
    _, intruder = api.new_tenant()
    api.call("POST", "/v1/archives/banks", {"code": "OWN", "name": "Owner bank"}, owner)
    listed = api.call("GET", f"/v1/archives/banks?tenant={owner_id}&tenant_id={owner_id}", headers=intruder)
    assert listed.body["items"] == []
    smuggled = api.call("POST", "/v1/archives/banks", {"code": "X", "name": "x", "tenant_id": owner_id}, intruder)
    assert smuggled.status == 400
    assert smuggled.body["errors"][0]["field"] == "tenant_id"


def test_operators_and_audit_stay_inside_their_tenant(api: Api) -> None:
    _, owner = api.new_tenant()
    _, intruder = api.new_tenant()
    api.call("POST", "/v1/archives/banks", {"code": "AUD", "name": "Audited"}, owner)
    operator = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1"}
    assert api.call("POST", "/v1/operators", operator, owner).status == 201
    assert api.call("GET", "/v1/operators/clerk", headers=intruder).status == 404
    assert api.call("PATCH", "/v1/operators/clerk", {"barred": True}, intruder).status == 404
    intruder_audit = api.call("GET", "/v1/audit", headers=intruder).body["items"]
    assert all(entry["entity_id"] != "clerk" and entry.get("after", {}).get("code") != "AUD"
               for entry in intruder_audit)
