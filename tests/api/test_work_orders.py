"""Points of collection and installer work orders: assign stock meters, installers see and complete only
their own, completion records the point, sets the ratio and fits the module."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.test_customers import Setup, archive, meters, register, setup


def network(api: Api, s: Setup) -> dict[str, str]:
    site = archive(api, s.headers, "sites", {"code": "S1", "name": "Village"})
    project = archive(api, s.headers, "projects", {"code": "P1", "name": "Phase 1", "site_id": site})
    grid = archive(api, s.headers, "power-grids", {"code": "G1", "name": "Grid 1", "project_id": project})
    service = archive(api, s.headers, "service-types", {"code": "EL", "name": "Electricity"})
    rate = archive(api, s.headers, "service-rates",
                   {"code": "R1", "name": "Household", "service_type_id": service, "price": "0.25"})
    return {"site_id": site, "project_id": project, "grid_id": grid, "service_rate_id": rate}


def point(net: dict[str, str], customer: str, **extra: Any) -> dict[str, Any]:
    return {"name": f"POC {customer}", "customer_code": customer, **net, "latitude": -1.2921, "longitude": 36.8219,
            **extra}


def installer(api: Api, s: Setup, username: str) -> dict[str, str]:
    role = api.call("GET", "/v1/archives/roles?q=INSTALL&match=exact", headers=s.headers).body["items"]
    role_id = role[0]["id"] if role else archive(
        api, s.headers, "roles", {"code": "INSTALL", "name": "Installer", "permissions": ["work-orders:execute"]})
    made = api.call("POST", "/v1/operators", {"username": username, "display_name": username, "roles": [role_id],
                                              "password": "install-pass-1"}, s.headers)
    assert made.status == 201, made.body
    return api.login(s.tenant_id, username, "install-pass-1")


def test_a_point_of_collection_places_a_customers_meter_on_the_grid(api: Api) -> None:
    s = setup(api)
    net = network(api, s)
    bill = register(api, s, "C-401", "33000000401")
    created = api.call("POST", "/v1/points-of-collection", {"serial": "33000000401", **point(net, "c-401")}, s.headers)
    assert created.status == 201, created.body
    assert api.call("POST", f"/v1/register-bills/{bill['id']}/uncheck", headers=s.headers).status == 409
    assert (created.body["customer_code"], created.body["latitude"], created.body["version"]) == (
        "C-401", "-1.292100", 1)
    listed = api.call("GET", f"/v1/points-of-collection?grid={net['grid_id']}", headers=s.headers).body["items"]
    assert [p["serial"] for p in listed] == ["33000000401"]
    by_customer = api.call("GET", "/v1/points-of-collection?customer=C-401", headers=s.headers).body["items"]
    assert [p["name"] for p in by_customer] == ["POC c-401"]
    assert api.call("DELETE", f"/v1/archives/power-grids/{net['grid_id']}", headers=s.headers).status == 409
    renamed = api.call("PATCH", "/v1/points-of-collection/33000000401", {"name": "Kiosk", "version": 1}, s.headers)
    assert renamed.status == 200 and (renamed.body["name"], renamed.body["version"]) == ("Kiosk", 2)
    again = api.call("POST", "/v1/points-of-collection", {"serial": "33000000401", **point(net, "C-401")}, s.headers)
    assert again.status == 409
    assert api.call("DELETE", "/v1/points-of-collection/33000000401", headers=s.headers).status == 204
    assert api.call("DELETE", f"/v1/archives/power-grids/{net['grid_id']}", headers=s.headers).status == 204


def test_a_point_must_fit_the_network_and_the_contract(api: Api) -> None:
    s = setup(api)
    net = network(api, s)
    other_site = archive(api, s.headers, "sites", {"code": "S2", "name": "Elsewhere"})
    register(api, s, "C-411", "33000000411")
    register(api, s, "C-412", "33000000412")
    cases = [
        ({"site_id": other_site}, 400, "project_id"),
        ({"grid_id": "NOPE"}, 400, "grid_id"),
        ({"customer_code": "NOBODY"}, 400, "customer_code"),
        ({"customer_code": "C-412"}, 409, "customer_code"),
        ({"latitude": 91}, 400, "latitude"),
        ({"serial": "39999999999"}, 400, "serial"),
    ]
    for change, status, field in cases:
        body = {"serial": "33000000411", **point(net, "C-411"), **change}
        reply = api.call("POST", "/v1/points-of-collection", body, s.headers)
        assert reply.status == status, (change, reply.body)
        assert reply.body["errors"][0]["field"] == field, (change, reply.body)
    assert api.call("GET", "/v1/points-of-collection", headers=s.headers).body["items"] == []


def test_installers_see_and_complete_only_their_own_orders(api: Api) -> None:
    s = setup(api)
    net = network(api, s)
    meters(api, s, "33000000421", "33000000422")
    register(api, s, "C-421", "33000000429")
    ann, bob = installer(api, s, "ann"), installer(api, s, "bob")
    assigned = api.call("POST", "/v1/work-orders", {"installer": "Ann", "date": "2024-02-02",
                                                    "serials": ["33000000421", "33000000422"]}, s.headers)
    assert assigned.status == 201, assigned.body
    first, second = (order["id"] for order in assigned.body["items"])
    assert {order["state"] for order in assigned.body["items"]} == {"assigned"}

    assert {o["id"] for o in api.call("GET", "/v1/work-orders", headers=ann).body["items"]} == {first, second}
    assert api.call("GET", "/v1/work-orders", headers=bob).body["items"] == []
    assert api.call("GET", f"/v1/work-orders/{first}", headers=bob).status == 404
    assert api.call("POST", f"/v1/work-orders/{first}/start", headers=bob).status == 404
    assert api.call("POST", "/v1/work-orders", {"installer": "bob", "date": "2024-02-02",
                                                "serials": ["33000000421"]}, ann).status == 403

    started = api.call("POST", f"/v1/work-orders/{first}/start", headers=ann)
    assert started.status == 200 and started.body["state"] == "in_progress"
    wrong = api.call("POST", f"/v1/work-orders/{first}/complete",
                     {"meter_sn": "33000000422", "point": point(net, "C-421")}, ann)
    assert wrong.status == 400 and wrong.body["errors"][0]["field"] == "meter_sn"
    done = api.call("POST", f"/v1/work-orders/{first}/complete",
                    {"meter_sn": "33000000421", "ct_ratio": 50, "point": point(net, "C-421")}, ann)
    assert done.status == 200, done.body
    assert (done.body["state"], done.body["completion"]["ct_ratio"]) == ("completed", 50)
    assert api.call("GET", "/v1/meters/33000000421", headers=s.headers).body["ratio"] == 50
    placed = api.call("GET", "/v1/points-of-collection/33000000421", headers=s.headers).body
    assert (placed["customer_code"], placed["created_by"]) == ("C-421", "ann")
    assert api.call("POST", f"/v1/work-orders/{first}/complete",
                    {"meter_sn": "33000000421", "point": point(net, "C-421")}, ann).status == 409

    mine = api.call("GET", "/v1/work-orders?state=completed", headers=ann).body["items"]
    assert [o["id"] for o in mine] == [first]
    everyone = api.call("GET", "/v1/work-orders?state=assigned", headers=s.headers).body["items"]
    assert [o["id"] for o in everyone] == [second]
    assert api.call("POST", f"/v1/work-orders/{second}/cancel", {"reason": "no access"}, ann).status == 403
    cancelled = api.call("POST", f"/v1/work-orders/{second}/cancel", {"reason": "no access"}, s.headers)
    assert cancelled.status == 200 and cancelled.body["state"] == "cancelled"
    reassigned = api.call("POST", "/v1/work-orders", {"installer": "bob", "date": "2024-02-03",
                                                      "serials": ["33000000422"]}, s.headers)
    assert reassigned.status == 201


def test_assignments_are_refused_for_busy_or_missing_meters_and_unknown_installers(api: Api) -> None:
    s = setup(api)
    meters(api, s, "33000000431")
    register(api, s, "C-431", "33000000432")
    installer(api, s, "cat")
    base = {"installer": "cat", "date": "2024-02-02", "serials": ["33000000431"]}
    assert api.call("POST", "/v1/work-orders", base, s.headers).status == 201
    cases = [
        ({"serials": ["33000000431"]}, 409, "serials"),
        ({"serials": ["33000000432"]}, 409, "serials[0]"),
        ({"serials": ["39999999999"]}, 400, "serials[0]"),
        ({"installer": "nobody"}, 400, "installer"),
        ({"date": "someday"}, 400, "date"),
        ({"serials": []}, 400, "serials"),
    ]
    for change, status, field in cases:
        reply = api.call("POST", "/v1/work-orders", {**base, **change}, s.headers)
        assert reply.status == status, (change, reply.body)
        assert reply.body["errors"][0]["field"] == field, (change, reply.body)
    assert len(api.call("GET", "/v1/work-orders?installer=cat", headers=s.headers).body["items"]) == 1


def test_completion_fits_the_scanned_module(api: Api) -> None:
    s = setup(api)
    net = network(api, s)
    meters(api, s, "33000000441")
    register(api, s, "C-441", "33000000449")
    dan = installer(api, s, "dan")
    assert api.call("POST", "/v1/devices", {"kind": "module", "device_id": "MOD-441"}, s.headers).status == 201
    order = api.call("POST", "/v1/work-orders", {"installer": "dan", "date": "2024-02-02",
                                                 "serials": ["33000000441"]}, s.headers).body["items"][0]
    unknown = api.call("POST", f"/v1/work-orders/{order['id']}/complete",
                       {"meter_sn": "33000000441", "module_sn": "MOD-X", "point": point(net, "C-441")}, dan)
    assert unknown.status == 400 and unknown.body["errors"][0]["field"] == "module_sn"
    assert api.call("GET", "/v1/points-of-collection/33000000441", headers=s.headers).status == 404
    done = api.call("POST", f"/v1/work-orders/{order['id']}/complete",
                    {"meter_sn": "33000000441", "module_sn": "MOD-441", "point": point(net, "C-441")}, dan)
    assert done.status == 200, done.body
    assert api.call("GET", "/v1/meters/33000000441", headers=s.headers).body["module_id"] == "MOD-441"
    assert api.call("GET", "/v1/points-of-collection/33000000441", headers=s.headers).body["module_sn"] == "MOD-441"
