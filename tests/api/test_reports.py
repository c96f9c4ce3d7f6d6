"""Sales reports over real vends: the stream handler turns the vend records into cells, and each report's
figures equal the sums computed here straight from the receipts."""

from __future__ import annotations

import base64
import csv
import io
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.store.items import Item, ItemStore
from tests.api.conftest import Api
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def pay_key() -> str:
    return f"pay-{uuid.uuid4().hex}"


def tenant_items(store: ItemStore, partition: str) -> list[Item]:
    items: list[Item] = []
    start = None
    while True:
        page = store.query(partition, limit=200, start_key=start)
        items += page.items
        if page.next_key is None:
            return items
        start = page.next_key


def feed_stream(api: Api, tenant_id: str, *, twice: bool = False) -> list[dict[str, Any]]:
    """Sends every vend record of the tenant through the stream handler, as the table's stream would;
    returns the receipts."""
    vends = tenant_items(api.store, f"T#{tenant_id}#VEND")
    event = stream_event([stream_record("INSERT", item) for item in vends])
    for _ in range(2 if twice else 1):
        outcome = process_stream_batch(event, api.store, TenantFacts(api.store))
        assert outcome["batchItemFailures"] == []
    return [item["data"] for item in vends]


def sold_shop(api: Api, serials: list[str], amounts: list[str]) -> tuple[Shop, list[dict[str, Any]]]:
    shop = open_shop(api)
    for serial in serials:
        install(api, shop, serial)
    for position, amount in enumerate(amounts):
        reply = shop.sell(api, serials[position % len(serials)], pay_key(), amount=amount)
        assert reply.status == 201, reply.body
    return shop, feed_stream(api, shop.tenant_id)


def report(api: Api, shop: Shop, name: str, query: str = "") -> Any:
    reply = api.call("GET", f"/v1/reports/{name}{query}", headers=shop.headers)
    assert reply.status == 200, reply.body
    return reply.body


def test_daily_sales_equal_the_sums_of_the_receipts_per_day_operator_and_sales_point(api: Api) -> None:
    shop, receipts = sold_shop(api, ["12000000001", "12000000002"], ["100.00", "55.50", "20.00"])
    expected: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for receipt in receipts:
        sums = expected[(receipt["time_local"][:10], receipt["operator"], receipt["sales_point"])]
        sums[0] += 1
        sums[1] += Decimal(receipt["breakdown"]["net_amount"])
        sums[2] += Decimal(receipt["energy_kwh"])
    body = report(api, shop, "sales-daily")
    got = {
        (row["day"], row["operator"], row["sales_point"]): [
            Decimal(row["sales_count"]), Decimal(row["sales_net"]), Decimal(row["sales_energy"])
        ]
        for row in body["rows"]
    }
    assert got == dict(expected)
    assert Decimal(body["totals"]["income"]) == sum(Decimal(r["breakdown"]["net_amount"]) for r in receipts)
    assert body["totals"]["sales_count"] == 3


def test_a_batch_delivered_twice_counts_once(api: Api) -> None:
    shop, receipts = sold_shop(api, ["12000000011"], ["40.00", "60.00"])
    feed_stream(api, shop.tenant_id, twice=True)
    body = report(api, shop, "sales-monthly")
    assert body["totals"]["sales_count"] == 2
    assert Decimal(body["totals"]["sales_net"]) == sum(Decimal(r["breakdown"]["net_amount"]) for r in receipts)


def test_filters_by_meter_model_and_customer_type_and_ranges_open_at_either_end(api: Api) -> None:
    shop, receipts = sold_shop(api, ["12000000021"], ["30.00"])
    day = receipts[0]["time_local"][:10]
    assert report(api, shop, "sales-daily", f"?meter_model={shop.model_id}")["totals"]["sales_count"] == 1
    assert report(api, shop, "sales-daily", "?meter_model=other")["totals"]["sales_count"] == 0
    assert report(api, shop, "vat", f"?customer_type={shop.customer_type_id}")["totals"]["sales_count"] == 1
    assert report(api, shop, "sales-daily", f"?from={day}")["totals"]["sales_count"] == 1
    assert report(api, shop, "sales-daily", f"?to={day}")["totals"]["sales_count"] == 1
    assert report(api, shop, "sales-annual", "?to=2001")["totals"]["sales_count"] == 0
    vat = report(api, shop, "vat")
    assert Decimal(vat["totals"]["vat"]) == Decimal(receipts[0]["breakdown"]["vat"]) > 0


def test_reports_of_one_tenant_never_show_another_tenants_sales(api: Api) -> None:
    sold_shop(api, ["12000000031"], ["10.00"])
    quiet = open_shop(api)
    assert report(api, quiet, "sales-daily")["rows"] == []


def test_exports_hold_the_same_rows_as_csv_xlsx_and_pdf(api: Api) -> None:
    shop, receipts = sold_shop(api, ["12000000041"], ["25.00", "35.00"])
    total = sum(Decimal(r["breakdown"]["net_amount"]) for r in receipts)
    csv_reply = report(api, shop, "sales-monthly", "?format=csv")
    lines = list(csv.reader(io.StringIO(base64.b64decode(csv_reply["base64"]).decode())))
    assert lines[0][:3] == ["Month", "Operator", "Sales point"]
    assert lines[-1][0] == "Total" and Decimal(lines[-1][lines[0].index("Income")]) == total
    xlsx_reply = report(api, shop, "sales-monthly", "?format=xlsx")
    sheet = load_workbook(io.BytesIO(base64.b64decode(xlsx_reply["base64"]))).active
    assert sheet is not None
    values = list(sheet.values)
    assert Decimal(str(values[-1][list(values[0]).index("Income")])) == total
    pdf_reply = report(api, shop, "sales-monthly", "?format=pdf")
    assert base64.b64decode(pdf_reply["base64"]).startswith(b"%PDF")
    assert pdf_reply["content_type"] == "application/pdf"


def test_bad_report_queries_are_refused_naming_the_field(api: Api) -> None:
    shop = open_shop(api)
    for query, field_name in [("?from=2024-13", "from"), ("?from=2024-02-30", "from"), ("?group=weekday", "group"),
                              ("?format=doc", "format"), ("?from=2024-05&to=2024-04", "to"), ("?view=x", "view")]:
        reply = api.call("GET", f"/v1/reports/sales-daily{query}", headers=shop.headers)
        assert reply.status == 400, (query, reply.body)
        assert field_name in str(reply.body), (query, reply.body)
    assert api.call("GET", "/v1/reports/nope", headers=shop.headers).status == 404


def test_a_cancelled_vend_counts_once_as_a_correction(api: Api) -> None:
    shop, receipts = sold_shop(api, ["12000000031"], ["100.00", "40.00"])
    cancelled = receipts[0]
    vend_before = api.store.get(f"T#{shop.tenant_id}#VEND", cancelled["bill_number"])
    reply = api.call("POST", f"/v1/vends/{cancelled['bill_number']}/cancel", {"reason": "wrong meter"}, shop.headers)
    assert reply.status == 201, reply.body
    vend_after = api.store.get(f"T#{shop.tenant_id}#VEND", cancelled["bill_number"])
    cancellation = api.store.get(f"T#{shop.tenant_id}#CANCEL", cancelled["bill_number"])
    assert vend_before and vend_after and cancellation
    event = stream_event([stream_record("MODIFY", vend_after, vend_before), stream_record("INSERT", cancellation)])
    assert process_stream_batch(event, api.store, TenantFacts(api.store))["batchItemFailures"] == []
    totals = report(api, shop, "sales-daily")["totals"]
    assert totals["correction_count"] == 1
    assert Decimal(totals["correction_net"]) == Decimal(cancelled["breakdown"]["net_amount"])
    assert totals["sales_count"] == 2
