"""Bad input always answers 4xx problem+json naming the field, and leaves the table as it was."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api

BAD_BRANCH_BODIES: list[tuple[Any, str]] = [
    ({"name": "no code"}, "code"),
    ({"code": "B", "name": 42}, "name"),
    ({"code": "B", "name": "x" * 101}, "name"),
    ({"code": "has space", "name": "x"}, "code"),
    ({"code": "B", "name": "x", "colour": "red"}, "colour"),
    ({"code": "B", "name": "x", "phone": "call me"}, "phone"),
    ({"code": ["B"], "name": "x"}, "code"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BRANCH_BODIES)
def test_bad_archive_bodies_name_the_field_and_change_nothing(api: Api, body: Any, field: str) -> None:
    _, headers = api.new_tenant()
    reply = api.call("POST", "/v1/archives/branches", body, headers)
    assert reply.status == 400
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert field in [problem["field"] for problem in reply.body["errors"]]
    assert api.call("GET", "/v1/archives/branches", headers=headers).body["items"] == []


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b"\xff\xfe", b"null", b"x" * 1_000_001])
def test_bodies_that_are_not_json_objects_are_refused(api: Api, raw: bytes) -> None:
    _, headers = api.new_tenant()
    reply = api.call("POST", "/v1/archives/banks", headers=headers, raw=raw)
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "body"


def test_bad_tenant_settings_name_the_field(api: Api) -> None:
    cases = [
        ({"decimals": 3}, "decimals"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"currency": "shillings"}, "currency"),
        ({"languages": ["de"]}, "languages"),
        ({"sts_base_date": 2000}, "sts_base_date"),
        ({"admin": {"username": "admin", "password": "short"}}, "admin.password"),
    ]
    for change, field in cases:
        body = {"id": "okay-tenant", "name": "n", "currency": "KES", "decimals": 2, "timezone": "UTC",
                "admin": {"username": "admin", "password": "admin-pass-1"}, **change}
        reply = api.call("POST", "/v1/platform/tenants", body, api.platform_headers)
        assert reply.status == 400, change
        assert field in [problem["field"] for problem in reply.body["errors"]], reply.body
    assert api.call("GET", "/v1/platform/tenants/okay-tenant", headers=api.platform_headers).status == 404


def test_bad_query_parameters_are_refused(api: Api) -> None:
    _, headers = api.new_tenant()
    for query, field in (("limit=0", "limit"), ("limit=abc", "limit"), ("limit=9999", "limit"),
                         ("cursor=%%%", "cursor"), ("match=regex&q=a", "match")):
        reply = api.call("GET", f"/v1/archives/banks?{query}", headers=headers)
        assert reply.status == 400, query
        assert reply.body["errors"][0]["field"] == field


def test_a_failed_update_leaves_the_record_unchanged(api: Api) -> None:
    _, headers = api.new_tenant()
    tariff = api.call("POST", "/v1/archives/tariffs",
                      {"code": "T", "name": "Step", "type": "step", "price": "1",
                       "steps": [{"up_to_kwh": 100, "price": "0.5"}, {"price": "1"}]}, headers).body
    bad = api.call("PATCH", f"/v1/archives/tariffs/{tariff['id']}",
                   {"steps": [{"up_to_kwh": 100, "price": "0.5"}]}, headers)
    assert bad.status == 400
    assert api.call("GET", f"/v1/archives/tariffs/{tariff['id']}", headers=headers).body == tariff
