"""Billing report templates: a tenant defines the columns of its usage export (archive CRUD), and an export with
a template has exactly those columns, with figures equal to the ones computed here from the readings."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from functions.reports.routes import reports as report_module
from tests.api.conftest import Api
from tests.api.line_loss_setup import at, send_readings


class FakeBucket:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = body

    def link(self, key: str, filename: str) -> str:
        return f"https://bucket.example/{key}"


@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBucket]:
    fake = FakeBucket()
    monkeypatch.setattr(report_module, "_bucket", lambda: fake)
    yield fake


TEMPLATE = {
    "code": "MONTHLY", "name": "Monthly usage", "file_type": "csv", "sheet_name": "Usage",
    "fields": [
        {"title": "Meter No.", "value": "meter"},
        {"title": "Used (kWh)", "value": "consumption_kwh"},
        {"title": "", "value": "end_reading_kwh"},
    ],
}


def exported_rows(bucket: FakeBucket, job: dict[str, Any]) -> list[list[str]]:
    [body] = [content for key, content in bucket.objects.items() if key.endswith(f"{job['id']}.csv")]
    return list(csv.reader(io.StringIO(body.decode())))


def test_an_export_with_a_template_has_its_columns_and_the_usage_of_each_meter(api: Api, bucket: FakeBucket) -> None:
    tenant_id, headers = api.new_tenant()
    created = api.call("POST", "/v1/archives/billing-templates", TEMPLATE, headers)
    assert created.status == 201, created.body
    send_readings(api, tenant_id, [
        ("BM1", at("2026-01-05"), 100_000, 0), ("BM1", at("2026-01-25"), 160_500, 0),
        ("BM1", at("2026-02-02"), 170_000, 0), ("BM1", at("2026-02-20"), 200_000, 0),
        ("BM2", at("2026-02-10"), 5_000, 0), ("BM2", at("2026-02-11"), 5_250, 0),
    ])
    body = {"template_id": created.body["id"], "from": "2026-01", "to": "2026-02"}
    started = api.call("POST", "/v1/billing-exports", body, headers)
    assert started.status == 201, started.body
    assert started.body["status"] == "done" and started.body["format"] == "csv"
    rows = exported_rows(bucket, started.body)
    assert rows[0] == ["Meter No.", "Used (kWh)", "End reading kWh"]
    assert rows[1:] == [["BM1", "90.500", "200.000"], ["BM2", "0.250", "5.250"]]

    changed = api.call("PATCH", f"/v1/archives/billing-templates/{created.body['id']}",
                       {"fields": [{"title": "Serial", "value": "meter"}], "version": created.body["version"]},
                       headers)
    assert changed.status == 200, changed.body
    again = api.call("POST", "/v1/billing-exports", {**body, "from": "2026-02", "to": None}, headers)
    assert exported_rows(bucket, again.body) == [["Serial"], ["BM1"], ["BM2"]]


def test_bad_templates_and_exports_are_refused_and_tenants_keep_apart(api: Api, bucket: FakeBucket) -> None:
    _, headers = api.new_tenant()
    bad_templates: list[tuple[dict[str, Any], str]] = [
        ({**TEMPLATE, "fields": []}, "fields"),
        ({**TEMPLATE, "fields": [{"title": "x", "value": "password"}]}, "fields"),
        ({**TEMPLATE, "file_type": "doc"}, "file_type"),
    ]
    for bad, field_name in bad_templates:
        reply = api.call("POST", "/v1/archives/billing-templates", bad, headers)
        assert reply.status == 400 and field_name in str(reply.body), reply.body
    template_id = api.call("POST", "/v1/archives/billing-templates", TEMPLATE, headers).body["id"]
    bad_exports: list[tuple[dict[str, Any], str]] = [
        ({"from": "2026-01"}, "template_id"),
        ({"template_id": template_id}, "from"),
        ({"template_id": template_id, "from": "2026-13"}, "from"),
        ({"template_id": template_id, "from": "2026-01", "to": "2027-06"}, "to"),
        ({"template_id": template_id, "from": "2026-03", "to": "2026-01"}, "to"),
    ]
    for bad, field_name in bad_exports:
        reply = api.call("POST", "/v1/billing-exports", bad, headers)
        assert reply.status == 400 and field_name in str(reply.body), (bad, reply.body)
    _, other = api.new_tenant()
    reply = api.call("POST", "/v1/billing-exports", {"template_id": template_id, "from": "2026-01"}, other)
    assert reply.status == 404
