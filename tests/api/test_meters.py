"""Meters: register with an STS identity, unique serials, filters, changes, state history, tenancy."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

IDENTITY_FIELDS = ("iin", "drn", "sgc", "ti", "krn", "key_type", "ea", "dkga", "base_date")


def meter_model(api: Api, headers: dict[str, str], code: str = "M1", **fields: Any) -> str:
    reply = api.call("POST", "/v1/archives/meter-models", {"code": code, "name": f"Model {code}", **fields}, headers)
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def branch(api: Api, headers: dict[str, str], code: str = "BR1") -> str:
    reply = api.call("POST", "/v1/archives/branches", {"code": code, "name": f"Branch {code}"}, headers)
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def new_meter(api: Api, headers: dict[str, str], serial: str, model_id: str, **fields: Any) -> dict[str, Any]:
    reply = api.call("POST", "/v1/meters", {"serial": serial, "model_id": model_id, "sgc": "123456", **fields},
                     headers)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_a_meter_is_registered_with_its_sts_identity_and_defaults(api: Api) -> None:
    _, headers = api.new_tenant(sts_base_date=1993)
    model_id = meter_model(api, headers, ct_ratio=50, pt_ratio=2)
    created = new_meter(api, headers, "01234567890", model_id, ti=7, ea=11, dkga=4)
    assert created["iin"] == "600727" and created["drn"] == "01234567890"
    assert (created["sgc"], created["ti"], created["krn"], created["key_type"]) == ("123456", 7, 1, 2)
    assert (created["ea"], created["dkga"], created["base_date"], created["key_expiry"]) == (11, 4, 1993, 255)
    assert created["ratio"] == 100 and created["state"] == "in_warehouse"
    fetched = api.call("GET", "/v1/meters/01234567890", headers=headers)
    assert fetched.body == created
    history = api.call("GET", "/v1/meters/01234567890/history", headers=headers).body["items"]
    assert [(entry["from"], entry["to"]) for entry in history] == [(None, "in_warehouse")]


def test_a_duplicate_serial_is_a_conflict_and_changes_nothing(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    new_meter(api, headers, "55500000001", model_id, remark="first")
    again = api.call("POST", "/v1/meters", {"serial": "55500000001", "model_id": model_id, "sgc": "999999"}, headers)
    assert again.status == 409
    assert again.body["errors"][0]["field"] == "serial"
    assert api.call("GET", "/v1/meters/55500000001", headers=headers).body["remark"] == "first"


def test_bad_meter_bodies_name_the_field_and_store_nothing(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    base = {"serial": "10000000001", "model_id": model_id, "sgc": "123456"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"sgc": "12345"}, "sgc"), ({"ti": 100}, "ti"), ({"krn": 0}, "krn"), ({"key_type": 4}, "key_type"),
        ({"ea": 8}, "ea"), ({"dkga": 3}, "dkga"), ({"base_date": 2000}, "base_date"),
        ({"key_expiry": 256}, "key_expiry"),
        ({"serial": "ABC 1"}, "serial"), ({"serial": "ABC1"}, "drn"), ({"drn": "123"}, "drn"),
        ({"model_id": "NOPE"}, "model_id"), ({"branch_id": "NOPE"}, "branch_id"), ({"state": "in_service"}, "state"),
        ({"colour": "red"}, "colour"), ({"serial": 10000000001}, "serial"),
    ]
    for change, field in cases:
        reply = api.call("POST", "/v1/meters", {**base, **change}, headers)
        assert reply.status == 400, change
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert field in [problem["field"] for problem in reply.body["errors"]], (change, reply.body)
    assert api.call("GET", "/v1/meters", headers=headers).body["items"] == []
    model = api.call("DELETE", f"/v1/archives/meter-models/{model_id}", headers=headers)
    assert model.status == 204


def test_the_meter_model_is_counted_while_meters_use_it(api: Api) -> None:
    _, headers = api.new_tenant()
    first = meter_model(api, headers, "A")
    second = meter_model(api, headers, "B")
    new_meter(api, headers, "20000000001", first)
    assert api.call("DELETE", f"/v1/archives/meter-models/{first}", headers=headers).status == 409
    moved = api.call("PATCH", "/v1/meters/20000000001", {"model_id": second}, headers)
    assert moved.status == 200 and moved.body["model_id"] == second
    assert api.call("DELETE", f"/v1/archives/meter-models/{first}", headers=headers).status == 204
    assert api.call("DELETE", f"/v1/archives/meter-models/{second}", headers=headers).status == 409


def test_lists_filter_by_status_model_branch_and_serial_prefix(api: Api) -> None:
    _, headers = api.new_tenant()
    model_a, model_b = meter_model(api, headers, "A"), meter_model(api, headers, "B")
    north, south = branch(api, headers, "N"), branch(api, headers, "S")
    new_meter(api, headers, "30000000001", model_a, branch_id=north)
    new_meter(api, headers, "30000000002", model_b, branch_id=north, state="maintenance")
    new_meter(api, headers, "31000000003", model_a, branch_id=south)

    def serials(path: str) -> list[str]:
        reply = api.call("GET", path, headers=headers)
        assert reply.status == 200, reply.body
        return [meter["serial"] for meter in reply.body["items"]]

    assert serials("/v1/meters") == ["30000000001", "30000000002", "31000000003"]
    assert serials("/v1/meters?status=in_warehouse") == ["30000000001", "31000000003"]
    assert serials(f"/v1/meters?model={model_b}") == ["30000000002"]
    assert serials(f"/v1/meters?branch={north}") == ["30000000001", "30000000002"]
    assert serials(f"/v1/meters?branch={north}&status=maintenance") == ["30000000002"]
    assert serials("/v1/meters?q=300") == ["30000000001", "30000000002"]
    assert serials(f"/v1/meters?status=in_warehouse&model={model_a}&q=31") == ["31000000003"]
    listed = api.call("GET", "/v1/meters?status=in_warehouse", headers=headers).body["items"][0]
    assert set(IDENTITY_FIELDS) | {"serial"} <= set(listed)
    bad = api.call("GET", "/v1/meters?status=lost", headers=headers)
    assert bad.status == 400 and bad.body["errors"][0]["field"] == "status"


def test_lists_page_with_cursors(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    for number in range(5):
        new_meter(api, headers, f"4000000000{number}", model_id)
    seen: list[str] = []
    cursor = None
    while True:
        path = "/v1/meters?status=in_warehouse&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", path, headers=headers).body
        seen += [meter["serial"] for meter in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"4000000000{number}" for number in range(5)]


def test_patch_changes_identity_and_moves_state_only_between_warehouse_states(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    new_meter(api, headers, "50000000001", model_id)
    changed = api.call("PATCH", "/v1/meters/50000000001", {"sgc": "654321", "krn": 2, "version": 1}, headers)
    assert changed.status == 200 and (changed.body["sgc"], changed.body["krn"], changed.body["version"]) == (
        "654321", 2, 2)
    stale = api.call("PATCH", "/v1/meters/50000000001", {"ti": 3, "version": 1}, headers)
    assert stale.status == 409
    repair = api.call("PATCH", "/v1/meters/50000000001", {"state": "maintenance", "reason": "display broken"},
                      headers)
    assert repair.body["state"] == "maintenance"
    refused = api.call("PATCH", "/v1/meters/50000000001", {"state": "in_service"}, headers)
    assert refused.status == 400 and refused.body["errors"][0]["field"] == "state"
    nulled = api.call("PATCH", "/v1/meters/50000000001", {"sgc": None}, headers)
    assert nulled.status == 400 and nulled.body["errors"][0]["field"] == "sgc"
    history = api.call("GET", "/v1/meters/50000000001/history", headers=headers).body["items"]
    assert [(entry["to"], entry["reason"]) for entry in history] == [
        ("maintenance", "display broken"), ("in_warehouse", "registered")]
    shown = api.call("GET", "/v1/meters/50000000001", headers=headers).body
    assert shown["state"] == "maintenance" and shown["ti"] == 1


def test_a_meter_of_another_tenant_is_not_found_and_unchanged(api: Api) -> None:
    _, owner = api.new_tenant()
    _, intruder = api.new_tenant()
    model_id = meter_model(api, owner)
    new_meter(api, owner, "60000000001", model_id)
    assert api.call("GET", "/v1/meters/60000000001", headers=intruder).status == 404
    assert api.call("PATCH", "/v1/meters/60000000001", {"remark": "mine"}, intruder).status == 404
    assert api.call("GET", "/v1/meters/60000000001/history", headers=intruder).status == 404
    assert api.call("GET", "/v1/meters", headers=intruder).body["items"] == []
    assert api.call("GET", "/v1/meters/60000000001", headers=owner).body["remark"] == ""


def test_meter_changes_are_audited(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    new_meter(api, headers, "70000000001", model_id)
    api.call("PATCH", "/v1/meters/70000000001", {"remark": "sealed"}, headers)
    trail = api.call("GET", "/v1/audit?entity=meter&entity_id=70000000001", headers=headers).body["items"]
    assert [entry["action"] for entry in trail] == ["update", "create"]
    assert trail[0]["after"]["remark"] == "sealed" and trail[0]["before"]["remark"] == ""
