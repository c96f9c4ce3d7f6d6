"""Communication devices: CRUD by kind, SIMs in one device at a time, one module per meter and one meter
per module, many meters per concentrator, and nothing in use can be deleted."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.test_meters import meter_model, new_meter

ICCID = "8925402000000000001"


def device(api: Api, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("POST", "/v1/devices", body, headers)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_devices_of_each_kind_are_registered_listed_and_changed(api: Api) -> None:
    _, headers = api.new_tenant()
    sim = device(api, headers, {"kind": "sim", "device_id": ICCID, "phone": "+254 700 111222"})
    assert sim["used_by"] is None
    module = device(api, headers, {"kind": "module", "device_id": "gm-001", "network": "gprs", "sim_id": ICCID})
    assert module["device_id"] == "GM-001" and module["meter_serial"] is None
    assert api.call("GET", f"/v1/devices/{ICCID}", headers=headers).body["used_by"] == "GM-001"
    device(api, headers, {"kind": "concentrator", "device_id": "DPU-1", "ip": "192.168.11.254", "port": 4003})
    device(api, headers, {"kind": "concentrator", "device_id": "DPU-2", "connection": "serial",
                          "serial_port": "COM1", "baud_rate": 2400, "parity": "even"})
    device(api, headers, {"kind": "hhu", "device_id": "HHU-7", "holder": "field team"})
    kinds = api.call("GET", "/v1/devices?kind=concentrator", headers=headers).body["items"]
    assert [(found["device_id"], found["meter_count"]) for found in kinds] == [("DPU-1", 0), ("DPU-2", 0)]
    everything = api.call("GET", "/v1/devices", headers=headers).body["items"]
    assert len(everything) == 5
    moved = api.call("PATCH", "/v1/devices/DPU-1", {"port": 4004, "version": 1}, headers)
    assert moved.status == 200 and moved.body["port"] == 4004 and moved.body["ip"] == "192.168.11.254"
    assert api.call("PATCH", "/v1/devices/DPU-1", {"kind": "sim"}, headers).status == 400


def test_bad_devices_name_the_field(api: Api) -> None:
    _, headers = api.new_tenant()
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"kind": "toaster", "device_id": "X"}, 400, "kind"),
        ({"kind": "concentrator", "device_id": "D", "ip": "999.1.1.1", "port": 1}, 400, "ip"),
        ({"kind": "concentrator", "device_id": "D", "port": 1}, 400, "ip"),
        ({"kind": "concentrator", "device_id": "D", "connection": "serial"}, 400, "serial_port"),
        ({"kind": "concentrator", "device_id": "D", "ip": "10.0.0.1", "port": 70000}, 400, "port"),
        ({"kind": "sim", "device_id": "123", "phone": "1"}, 400, "device_id"),
        ({"kind": "module", "device_id": "M 1"}, 400, "device_id"),
        ({"kind": "module", "device_id": "M1", "imei": "12"}, 400, "imei"),
        ({"kind": "module", "device_id": "M1", "sim_id": "8925402000000000999"}, 400, "sim_id"),
    ]
    for body, status, field in cases:
        reply = api.call("POST", "/v1/devices", body, headers)
        assert reply.status == status, (body, reply.body)
        assert field in [problem["field"] for problem in reply.body["errors"]], (body, reply.body)
    assert api.call("GET", "/v1/devices", headers=headers).body["items"] == []


def test_a_sim_sits_in_one_device_and_frees_when_it_leaves(api: Api) -> None:
    _, headers = api.new_tenant()
    device(api, headers, {"kind": "sim", "device_id": ICCID, "phone": "0700"})
    device(api, headers, {"kind": "module", "device_id": "M1", "sim_id": ICCID})
    taken = api.call("POST", "/v1/devices", {"kind": "module", "device_id": "M2", "sim_id": ICCID}, headers)
    assert taken.status == 409 and taken.body["errors"][0]["field"] == "sim_id"
    assert api.call("GET", "/v1/devices/M2", headers=headers).status == 404
    assert api.call("DELETE", f"/v1/devices/{ICCID}", headers=headers).status == 409
    assert api.call("PATCH", "/v1/devices/M1", {"sim_id": None}, headers).status == 200
    assert api.call("GET", f"/v1/devices/{ICCID}", headers=headers).body["used_by"] is None
    assert api.call("DELETE", f"/v1/devices/{ICCID}", headers=headers).status == 204


def test_one_module_per_meter_and_one_meter_per_module(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    new_meter(api, headers, "80000000001", model_id)
    new_meter(api, headers, "80000000002", model_id)
    device(api, headers, {"kind": "module", "device_id": "M1"})
    device(api, headers, {"kind": "module", "device_id": "M2"})
    bound = api.call("POST", "/v1/meters/80000000001/bind", {"device_id": "m1"}, headers)
    assert bound.status == 200 and bound.body["module_id"] == "M1"
    assert api.call("GET", "/v1/devices/M1", headers=headers).body["meter_serial"] == "80000000001"
    second_module = api.call("POST", "/v1/meters/80000000001/bind", {"device_id": "M2"}, headers)
    assert second_module.status == 409 and second_module.body["errors"][0]["field"] == "device_id"
    second_meter = api.call("POST", "/v1/meters/80000000002/bind", {"device_id": "M1"}, headers)
    assert second_meter.status == 409
    assert api.call("GET", "/v1/meters/80000000002", headers=headers).body["module_id"] is None
    assert api.call("DELETE", "/v1/devices/M1", headers=headers).status == 409
    assert api.call("POST", "/v1/meters/80000000001/unbind", {"device_id": "M2"}, headers).status == 409
    assert api.call("POST", "/v1/meters/80000000001/unbind", {"device_id": "M1"}, headers).status == 200
    assert api.call("POST", "/v1/meters/80000000002/bind", {"device_id": "M1"}, headers).status == 200
    trail = api.call("GET", "/v1/audit?entity=meter&entity_id=80000000001", headers=headers).body["items"]
    assert [entry["action"] for entry in trail][:2] == ["unbind", "bind"]


def test_a_concentrator_serves_many_meters_up_to_its_maximum(api: Api) -> None:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers)
    for serial in ("81000000001", "81000000002", "81000000003"):
        new_meter(api, headers, serial, model_id)
    device(api, headers, {"kind": "concentrator", "device_id": "DPU", "ip": "10.0.0.1", "port": 4001,
                          "max_meters": 2})
    for serial in ("81000000001", "81000000002"):
        assert api.call("POST", f"/v1/meters/{serial}/bind", {"device_id": "DPU"}, headers).status == 200
    full = api.call("POST", "/v1/meters/81000000003/bind", {"device_id": "DPU"}, headers)
    assert full.status == 409
    on_it = api.call("GET", "/v1/meters?concentrator=DPU", headers=headers).body["items"]
    assert [meter["serial"] for meter in on_it] == ["81000000001", "81000000002"]
    assert api.call("GET", "/v1/devices/DPU", headers=headers).body["meter_count"] == 2
    stale = api.call("PATCH", "/v1/devices/DPU", {"port": 4002, "version": 1}, headers)
    assert stale.status == 409
    api.call("POST", "/v1/meters/81000000001/unbind", {"device_id": "DPU"}, headers)
    assert api.call("POST", "/v1/meters/81000000003/bind", {"device_id": "DPU"}, headers).status == 200


def test_only_modules_and_concentrators_bind_and_only_in_the_own_tenant(api: Api) -> None:
    _, headers = api.new_tenant()
    _, other = api.new_tenant()
    model_id = meter_model(api, headers)
    new_meter(api, headers, "82000000001", model_id)
    device(api, headers, {"kind": "sim", "device_id": ICCID, "phone": "0700"})
    device(api, other, {"kind": "module", "device_id": "FOREIGN"})
    sim = api.call("POST", "/v1/meters/82000000001/bind", {"device_id": ICCID}, headers)
    assert sim.status == 400 and sim.body["errors"][0]["field"] == "device_id"
    foreign = api.call("POST", "/v1/meters/82000000001/bind", {"device_id": "FOREIGN"}, headers)
    assert foreign.status == 400
    assert api.call("POST", "/v1/meters/82000000001/bind", {"device_id": "FOREIGN"}, other).status == 404
    assert api.call("GET", "/v1/devices/FOREIGN", headers=other).body["meter_serial"] is None
    assert api.call("GET", "/v1/devices/FOREIGN", headers=headers).status == 404
