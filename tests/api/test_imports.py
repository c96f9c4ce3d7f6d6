"""Bulk imports: every row is checked first and reported by line; a file with bad rows imports nothing unless
import_good_rows is set, and then exactly the good rows; CSV and XLSX; meters, SIM cards, concentrators."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

from openpyxl import Workbook

from tests.api.conftest import Api
from tests.api.test_meters import branch, meter_model, new_meter

METER_CSV = """serial,model,sgc,branch,ti,ea,remark
12000000001,M1,123456,BR1,3,11,first
12000000002,M1,12345,BR1,,,short sgc
12000000003,NOPE,123456,,,,unknown model
12000000004,m1,123456,,,,lower-case model code

12000000001,M1,123456,,,,again in the file
12000000009,M1,123456,,,,already stored
ABC,M1,123456,,,,not a usable drn
12000000005,M1,123456,BR1,100,,ti too large
12000000006,M1,123456,,,,last
"""


def start(api: Api, headers: dict[str, str], kind: str, file_name: str, content: bytes,
          import_good_rows: bool = False) -> Any:
    body = {"kind": kind, "file_name": file_name, "content_base64": base64.b64encode(content).decode(),
            "import_good_rows": import_good_rows}
    reply = api.call("POST", "/v1/imports", body, headers)
    assert reply.status == 202, reply.body
    assert reply.headers["Location"] == f"/v1/imports/{reply.body['job_id']}"
    return reply.body


def finished(api: Api, headers: dict[str, str], job_id: str) -> Any:
    for _ in range(100):
        job = api.call("GET", f"/v1/imports/{job_id}", headers=headers).body
        if job["status"] in ("completed", "rejected", "failed"):
            return job
    raise AssertionError(f"import {job_id} did not finish")


def serials(api: Api, headers: dict[str, str]) -> list[str]:
    return [meter["serial"] for meter in api.call("GET", "/v1/meters?limit=200", headers=headers).body["items"]]


def tenant_with_model(api: Api) -> tuple[dict[str, str], str]:
    _, headers = api.new_tenant()
    model_id = meter_model(api, headers, "M1", ct_ratio=10)
    branch(api, headers, "BR1")
    new_meter(api, headers, "12000000009", model_id)
    return headers, model_id


EXPECTED_BAD_LINES = [(3, "sgc"), (4, "model"), (7, "serial"), (8, "serial"), (9, "drn"), (10, "ti")]


def test_a_file_with_bad_rows_is_rejected_whole_with_each_line_and_reason(api: Api) -> None:
    headers, _ = tenant_with_model(api)
    job = finished(api, headers, start(api, headers, "meters", "meters.csv", METER_CSV.encode())["job_id"])
    assert job["status"] == "rejected" and job["percent"] == 100
    assert [(error["line"], error["field"]) for error in job["errors"]] == EXPECTED_BAD_LINES
    reasons = {error["line"]: error["reason"] for error in job["errors"]}
    assert "duplicate of line 2" in reasons[7] and "already exists" in reasons[8] and "NOPE" in reasons[4]
    assert (job["total_rows"], job["bad_rows"], job["imported_rows"]) == (9, 6, 0)
    assert serials(api, headers) == ["12000000009"]


def test_import_good_rows_imports_exactly_the_good_ones(api: Api) -> None:
    headers, model_id = tenant_with_model(api)
    accepted = start(api, headers, "meters", "meters.csv", METER_CSV.encode(), import_good_rows=True)
    job = finished(api, headers, accepted["job_id"])
    assert job["status"] == "completed" and job["imported_rows"] == 3
    assert [(error["line"], error["field"]) for error in job["errors"]] == EXPECTED_BAD_LINES
    assert serials(api, headers) == ["12000000001", "12000000004", "12000000006", "12000000009"]
    first = api.call("GET", "/v1/meters/12000000001", headers=headers).body
    assert (first["ti"], first["ea"], first["ratio"], first["remark"], first["state"]) == (3, 11, 10, "first",
                                                                                          "in_warehouse")
    assert first["branch_id"] is not None and first["drn"] == "12000000001"
    history = api.call("GET", "/v1/meters/12000000006/history", headers=headers).body["items"]
    assert accepted["job_id"] in history[0]["reason"]
    assert api.call("DELETE", f"/v1/archives/meter-models/{model_id}", headers=headers).status == 409
    in_warehouse = api.call("GET", "/v1/meters?status=in_warehouse&q=1200000000", headers=headers).body["items"]
    assert len(in_warehouse) == 4
    listed = api.call("GET", "/v1/imports", headers=headers).body["items"]
    assert [found["job_id"] for found in listed] == [accepted["job_id"]]


def test_an_xlsx_file_imports_like_a_csv(api: Api) -> None:
    headers, _ = tenant_with_model(api)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Serial", "Model", "SGC", "KRN", "Key type"])
    sheet.append([13000000001, "M1", "600123", 2, 1])
    sheet.append(["13000000002", "M1", 600123, None, None])
    sheet.append(["13000000003", "M1", "bad", None, None])
    content = io.BytesIO()
    workbook.save(content)
    job = finished(api, headers, start(api, headers, "meters", "Meters.XLSX", content.getvalue(), True)["job_id"])
    assert job["status"] == "completed" and job["imported_rows"] == 2
    assert [(error["line"], error["field"]) for error in job["errors"]] == [(4, "sgc")]
    meter = api.call("GET", "/v1/meters/13000000001", headers=headers).body
    assert (meter["sgc"], meter["krn"], meter["key_type"]) == ("600123", 2, 1)
    assert api.call("GET", "/v1/meters/13000000002", headers=headers).body["sgc"] == "600123"


def test_sims_and_concentrators_import_as_devices(api: Api) -> None:
    _, headers = api.new_tenant()
    sims = "ICCID,Phone,Carrier\n8925402000000000011,0700 111,Safaricom\n8925402000000000011,0700 222,x\n12,0700,x\n"
    job = finished(api, headers, start(api, headers, "sims", "sims.csv", sims.encode(), True)["job_id"])
    assert job["imported_rows"] == 1
    assert [(error["line"], error["field"]) for error in job["errors"]] == [(3, "iccid"), (4, "iccid")]
    assert api.call("GET", "/v1/devices/8925402000000000011", headers=headers).body["carrier"] == "Safaricom"
    concentrators = ("device_id,name,ip,port,connection,serial_port\nDPU-1,Block A,10.0.0.1,4001,,\n"
                     "DPU-2,Block B,,,serial,COM3\nDPU-3,Block C,10.0.0.3,,,\n")
    job = finished(api, headers, start(api, headers, "concentrators", "dpu.csv", concentrators.encode())["job_id"])
    assert job["status"] == "rejected"
    assert [(error["line"], error["field"]) for error in job["errors"]] == [(4, "port")]
    assert api.call("GET", "/v1/devices?kind=concentrator", headers=headers).body["items"] == []


def test_unreadable_files_and_bad_requests(api: Api) -> None:
    headers, _ = tenant_with_model(api)
    bad_requests: list[tuple[dict[str, Any], str]] = [
        ({"kind": "meters", "file_name": "m.csv", "content_base64": "%%%"}, "content_base64"),
        ({"kind": "tariffs", "file_name": "m.csv", "content_base64": "YQ=="}, "kind"),
        ({"kind": "meters", "file_name": "m.txt", "content_base64": "YQ=="}, "file_name"),
        ({"kind": "meters", "file_name": "m.csv"}, "content_base64"),
    ]
    for body, field in bad_requests:
        reply = api.call("POST", "/v1/imports", body, headers)
        assert reply.status == 400, body
        assert reply.body["errors"][0]["field"] == field
    for file_name, content in (("m.csv", b"serial,model\n1,M1\n"), ("m.csv", b"serial,model,sgc,colour\n"),
                               ("m.xlsx", b"not a workbook"), ("m.csv", b"\xff\xfe")):
        job = finished(api, headers, start(api, headers, "meters", file_name, content, True)["job_id"])
        assert job["status"] == "rejected", (file_name, content)
        assert job["errors"][0]["line"] == 1 and job["errors"][0]["field"] == "file"
    assert serials(api, headers) == ["12000000009"]


def test_imports_need_rights_and_stay_in_the_tenant(api: Api) -> None:
    tenant_id, admin = api.new_tenant()
    _, other = api.new_tenant()
    role = api.call("POST", "/v1/archives/roles", {"code": "V", "name": "Viewer", "permissions": [
        "imports:view", "meters:create"]}, admin).body
    body = {"username": "viewer", "display_name": "V", "password": "viewer-pass-1", "roles": [role["id"]]}
    assert api.call("POST", "/v1/operators", body, admin).status == 201
    viewer = api.login(tenant_id, "viewer", "viewer-pass-1")
    request = {"kind": "meters", "file_name": "m.csv", "content_base64": base64.b64encode(b"serial\n").decode()}
    denied = api.call("POST", "/v1/imports", request, viewer)
    assert denied.status == 403 and "imports:create" in denied.body["detail"]
    job = start(api, admin, "meters", "m.csv", b"serial,model,sgc\n")
    assert api.call("GET", f"/v1/imports/{job['job_id']}", headers=viewer).status == 200
    assert api.call("GET", f"/v1/imports/{job['job_id']}", headers=other).status == 404
    assert api.call("GET", "/v1/imports", headers=other).body["items"] == []


def test_a_job_run_in_the_background_is_polled_to_completion(api: Api, monkeypatch: Any) -> None:
    monkeypatch.setenv("GRIDVEND_IMPORT_RUNNER", "thread")
    headers, _ = tenant_with_model(api)
    rows = "".join(f"14{number:09d},M1,123456\n" for number in range(1, 61))
    accepted = start(api, headers, "meters", "meters.csv", f"serial,model,sgc\n{rows}".encode())
    assert accepted["status"] in ("queued", "running", "completed")
    seen: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = api.call("GET", f"/v1/imports/{accepted['job_id']}", headers=headers).body
        seen.append(job["percent"])
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert job["status"] == "completed" and job["imported_rows"] == 60
    assert seen == sorted(seen) and seen[-1] == 100
    assert len(serials(api, headers)) == 61
