"""Stock bills: drafts move nothing; checking moves every meter or none; checked bills are frozen until
unchecked; unchecking is refused once meters moved on; bills:check / bills:uncheck are separate rights."""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import system_context
from gridvend.meters.states import MeterState
from gridvend.store.guarded import commit
from gridvend.store.meters import MeterRepository
from tests.api.conftest import Api
from tests.api.test_meters import branch, meter_model, new_meter


def force_state(api: Api, tenant_id: str, serial: str, to_state: MeterState) -> None:
    """What the contract or replacement flows do: move a meter inside their own transaction."""
    meters = MeterRepository(api.store, system_context(tenant_id, "test"))
    current = meters.require(serial)
    commit(api.store, meters.state_change_operations(serial, [current.state], to_state, "test move"))


def bill(api: Api, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("POST", "/v1/stock-bills", body, headers)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def act(api: Api, headers: dict[str, str], bill_id: str, action: str, expected: int = 200) -> Any:
    reply = api.call("POST", f"/v1/stock-bills/{bill_id}/{action}", headers=headers)
    assert reply.status == expected, reply.body
    return reply.body


def state_of(api: Api, headers: dict[str, str], serial: str) -> str:
    return str(api.call("GET", f"/v1/meters/{serial}", headers=headers).body["state"])


def stock_in_new(branch_id: str, model_id: str, first: str, last: str, **extra: Any) -> dict[str, Any]:
    return {"direction": "in", "kind": "new", "branch_id": branch_id, "model_id": model_id, "sgc": "100200",
            "serial_range": {"from": first, "to": last}, **extra}


def test_new_meters_by_range_appear_only_when_the_bill_is_checked(api: Api) -> None:
    _, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers, ct_ratio=5)
    draft = bill(api, headers, stock_in_new(store, model_id, "01000000001", "01000000003", ti=2))
    assert draft["status"] == "draft" and draft["direction"] == "in"
    assert [line["serial"] for line in draft["lines"]] == ["01000000001", "01000000002", "01000000003"]
    assert draft["number"].startswith("S") and draft["number"].endswith("00001")
    assert api.call("GET", "/v1/meters", headers=headers).body["items"] == []
    checked = act(api, headers, draft["id"], "check")
    assert checked["status"] == "checked" and checked["checked_by"] == "admin"
    listed = api.call("GET", f"/v1/meters?branch={store}&status=in_warehouse", headers=headers).body["items"]
    assert [(meter["serial"], meter["drn"], meter["ti"], meter["ratio"]) for meter in listed] == [
        (f"0100000000{n}", f"0100000000{n}", 2, 5) for n in (1, 2, 3)]
    history = api.call("GET", "/v1/meters/01000000002/history", headers=headers).body["items"]
    assert history[0]["bill_id"] == draft["id"] and draft["number"] in history[0]["reason"]
    second = bill(api, headers, stock_in_new(store, model_id, "01000000010", "01000000010"))
    assert second["number"] == draft["number"][:-5] + "00002"


def test_a_checked_bill_is_frozen_until_unchecked(api: Api) -> None:
    _, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    draft = bill(api, headers, stock_in_new(store, model_id, "02000000001", "02000000002"))
    path = f"/v1/stock-bills/{draft['id']}"
    act(api, headers, draft["id"], "check")
    edited = api.call("PATCH", path, {"remark": "late change"}, headers)
    assert edited.status == 409
    assert api.call("DELETE", path, headers=headers).status == 409
    act(api, headers, draft["id"], "check", expected=409)
    unchecked = act(api, headers, draft["id"], "uncheck")
    assert unchecked["status"] == "draft"
    assert api.call("GET", "/v1/meters", headers=headers).body["items"] == []
    edited = api.call("PATCH", path, {"remark": "late change", "serial_range": {"from": "02000000005",
                                                                             "to": "02000000006"}}, headers)
    assert edited.status == 200, edited.body
    assert edited.body["remark"] == "late change"
    assert [line["serial"] for line in edited.body["lines"]] == ["02000000005", "02000000006"]
    act(api, headers, draft["id"], "check")
    assert state_of(api, headers, "02000000006") == "in_warehouse"
    trail = api.call("GET", f"/v1/audit?entity=bill:stock-in&entity_id={draft['id']}", headers=headers).body["items"]
    assert [entry["action"] for entry in trail] == ["check", "update", "uncheck", "check", "create"]
    assert trail[2]["before"]["status"] == "checked" and trail[2]["after"]["status"] == "draft"


def test_stock_out_for_installation_refuses_a_meter_in_service(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    for serial in ("03000000001", "03000000002", "03000000003"):
        new_meter(api, headers, serial, model_id, branch_id=store)
    force_state(api, tenant_id, "03000000003", MeterState.IN_SERVICE)
    body = {"direction": "out", "kind": "installation", "branch_id": store, "drawer": "Wanjiru",
            "serials": ["03000000001", "03000000003"]}
    refused = api.call("POST", "/v1/stock-bills", body, headers)
    assert refused.status == 409 and refused.body["errors"][0]["field"] == "serials[1]"
    assert "in_service" in refused.body["detail"]
    draft = bill(api, headers, {**body, "serials": ["03000000001", "03000000002"]})
    force_state(api, tenant_id, "03000000002", MeterState.IN_SERVICE)
    failed = act(api, headers, draft["id"], "check", expected=409)
    assert "03000000002" in failed["detail"]
    assert state_of(api, headers, "03000000001") == "in_warehouse"
    assert api.call("GET", f"/v1/stock-bills/{draft['id']}", headers=headers).body["status"] == "draft"


def test_unchecking_is_refused_once_a_meter_has_moved_on(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    new_meter(api, headers, "04000000001", model_id, branch_id=store)
    new_meter(api, headers, "04000000002", model_id, branch_id=store)
    draft = bill(api, headers, {"direction": "out", "branch_id": store, "serials": ["04000000001", "04000000002"]})
    act(api, headers, draft["id"], "check")
    assert state_of(api, headers, "04000000001") == "out_for_installation"
    force_state(api, tenant_id, "04000000002", MeterState.IN_SERVICE)
    refused = act(api, headers, draft["id"], "uncheck", expected=409)
    assert "04000000002" in refused["detail"]
    assert state_of(api, headers, "04000000001") == "out_for_installation"
    assert api.call("GET", f"/v1/stock-bills/{draft['id']}", headers=headers).body["status"] == "checked"


def test_checking_and_unchecking_need_their_own_permissions(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    store, model_id = branch(api, admin), meter_model(api, admin)
    role = api.call("POST", "/v1/archives/roles", {"code": "STORE", "name": "Storekeeper", "permissions": [
        "stock-bills:view", "stock-bills:create", "stock-bills:update", "bills:check"]}, admin).body
    operator = {"username": "keeper", "display_name": "Keeper", "password": "keeper-pass-1", "roles": [role["id"]]}
    assert api.call("POST", "/v1/operators", operator, admin).status == 201
    keeper = api.login(tenant_id, "keeper", "keeper-pass-1")
    draft = bill(api, keeper, stock_in_new(store, model_id, "05000000001", "05000000001"))
    api.call("PATCH", f"/v1/archives/roles/{role['id']}", {"permissions": [
        "stock-bills:view", "stock-bills:create"]}, admin)
    clerk_role = api.call("POST", "/v1/archives/roles", {"code": "CLERK", "name": "Clerk", "permissions": [
        "stock-bills:view", "stock-bills:create"]}, admin).body
    clerk = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1", "roles": [clerk_role["id"]]}
    assert api.call("POST", "/v1/operators", clerk, admin).status == 201
    clerk_headers = api.login(tenant_id, "clerk", "clerk-pass-1")
    denied = act(api, clerk_headers, draft["id"], "check", expected=403)
    assert "bills:check" in denied["detail"]
    assert api.call("GET", "/v1/meters/05000000001", headers=admin).status == 404
    act(api, admin, draft["id"], "check")
    assert act(api, clerk_headers, draft["id"], "uncheck", expected=403)["detail"].endswith("bills:uncheck is needed")
    assert api.call("GET", f"/v1/stock-bills/{draft['id']}", headers=admin).body["status"] == "checked"


def test_transfer_to_another_branch_and_in_there(api: Api) -> None:
    _, headers = api.new_tenant()
    north, south, model_id = branch(api, headers, "N"), branch(api, headers, "S"), meter_model(api, headers)
    new_meter(api, headers, "06000000001", model_id, branch_id=north)
    out = bill(api, headers, {"direction": "out", "kind": "to_branch", "branch_id": north, "to_branch_id": south,
                              "serials": ["06000000001"]})
    act(api, headers, out["id"], "check")
    moving = api.call("GET", "/v1/meters/06000000001", headers=headers).body
    assert (moving["state"], moving["branch_id"], moving["transfer_to"]) == ("in_transit", north, south)
    wrong = api.call("POST", "/v1/stock-bills", {"direction": "in", "kind": "transfer_in", "branch_id": north,
                                                 "serials": ["06000000001"]}, headers)
    assert wrong.status == 409 and wrong.body["errors"][0]["field"] == "serials[0]"
    arrival = bill(api, headers, {"direction": "in", "kind": "transfer_in", "branch_id": south,
                                  "serials": ["06000000001"], "source_bill": out["number"]})
    act(api, headers, arrival["id"], "check")
    arrived = api.call("GET", "/v1/meters/06000000001", headers=headers).body
    assert (arrived["state"], arrived["branch_id"], arrived["transfer_to"]) == ("in_warehouse", south, None)
    assert api.call("DELETE", f"/v1/archives/branches/{north}", headers=headers).status == 204
    assert api.call("DELETE", f"/v1/archives/branches/{south}", headers=headers).status == 409


def test_returned_meters_come_back_in_the_condition_given(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    new_meter(api, headers, "07000000001", model_id, branch_id=store)
    force_state(api, tenant_id, "07000000001", MeterState.REPLACED)
    returned = bill(api, headers, {"direction": "in", "kind": "replacement_return", "branch_id": store,
                                   "condition": "maintenance", "serials": ["07000000001"]})
    act(api, headers, returned["id"], "check")
    assert state_of(api, headers, "07000000001") == "maintenance"
    act(api, headers, returned["id"], "uncheck")
    assert state_of(api, headers, "07000000001") == "replaced"


def test_bills_over_the_transaction_limit_are_refused_with_the_reason(api: Api) -> None:
    _, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    too_long = api.call("POST", "/v1/stock-bills", stock_in_new(store, model_id, "08000000001", "08000000091"),
                        headers)
    assert too_long.status == 400 and too_long.body["errors"][0]["field"] == "serial_range"
    assert "90" in too_long.body["detail"] and "100" in too_long.body["detail"]
    serials = [f"080000{n:05d}" for n in range(91)]
    listed = api.call("POST", "/v1/stock-bills", {"direction": "out", "branch_id": store, "serials": serials},
                      headers)
    assert listed.status == 400 and listed.body["errors"][0]["field"] == "serials"
    assert api.call("GET", "/v1/stock-bills?direction=in", headers=headers).body["items"] == []
    largest = bill(api, headers, stock_in_new(store, model_id, "08000000001", "08000000090"))
    act(api, headers, largest["id"], "check")
    in_store = api.call("GET", f"/v1/meters?branch={store}&limit=200", headers=headers).body["items"]
    assert len(in_store) == 90


def test_bad_stock_bills_name_the_field(api: Api) -> None:
    _, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    new_meter(api, headers, "09000000002", model_id, branch_id=store)
    base = stock_in_new(store, model_id, "09000000001", "09000000003")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"direction": "sideways"}, 400, "direction"),
        ({"branch_id": "NOPE"}, 400, "branch_id"),
        ({"model_id": None}, 400, "model_id"),
        ({"sgc": "12"}, 400, "sgc"),
        ({"serial_range": {"from": "09000000003", "to": "09000000001"}}, 400, "serial_range"),
        ({"serial_range": None, "serials": ["09000000001", "09000000001"]}, 400, "serials[1]"),
        ({"serial_range": None, "serials": ["ABC"]}, 400, "serials[0]"),
        ({}, 409, "serials[1]"),
        ({"kind": "transfer_in", "model_id": None, "sgc": None}, 400, "serials[0]"),
    ]
    for change, status, field in cases:
        reply = api.call("POST", "/v1/stock-bills", {**base, **change}, headers)
        assert reply.status == status, (change, reply.body)
        assert field in [problem["field"] for problem in reply.body["errors"]], (change, reply.body)
    assert api.call("GET", "/v1/stock-bills?direction=in", headers=headers).body["items"] == []


def test_a_meter_of_another_tenant_cannot_be_put_on_a_bill(api: Api) -> None:
    _, owner = api.new_tenant()
    _, other = api.new_tenant()
    owner_store, owner_model = branch(api, owner), meter_model(api, owner)
    new_meter(api, owner, "10000000009", owner_model, branch_id=owner_store)
    other_store = branch(api, other)
    reply = api.call("POST", "/v1/stock-bills", {"direction": "out", "branch_id": other_store,
                                                 "serials": ["10000000009"]}, other)
    assert reply.status == 400 and "does not exist" in reply.body["errors"][0]["message"]
    assert state_of(api, owner, "10000000009") == "in_warehouse"
    owned = bill(api, owner, {"direction": "out", "branch_id": owner_store, "serials": ["10000000009"]})
    assert api.call("GET", f"/v1/stock-bills/{owned['id']}", headers=other).status == 404
    assert api.call("POST", f"/v1/stock-bills/{owned['id']}/check", headers=other).status == 404
    assert state_of(api, owner, "10000000009") == "in_warehouse"


def test_bills_are_found_by_status_serial_and_number(api: Api) -> None:
    _, headers = api.new_tenant()
    store, model_id = branch(api, headers), meter_model(api, headers)
    first = bill(api, headers, stock_in_new(store, model_id, "11000000001", "11000000002"))
    second = bill(api, headers, stock_in_new(store, model_id, "11000000005", "11000000005"))
    act(api, headers, second["id"], "check")

    def ids(path: str) -> list[str]:
        reply = api.call("GET", path, headers=headers)
        assert reply.status == 200, reply.body
        return [found["id"] for found in reply.body["items"]]

    assert ids("/v1/stock-bills?direction=in") == [second["id"], first["id"]]
    assert ids("/v1/stock-bills?direction=in&status=draft") == [first["id"]]
    assert ids("/v1/stock-bills?direction=in&serial=11000000002") == [first["id"]]
    assert ids(f"/v1/stock-bills?number={second['number']}") == [second["id"]]
    assert ids("/v1/stock-bills?direction=out") == []
