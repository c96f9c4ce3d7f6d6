"""Bulk vending from a file: each row a normal vend, exactly once per row key, with per-row results."""

from __future__ import annotations

import uuid
from decimal import Decimal

from functions.vending.bulk import BULK_VEND_JOB, row_seller
from functions.vending.jobs import run_job
from functions.vending.routes.vends import tenant_terms
from functions.vending.service import VendService
from gridvend.auth.context import TenantContext
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from tests.api.conftest import Api
from tests.api.test_vends import credit_kwh, meter_decoder, module_balance
from tests.api.vending_setup import _master_key, install, open_shop

__all__ = ["_master_key"]


def test_a_file_sells_each_row_once_and_reports_each_row(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "15000000001")
    install(api, shop, "15000000002")
    own_key = f"row-{uuid.uuid4().hex}"
    earlier = shop.sell(api, "15000000002", own_key, amount="30.00").body
    text = f"meter,amount,key\n15000000001,50.00\n15000000002,30.00,{own_key}\n15999999999,10\n15000000001,20\n"
    reply = api.call("POST", "/v1/bulk-vends", {"file": text, "file_name": "june.csv"}, shop.headers)
    assert reply.status == 202, reply.body
    job = api.call("GET", reply.headers["Location"], headers=shop.headers).body
    assert (job["status"], job["percent"], job["total_rows"], job["failed_rows"]) == ("done", 100, 4, 1)
    rows = api.call("GET", f"{reply.headers['Location']}/rows", headers=shop.headers).body["items"]
    assert [row["ok"] for row in rows] == [True, True, False, True]
    assert rows[1]["replayed"] is True and rows[1]["bill_number"] == earlier["bill_number"]
    assert rows[2]["error"] == "Not found"
    decoder = meter_decoder("15000000001")
    for row in (rows[0], rows[3]):
        assert decoder.enter(row["tokens"][0]).accepted
    assert credit_kwh(decoder) == Decimal(rows[0]["energy_kwh"]) + Decimal(rows[3]["energy_kwh"])
    sold = Decimal(earlier["energy_kwh"]) + Decimal(rows[0]["energy_kwh"]) + Decimal(rows[3]["energy_kwh"])
    assert module_balance(api, shop) == Decimal("1000") - sold

    ctx = TenantContext(
        tenant_id=shop.tenant_id,
        user_id="u",
        username="admin",
        permissions=frozenset({"*"}),
        extra=tenant_context_fields(own_tenant_settings(api.store, shop.tenant_id) or {}),
    )
    service = VendService(api.store, ctx, tenant_terms(ctx))
    job_id = job["id"]
    rerun = run_job(api.store, ctx, job_id, BULK_VEND_JOB, row_seller(service, job_id, "CASH"))
    assert rerun.done_rows == 4
    assert len(api.call("GET", "/v1/vends?meter=15000000001", headers=shop.headers).body["items"]) == 2


def test_a_row_sold_before_a_crash_is_not_sold_again_when_the_job_runs_again(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "15000000003")
    ctx = TenantContext(
        tenant_id=shop.tenant_id,
        user_id="u",
        username="admin",
        permissions=frozenset({"*"}),
        extra=tenant_context_fields(own_tenant_settings(api.store, shop.tenant_id) or {}),
    )
    from functions.vending.jobs import VendJobRepository

    jobs = VendJobRepository(api.store, ctx)
    job = jobs.create(BULK_VEND_JOB, [{"line": 1, "meter": "15000000003", "amount": "40", "key": None}], {})
    service = VendService(api.store, ctx, tenant_terms(ctx))
    sell = row_seller(service, job.job_id, "CASH")
    sell({"line": 1, "meter": "15000000003", "amount": "40", "key": None})  # sold, then the worker died
    finished = run_job(api.store, ctx, job.job_id, BULK_VEND_JOB, sell)
    assert finished.status == "done"
    rows = jobs.results(job.job_id, limit=10, start_key=None)[0]
    assert rows[0]["ok"] and rows[0]["replayed"] is True
    assert len(api.call("GET", "/v1/vends?meter=15000000003", headers=shop.headers).body["items"]) == 1


def test_a_bad_file_names_its_lines_and_sells_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "15000000004")
    text = "15000000004,abc\n15000000004\n15000000004,10,short\n"
    reply = api.call("POST", "/v1/bulk-vends", {"file": text}, shop.headers)
    assert reply.status == 400
    assert [problem["field"] for problem in reply.body["errors"]] == ["file[1]", "file[2]", "file[3]"]
    assert api.call("GET", "/v1/vends?meter=15000000004", headers=shop.headers).body["items"] == []
    other = open_shop(api)
    good = api.call("POST", "/v1/bulk-vends", {"file": "15000000004,10\n"}, shop.headers)
    assert api.call("GET", good.headers["Location"], headers=other.headers).status == 404
