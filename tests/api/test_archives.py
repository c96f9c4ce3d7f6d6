"""Archives: create/list/get/update/delete, unique codes, references that block deletes, trees, search, paging."""

from __future__ import annotations

from tests.api.conftest import Api


def _create(api: Api, headers: dict[str, str], kind: str, body: dict[str, object]) -> dict[str, object]:
    reply = api.call("POST", f"/v1/archives/{kind}", body, headers)
    assert reply.status == 201, reply.body
    return reply.body


def test_create_answers_201_with_the_stored_record_and_id(api: Api) -> None:
    _, headers = api.new_tenant()
    branch = _create(api, headers, "branches", {"code": "BR1", "name": "Central", "phone": "+254 700 000"})
    assert branch["id"] and branch["code"] == "BR1" and branch["version"] == 1
    fetched = api.call("GET", f"/v1/archives/branches/{branch['id']}", headers=headers)
    assert fetched.body["name"] == "Central"
    assert fetched.body["phone"] == "+254 700 000"


def test_money_fields_round_trip_at_the_tenant_decimals(api: Api) -> None:
    _, headers = api.new_tenant(decimals=2)
    item = _create(api, headers, "charge-items", {"code": "SVC", "name": "Service", "method": "per_times",
                                                  "amount": "12.5"})
    assert item["amount"] == "12.50"
    too_fine = api.call("POST", "/v1/archives/charge-items",
                        {"code": "X", "name": "x", "method": "per_times", "amount": "1.005"}, headers)
    assert too_fine.status == 400
    assert too_fine.body["errors"][0]["field"] == "amount"


def test_codes_are_unique_per_kind_and_case_insensitive(api: Api) -> None:
    _, headers = api.new_tenant()
    _create(api, headers, "banks", {"code": "KCB", "name": "KCB"})
    again = api.call("POST", "/v1/archives/banks", {"code": "kcb", "name": "Other"}, headers)
    assert again.status == 409
    assert again.body["errors"][0]["field"] == "code"
    assert len(api.call("GET", "/v1/archives/banks", headers=headers).body["items"]) == 1


def test_update_changes_fields_and_version_and_checks_staleness(api: Api) -> None:
    _, headers = api.new_tenant()
    bank = _create(api, headers, "banks", {"code": "B1", "name": "First"})
    path = f"/v1/archives/banks/{bank['id']}"
    updated = api.call("PATCH", path, {"name": "First Bank", "version": 1}, headers)
    assert updated.status == 200
    assert updated.body["name"] == "First Bank" and updated.body["version"] == 2
    stale = api.call("PATCH", path, {"name": "Stale", "version": 1}, headers)
    assert stale.status == 409
    assert api.call("GET", path, headers=headers).body["name"] == "First Bank"


def test_a_referenced_record_cannot_be_deleted_until_released(api: Api) -> None:
    _, headers = api.new_tenant()
    branch = _create(api, headers, "branches", {"code": "BR", "name": "Branch"})
    point = _create(api, headers, "sales-points", {"code": "SP", "name": "Counter", "branch_id": branch["id"]})
    refused = api.call("DELETE", f"/v1/archives/branches/{branch['id']}", headers=headers)
    assert refused.status == 409
    assert api.call("DELETE", f"/v1/archives/sales-points/{point['id']}", headers=headers).status == 204
    assert api.call("DELETE", f"/v1/archives/branches/{branch['id']}", headers=headers).status == 204
    assert api.call("GET", f"/v1/archives/branches/{branch['id']}", headers=headers).status == 404


def test_a_reference_to_a_missing_record_is_refused(api: Api) -> None:
    _, headers = api.new_tenant()
    reply = api.call("POST", "/v1/archives/sales-points", {"code": "SP", "name": "x", "branch_id": "NOPE"}, headers)
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "branch_id"
    assert api.call("GET", "/v1/archives/sales-points", headers=headers).body["items"] == []


def test_moving_a_reference_releases_the_old_target(api: Api) -> None:
    _, headers = api.new_tenant()
    first = _create(api, headers, "service-types", {"code": "A", "name": "A"})
    second = _create(api, headers, "service-types", {"code": "B", "name": "B"})
    rate = _create(api, headers, "service-rates", {"code": "R", "name": "R", "service_type_id": first["id"],
                                                   "price": "2"})
    api.call("PATCH", f"/v1/archives/service-rates/{rate['id']}", {"service_type_id": second["id"]}, headers)
    assert api.call("DELETE", f"/v1/archives/service-types/{first['id']}", headers=headers).status == 204
    assert api.call("DELETE", f"/v1/archives/service-types/{second['id']}", headers=headers).status == 409


def test_region_tree_blocks_cycles_parent_deletes_and_excess_depth(api: Api) -> None:
    _, headers = api.new_tenant(region_levels=3)
    top = _create(api, headers, "regions", {"code": "R1", "name": "Province"})
    middle = _create(api, headers, "regions", {"code": "R2", "name": "District", "parent_id": top["id"]})
    leaf = _create(api, headers, "regions", {"code": "R3", "name": "Area", "parent_id": middle["id"]})
    too_deep = api.call("POST", "/v1/archives/regions", {"code": "R4", "name": "x", "parent_id": leaf["id"]}, headers)
    assert too_deep.status == 400 and too_deep.body["errors"][0]["field"] == "parent_id"
    cycle = api.call("PATCH", f"/v1/archives/regions/{top['id']}", {"parent_id": leaf["id"]}, headers)
    assert cycle.status == 400
    assert api.call("DELETE", f"/v1/archives/regions/{top['id']}", headers=headers).status == 409
    children = api.call("GET", f"/v1/archives/regions?parent={top['id']}", headers=headers)
    assert [child["code"] for child in children.body["items"]] == ["R2"]


def test_search_exact_fuzzy_and_prefix(api: Api) -> None:
    _, headers = api.new_tenant()
    for code, name in (("NBO", "Nairobi"), ("MSA", "Mombasa"), ("KSM", "Kisumu")):
        _create(api, headers, "sites", {"code": code, "name": name})
    exact = api.call("GET", "/v1/archives/sites?q=msa&match=exact", headers=headers)
    assert [site["name"] for site in exact.body["items"]] == ["Mombasa"]
    fuzzy = api.call("GET", "/v1/archives/sites?q=su", headers=headers)
    assert [site["code"] for site in fuzzy.body["items"]] == ["KSM"]
    prefix = api.call("GET", "/v1/archives/sites?q=Mo&match=prefix", headers=headers)
    assert [site["code"] for site in prefix.body["items"]] == ["MSA"]


def test_lists_page_with_opaque_cursors(api: Api) -> None:
    _, headers = api.new_tenant()
    for number in range(7):
        _create(api, headers, "voltage-levels", {"code": f"V{number}", "name": f"{number} kV", "kilovolts": number})
    seen: list[str] = []
    cursor = None
    while True:
        path = "/v1/archives/voltage-levels?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", path, headers=headers).body
        seen += [record["code"] for record in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"V{number}" for number in range(7)]
    assert len(seen) == 7


def test_every_change_is_in_the_audit_trail(api: Api) -> None:
    _, headers = api.new_tenant()
    bank = _create(api, headers, "banks", {"code": "AUD", "name": "Before"})
    api.call("PATCH", f"/v1/archives/banks/{bank['id']}", {"name": "After"}, headers)
    api.call("DELETE", f"/v1/archives/banks/{bank['id']}", headers=headers)
    trail = api.call("GET", f"/v1/audit?entity=banks&entity_id={bank['id']}", headers=headers).body["items"]
    assert [entry["action"] for entry in trail] == ["delete", "update", "create"]
    update = trail[1]
    assert update["before"]["name"] == "Before" and update["after"]["name"] == "After"
    assert update["username"] == "admin"


def test_unknown_kind_is_404(api: Api) -> None:
    _, headers = api.new_tenant()
    reply = api.call("GET", "/v1/archives/spaceships", headers=headers)
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"
