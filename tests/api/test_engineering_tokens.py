"""Engineering tokens: every kind decodes on the meter to what its record says, shares the TID sequence with sales,
needs its own permission, and many meters at once run as a job with progress and per-meter results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gridvend.sts.decoder import Reason
from tests.api.conftest import Api
from tests.api.test_roles_and_operators import _operator_with
from tests.api.test_vends import credit_kwh, key, meter_decoder, module_balance
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def issue(api: Api, shop: Shop, headers: dict[str, str] | None = None, **body: Any) -> Any:
    return api.call("POST", "/v1/engineering-tokens", {"reason": "site visit", **body}, headers or shop.headers)


def test_management_tokens_take_increasing_tids_with_sales_and_decode_to_their_records(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "14000000001")
    sale = shop.sell(api, "14000000001", key()).body
    power = issue(api, shop, meter="14000000001", kind="power-limit", watts="5000")
    assert power.status == 201, power.body
    phase = issue(api, shop, meter="14000000001", kind="phase-unbalance", watts="1200").body
    tamper = issue(api, shop, meter="14000000001", kind="clear-tamper").body
    free = issue(api, shop, meter="14000000001", kind="free-credit", energy="12.5").body
    clear = issue(api, shop, meter="14000000001", kind="clear-credit").body
    records = [power.body, phase, tamper, free, clear]
    tids = [sale["tid"], *(record["tid"] for record in records)]
    assert tids == sorted(tids) and len(set(tids)) == len(tids)
    assert module_balance(api, shop) == Decimal("1000") - Decimal(sale["energy_kwh"]) - Decimal("12.5")

    decoder = meter_decoder("14000000001")
    decoder.state.tamper = True
    assert decoder.enter(sale["tokens"][0]).accepted
    for record in records:
        outcome = decoder.enter(record["tokens"][0])
        assert outcome.accepted, (record["kind"], outcome.reason)
        assert outcome.decoded is not None and outcome.decoded.tid == record["tid"]
        if record is free:
            assert credit_kwh(decoder) == Decimal(sale["energy_kwh"]) + Decimal("12.5")
    assert decoder.state.max_power_limit_w == 5000
    assert decoder.state.phase_unbalance_limit_w == 1200
    assert decoder.state.tamper is False
    assert credit_kwh(decoder) == 0

    listed = api.call("GET", "/v1/engineering-tokens?meter=14000000001", headers=shop.headers).body["items"]
    assert {item["kind"] for item in listed} == {
        "power-limit",
        "phase-unbalance",
        "clear-tamper",
        "free-credit",
        "clear-credit",
    }
    assert all(item["operator"] == "admin" and item["reason"] == "site visit" for item in listed)
    next_sale = shop.sell(api, "14000000001", key()).body
    assert next_sale["tid"] > clear["tid"]
    assert decoder.enter(next_sale["tokens"][0]).accepted


def test_key_change_with_rollover_moves_the_meter_to_2014_and_sales_follow(api: Api) -> None:
    shop = open_shop(api, krns=(1, 2))
    install(api, shop, "14000000002", base_date=1993)
    change = issue(api, shop, meter="14000000002", kind="key-change", rollover=True)
    assert change.status == 201, change.body
    record = change.body
    assert record["key_change"]["to"] == {"krn": 2, "base_date": 2014, "key_type": 2}
    assert len(record["tokens"]) == 2
    decoder = meter_decoder("14000000002", base_date=1993, krn=1)
    for token in record["tokens"]:
        assert decoder.enter(token).accepted
    assert (decoder.state.base_date, decoder.state.krn) == (2014, 2)
    meter = api.call("GET", "/v1/meters/14000000002", headers=shop.headers).body
    assert (meter["base_date"], meter["krn"]) == (2014, 2)
    sale = shop.sell(api, "14000000002", key()).body
    assert sale["key_change"] is False and len(sale["tokens"]) == 1
    assert decoder.enter(sale["tokens"][0]).accepted
    again = issue(api, shop, meter="14000000002", kind="key-change", rollover=True, to_krn=2)
    assert again.status == 422  # base date 2035 has not begun


def test_key_change_to_another_revision_without_rollover(api: Api) -> None:
    shop = open_shop(api, krns=(1, 2))
    install(api, shop, "14000000003")
    record = issue(api, shop, meter="14000000003", kind="key-change", to_krn=2).body
    decoder = meter_decoder("14000000003", krn=1)
    for token in record["tokens"]:
        assert decoder.enter(token).accepted
    assert decoder.state.krn == 2 and decoder.state.base_date == 2014
    sale = shop.sell(api, "14000000003", key()).body
    assert decoder.enter(sale["tokens"][0]).accepted


def test_test_tokens_need_no_meter_and_every_kind_needs_its_permission(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "14000000004")
    test = issue(api, shop, kind="test", control=5, manufacturer=7)
    assert test.status == 201, test.body
    decoder = meter_decoder("14000000004")
    outcome = decoder.enter(test.body["tokens"][0])
    assert outcome.accepted and outcome.changes["test_control"] == 5
    clerk = _operator_with(api, shop.headers, shop.tenant_id, ["engineering-tokens:view", "engineering-tokens:test"])
    assert issue(api, shop, clerk, kind="test").status == 201
    refused = issue(api, shop, clerk, meter="14000000004", kind="free-credit", energy="5")
    assert refused.status == 403
    assert api.call("GET", "/v1/engineering-tokens?meter=14000000004", headers=shop.headers).body["items"] == []


def test_bad_engineering_requests_name_the_field_and_other_tenants_see_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "14000000005")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"meter": "14000000005", "kind": "power-limit"}, "body"),
        ({"meter": "14000000005", "kind": "teleport"}, "kind"),
        ({"meter": "14000000005", "kind": "clear-tamper", "reason": ""}, "reason"),
        ({"kind": "clear-tamper"}, "body"),
        ({"meter": "14000000005", "meters": ["14000000005"], "kind": "clear-tamper"}, "body"),
        ({"range_from": "14000000009", "range_to": "14000000001", "kind": "clear-tamper"}, "range_to"),
        ({"meter": "14000000005", "kind": "power-limit", "watts": "99999999"}, "order"),
    ]
    for body, field in cases:
        reply = issue(api, shop, **body)
        assert reply.status == 400, (body, reply.body)
        assert field in [problem["field"] for problem in reply.body["errors"]], (body, reply.body)
    other = open_shop(api)
    assert issue(api, other, meter="14000000005", kind="clear-tamper").status == 404
    record = issue(api, shop, meter="14000000005", kind="clear-tamper").body
    assert api.call("GET", f"/v1/engineering-tokens/{record['id']}", headers=other.headers).status == 404


def test_a_serial_range_runs_as_a_job_with_per_meter_results(api: Api) -> None:
    shop = open_shop(api)
    for serial in ("14000000011", "14000000012", "14000000014"):
        install(api, shop, serial)
    reply = issue(api, shop, kind="power-limit", watts="3000", range_from="14000000011", range_to="14000000014")
    assert reply.status == 202, reply.body
    job = api.call("GET", reply.headers["Location"], headers=shop.headers).body
    assert job["status"] == "done" and job["percent"] == 100
    assert (job["total_rows"], job["failed_rows"]) == (4, 1)
    rows = api.call("GET", f"{reply.headers['Location']}/rows", headers=shop.headers).body["items"]
    assert [row["row"] for row in rows] == [1, 2, 3, 4]
    assert [row["ok"] for row in rows] == [True, True, False, True]
    assert rows[2]["error"] == "Not found"
    for row in (rows[0], rows[1], rows[3]):
        decoder = meter_decoder(row["meter"])
        assert decoder.enter(row["tokens"][0]).accepted
        assert decoder.state.max_power_limit_w == 3000
    from_file = issue(api, shop, kind="clear-tamper", meters_file="serial\n14000000011\n14000000012\n")
    rows = api.call("GET", f"{from_file.headers['Location']}/rows", headers=shop.headers).body["items"]
    assert [row["meter"] for row in rows] == ["14000000011", "14000000012"]
    decoder = meter_decoder("14000000011")
    assert decoder.enter(rows[0]["tokens"][0]).accepted
    other = open_shop(api)
    assert api.call("GET", reply.headers["Location"], headers=other.headers).status == 404
    assert not decoder.enter(rows[0]["tokens"][0]).accepted
    assert decoder.enter(rows[0]["tokens"][0]).reason == Reason.USED
