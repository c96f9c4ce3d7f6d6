"""Export jobs write the report file to the reports bucket (moto server) and hand out a presigned link;
exporting needs reports:export or report-exports:<that report>."""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Iterator
from decimal import Decimal

import pytest

from functions.reports.routes import reports as report_module
from tests.api.conftest import Api
from tests.api.test_reports import sold_shop
from tests.api.test_roles_and_operators import _operator_with
from tests.api.vending_setup import _master_key
from tests.fixtures.local_services import LocalEndpoint, moto_server

__all__ = ["_master_key", "moto_server"]


@pytest.fixture
def reports_bucket(moto_server: LocalEndpoint, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("GRIDVEND_REPORTS_BUCKET", "gridvend-reports-test")
    report_module._bucket.cache_clear()
    yield "gridvend-reports-test"
    report_module._bucket.cache_clear()


def test_an_export_job_writes_the_file_and_its_link_downloads_the_report(api: Api, reports_bucket: str) -> None:
    shop, receipts = sold_shop(api, ["12000000051"], ["45.00", "15.00"])
    started = api.call("POST", "/v1/reports/sales-daily/exports?format=csv&group=day", headers=shop.headers)
    assert started.status == 201, started.body
    job = started.body
    assert job["status"] == "done" and job["progress"] == 100 and job["rows"] == 1
    with urllib.request.urlopen(job["download_url"], timeout=10) as reply:
        lines = list(csv.reader(io.StringIO(reply.read().decode())))
    assert lines[0][0] == "Day"
    assert Decimal(lines[1][lines[0].index("Sales amount")]) == sum(
        Decimal(r["breakdown"]["net_amount"]) for r in receipts)
    again = api.call("GET", f"/v1/report-exports/{job['id']}", headers=shop.headers)
    assert again.status == 200 and again.body["status"] == "done" and again.body["download_url"]
    other = sold_shop(api, ["12000000052"], ["10.00"])[0]
    assert api.call("GET", f"/v1/report-exports/{job['id']}", headers=other.headers).status == 404


def test_a_per_report_export_right_exports_that_report_only(api: Api) -> None:
    shop, _ = sold_shop(api, ["12000000061"], ["10.00"])
    limited = _operator_with(api, shop.headers, shop.tenant_id, ["reports:view", "report-exports:vat"])
    assert api.call("GET", "/v1/reports/vat?format=csv", headers=limited).status == 200
    assert api.call("GET", "/v1/reports/sales-daily?format=csv", headers=limited).status == 403
    assert api.call("GET", "/v1/reports/sales-daily", headers=limited).status == 200
    other_tenant, other_admin = api.new_tenant()
    viewer = _operator_with(api, other_admin, other_tenant, ["vending:view"])
    assert api.call("GET", "/v1/reports/sales-daily", headers=viewer).status == 403
