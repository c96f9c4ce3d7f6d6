"""Customer and meter reports: meter status, expiring meters, meter keys, customer information, abnormal
purchase and the login log, each checked against figures computed here from the data the test made."""

from __future__ import annotations

import base64
import csv
import io
import urllib.request
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from functions.reports.catalogue import LISTED_REPORTS
from gridvend.auth.permissions import RECORD_REPORT_NAMES
from gridvend.reports.definitions import ROLLUP_REPORTS
from tests.api.conftest import Api
from tests.api.test_meters import meter_model, new_meter
from tests.api.test_reports_exports import reports_bucket
from tests.api.test_roles_and_operators import _operator_with
from tests.api.vending_setup import Shop, _master_key, install, open_shop
from tests.fixtures.local_services import moto_server

__all__ = ["_master_key", "moto_server", "reports_bucket"]


def report(api: Api, headers: dict[str, str], name: str, query: str = "") -> Any:
    reply = api.call("GET", f"/v1/reports/{name}{query}", headers=headers)
    assert reply.status == 200, reply.body
    return reply.body


def tenant_today() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo("Africa/Nairobi")).date()


def fleet(api: Api) -> tuple[Shop, str, dict[str, dict[str, Any]]]:
    """Two meters in service (one expiring in 20 days), three in the warehouse of two models; returns the
    shop, the second model's id and what the test expects of each meter."""
    shop = open_shop(api)
    other_model = meter_model(api, shop.headers, "M2", life_years=5)
    today = tenant_today()
    soon = today.replace(year=today.year - 10) + timedelta(days=20)
    expected: dict[str, dict[str, Any]] = {
        "31000000001": {"model": "M1", "state": "in_service", "factory": soon.isoformat()},
        "31000000002": {"model": "M1", "state": "in_service", "factory": today.isoformat()},
        "31000000003": {"model": "M1", "state": "in_warehouse", "factory": None},
        "31000000004": {"model": "M2", "state": "in_warehouse", "factory": None},
        "31000000005": {"model": "M2", "state": "in_warehouse", "factory": None},
    }
    for serial, meter in expected.items():
        fields = {"factory_date": meter["factory"]} if meter["factory"] else {}
        if meter["state"] == "in_service":
            install(api, shop, serial, **fields)
        else:
            new_meter(api, shop.headers, serial, other_model if meter["model"] == "M2" else shop.model_id, **fields)
    return shop, other_model, expected


def test_meter_status_counts_by_model_using_and_state_and_lists_the_details(api: Api) -> None:
    shop, _, expected = fleet(api)
    by_model = report(api, shop.headers, "meter-status")
    assert {row["meter_model"]: row["count"] for row in by_model["rows"]} == dict(
        Counter(meter["model"] for meter in expected.values()))
    assert by_model["totals"]["count"] == len(expected)
    by_using = report(api, shop.headers, "meter-status", "?summary_by=using")
    using = Counter("using" if m["state"] == "in_service" else "in_warehouse" for m in expected.values())
    assert {row["using"]: row["count"] for row in by_using["rows"]} == dict(using)
    warehouse = report(api, shop.headers, "meter-status", "?view=detail&using=in_warehouse")
    assert [row["serial"] for row in warehouse["rows"]] == sorted(
        serial for serial, meter in expected.items() if meter["state"] == "in_warehouse")
    m2_only = report(api, shop.headers, "meter-status", "?view=detail&meter_model=" + warehouse_model_id(api, shop))
    assert {row["meter_model"] for row in m2_only["rows"]} == {"M2"} and len(m2_only["rows"]) == 2


def warehouse_model_id(api: Api, shop: Shop) -> str:
    models = api.call("GET", "/v1/archives/meter-models", headers=shop.headers).body["items"]
    return next(model["id"] for model in models if model["code"] == "M2")


def test_expiring_meters_are_those_whose_life_ends_within_the_days_asked(api: Api) -> None:
    shop, _, expected = fleet(api)
    today = tenant_today()
    within_30 = report(api, shop.headers, "expiring-meters", "?days=30")
    assert [row["serial"] for row in within_30["rows"]] == ["31000000001"]
    row = within_30["rows"][0]
    assert row["days_left"] == 20 and row["life_basis"] == "factory_date" and row["customer_code"] == "C000001"
    assert row["expires_on"] == (today + timedelta(days=20)).isoformat()
    assert report(api, shop.headers, "expiring-meters", "?days=10")["rows"] == []
    warehouse = report(api, shop.headers, "expiring-meters", "?days=3650&state=in_warehouse")
    # Counted from the day they were recorded: M2 (5 years) ends within 3650 days, M1 (10 years) does not.
    assert sorted(r["serial"] for r in warehouse["rows"]) == sorted(
        s for s, m in expected.items() if m["state"] == "in_warehouse" and m["model"] == "M2")
    assert {(r["life_years"], r["life_basis"]) for r in warehouse["rows"]} == {(5, "created_at")}


def test_a_meter_made_in_a_far_future_year_expires_at_the_end_of_the_calendar(api: Api) -> None:
    shop = open_shop(api)
    new_meter(api, shop.headers, "32000000009", shop.model_id, factory_date="9995-01-01")
    rows = report(api, shop.headers, "expiring-meters", "?days=3650&state=in_warehouse&overdue=true")["rows"]
    assert rows == []


def test_overdue_meters_show_only_when_asked(api: Api) -> None:
    shop = open_shop(api)
    long_ago = tenant_today() - timedelta(days=11 * 366)
    install(api, shop, "32000000001", factory_date=long_ago.isoformat())
    assert report(api, shop.headers, "expiring-meters", "?days=30")["rows"] == []
    overdue = report(api, shop.headers, "expiring-meters", "?days=30&overdue=true")["rows"]
    assert [row["serial"] for row in overdue] == ["32000000001"] and overdue[0]["days_left"] < 0


def test_meter_keys_show_the_key_identity_and_never_a_key(api: Api) -> None:
    shop = open_shop(api)
    new_meter(api, shop.headers, "33000000001", shop.model_id, krn=2, ti=7)
    rows = report(api, shop.headers, "meter-keys")["rows"]
    assert len(rows) == 1
    assert (rows[0]["sgc"], rows[0]["krn"], rows[0]["ti"], rows[0]["key_type"]) == ("123456", 2, 7, 2)
    assert not any("vending_key" in key or "decoder" in key for key in rows[0])
    assert "abababababababab" not in str(rows)


def test_customer_information_lists_each_customer_with_the_meters_installed(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "34000000001", code="ALICE")
    install(api, shop, "34000000002", code="BOB")
    body = report(api, shop.headers, "customer-information")
    rows = {row["customer_code"]: row for row in body["rows"]}
    assert set(rows) == {"ALICE", "BOB"}
    assert rows["ALICE"]["meters"] == "34000000001" and rows["ALICE"]["customer_type"] == "RES"
    assert rows["BOB"]["status"] == "active" and body["totals"]["meter_count"] == 2
    assert report(api, shop.headers, "customer-information", "?status=blacklist")["rows"] == []


def test_abnormal_purchase_lists_meters_not_bought_for_in_n_days(api: Api) -> None:
    shop = open_shop(api)
    for serial in ("35000000001", "35000000002", "35000000003"):
        install(api, shop, serial)
    assert shop.sell(api, "35000000001", "pay-abn-1", amount="20.00").status == 201
    today = tenant_today()
    put_vend_state(api, shop, "35000000002", today - timedelta(days=75), 4)
    none_old = report(api, shop.headers, "abnormal-purchase", "?days=60")["rows"]
    assert [(row["serial"], row["days_without"], row["purchases"]) for row in none_old] == [("35000000002", 75, 4)]
    everyone = report(api, shop.headers, "abnormal-purchase", "?days=0")["rows"]
    assert {row["serial"] for row in everyone} == {"35000000001", "35000000002", "35000000003"}
    never = next(row for row in everyone if row["serial"] == "35000000003")
    assert never["last_purchase"] == "" and never["purchases"] == 0


def put_vend_state(api: Api, shop: Shop, serial: str, last_day: date, count: int) -> None:
    """A meter's vend state as vending keeps it, last bought on `last_day` (generated history)."""
    api.store.put({
        "pk": f"T#{shop.tenant_id}#VSTATE", "sk": serial, "entity": "vend-state", "version": 1,
        "data": {"serial": serial, "last_tid": 1, "last_purchase_local": f"{last_day.isoformat()}T10:00+03:00",
                 "month": None, "month_energy_tenths": 0, "carried_credit_minor": 0, "vend_count": count,
                 "last_bill": None},
    })


def test_login_log_report_lists_the_attempts_and_filters_by_outcome(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    assert api.call("POST", "/v1/auth/login", {"tenant": tenant_id, "username": "admin",
                                               "password": "wrong-pass"}).status == 401
    body = report(api, headers, "login-log")
    outcomes = Counter(row["success"] for row in body["rows"])
    assert outcomes[False] == 1 and outcomes[True] >= 1
    failures = report(api, headers, "login-log", "?outcome=failure")["rows"]
    assert [row["username"] for row in failures] == ["admin"]
    month = f"{datetime.now(UTC):%Y-%m}"
    assert report(api, headers, "login-log", f"?from={month}&to={month}")["rows"] == body["rows"]


def test_the_catalogue_lists_every_report_with_parameters_and_columns(api: Api) -> None:
    _, headers = api.new_tenant()
    listed = api.call("GET", "/v1/reports", headers=headers)
    assert listed.status == 200
    items = {item["name"]: item for item in listed.body["items"]}
    for name in ("meter-status", "expiring-meters", "abnormal-purchase", "curve", "sales-daily", "alarm-events"):
        assert items[name]["columns"] and all({"key", "title", "kind"} <= set(c) for c in items[name]["columns"])
        assert {"format"} <= {p["name"] for p in items[name]["parameters"]}
    days = next(p for p in items["expiring-meters"]["parameters"] if p["name"] == "days")
    assert days == {"name": "days", "kind": "integer", "title": "Expiring within (days)", "required": False,
                    "default": 120, "minimum": 0, "maximum": 3650}


def test_bad_parameters_are_refused_naming_the_field(api: Api) -> None:
    _, headers = api.new_tenant()
    for name, query, field in (
        ("expiring-meters", "?days=-5", "days"), ("expiring-meters", "?days=ten", "days"),
        ("expiring-meters", "?overdue=maybe", "overdue"), ("meter-status", "?view=pie", "view"),
        ("meter-status", "?state=lost", "state"), ("login-log", "?from=2025-13", "from"),
        ("login-log", "?from=2025-05&to=2025-04", "to"), ("abnormal-purchase", "?format=doc", "format"),
        ("login-log", "?from=0000-05", "from"), ("login-log", "?from=2020-01&to=2025-01", "from"),
        ("meter-status", "?branch=a%0Ab", "branch"),
    ):
        reply = api.call("GET", f"/v1/reports/{name}{query}", headers=headers)
        assert reply.status == 400, (name, query, reply.body)
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert field in str(reply.body), (name, query, reply.body)


def test_record_reports_export_as_files_and_need_their_rights(api: Api) -> None:
    shop, _, expected = fleet(api)
    exported = report(api, shop.headers, "meter-status", "?view=detail&format=csv")
    lines = list(csv.reader(io.StringIO(base64.b64decode(exported["base64"]).decode())))
    assert lines[0][0] == "Meter" and sorted(line[0] for line in lines[1:-1]) == sorted(expected)
    for form in ("xlsx", "pdf"):
        assert base64.b64decode(report(api, shop.headers, "meter-status", f"?format={form}")["base64"])
    viewer = _operator_with(api, shop.headers, shop.tenant_id, ["reports:view"])
    assert api.call("GET", "/v1/reports/meter-status", headers=viewer).status == 200
    assert api.call("GET", "/v1/reports/meter-status?format=csv", headers=viewer).status == 403
    assert api.call("GET", "/v1/reports/meter-keys", headers=viewer).status == 403
    assert api.call("GET", "/v1/reports/login-log", headers=viewer).status == 403


def test_a_tenant_sees_only_its_own_meters_and_customers(api: Api) -> None:
    fleet(api)
    other = open_shop(api)
    install(api, other, "36000000001")
    status = report(api, other.headers, "meter-status", "?view=detail")["rows"]
    assert [row["serial"] for row in status] == ["36000000001"]
    customers = report(api, other.headers, "customer-information")["rows"]
    assert [row["customer_code"] for row in customers] == ["C000001"]
    assert [row["serial"] for row in report(api, other.headers, "meter-keys")["rows"]] == ["36000000001"]


def test_every_record_report_has_its_own_export_right() -> None:
    assert set(LISTED_REPORTS) == set(RECORD_REPORT_NAMES)
    assert not set(LISTED_REPORTS) & set(ROLLUP_REPORTS)


def test_an_export_job_of_a_record_report_writes_its_file(api: Api, reports_bucket: str) -> None:
    shop, _, expected = fleet(api)
    started = api.call("POST", "/v1/reports/meter-status/exports?format=csv&view=detail", headers=shop.headers)
    assert started.status == 201, started.body
    assert started.body["status"] == "done" and started.body["rows"] == len(expected)
    with urllib.request.urlopen(started.body["download_url"], timeout=10) as reply:
        lines = list(csv.reader(io.StringIO(reply.read().decode())))
    assert sorted(line[0] for line in lines[1:-1]) == sorted(expected)
