"""The stream handler over vend records written in the stored shape: every report figure equals the sums
computed here straight from the generated sales, corrections and refunds, however often records arrive."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from functions.reports.query import ReportQuery
from functions.reports.sales import run_rollup_report
from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.auth.context import system_context
from gridvend.reports.definitions import ROLLUP_REPORTS
from gridvend.store.items import Item
from gridvend.store.memory import MemoryItemStore


def vend_item(tenant: str, bill: str, day: str, sales_point: str, operator: str, net: Decimal, kwh: Decimal,
              status: str = "issued") -> Item:
    receipt: dict[str, Any] = {
        "bill_number": bill, "status": status, "meter": "m1", "customer": {"code": "C1", "name": "x"},
        "energy_kwh": str(kwh), "sales_point": sales_point, "operator": operator,
        "time_local": f"{day}T10:00", "time_utc": f"{day}T07:00:00+00:00",
        "breakdown": {"amount": str(net), "net_amount": str(net), "vat": "1.00", "debt_repaid": "0.00",
                      "charges": [{"code": "SVC", "amount": "0.50"}]},
    }
    return {"pk": f"T#{tenant}#VEND", "sk": bill, "entity": "vend", "data": receipt}


def generated(tenant: str, count: int, seed: int) -> list[Item]:
    chooser = random.Random(seed)
    return [
        vend_item(
            tenant, f"B{n:06d}", f"2024-{chooser.randint(1, 3):02d}-{chooser.randint(1, 28):02d}",
            chooser.choice(["SP1", "SP2", "SP#3"]), chooser.choice(["ann", "bob"]),
            Decimal(chooser.randint(100, 99999)) / 100, Decimal(chooser.randint(1, 5000)) / 10,
        )
        for n in range(count)
    ]


def run(store: MemoryItemStore, tenant: str, name: str, query: ReportQuery) -> dict[str, Any]:
    ctx = system_context(tenant, "test")
    return run_rollup_report(store, ctx, 2, ROLLUP_REPORTS[name], query).as_json()


def test_monthly_sales_per_sales_point_equal_independent_sums_and_redelivery_changes_nothing() -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    store = MemoryItemStore()
    vends = generated(tenant, 300, seed=7)
    records = [stream_record("INSERT", item) for item in vends]
    facts = TenantFacts(store)
    for start in range(0, len(records), 100):
        assert process_stream_batch(stream_event(records[start:start + 100]), store, facts)["batchItemFailures"] == []
    process_stream_batch(stream_event(records[:50]), store, facts)  # delivered again
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in vends:
        receipt = item["data"]
        expected[(receipt["time_local"][:7], receipt["sales_point"])] += Decimal(receipt["breakdown"]["net_amount"])
    body = run(store, tenant, "sales-monthly", ReportQuery(None, None, group_by=("month", "sales_point")))
    assert {(row["month"], row["sales_point"]): Decimal(row["sales_net"]) for row in body["rows"]} == expected
    assert body["totals"]["sales_count"] == 300


def test_a_day_range_inside_months_reads_day_cells_and_counts_only_those_days() -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    store = MemoryItemStore()
    vends = generated(tenant, 200, seed=11)
    process_stream_batch(stream_event([stream_record("INSERT", item) for item in vends]), store, TenantFacts(store))
    inside = [v["data"] for v in vends if "2024-01-10" <= v["data"]["time_local"][:10] <= "2024-02-20"]
    body = run(store, tenant, "sales-monthly", ReportQuery("2024-01-10", "2024-02-20", group_by=("month",)))
    assert body["totals"]["sales_count"] == len(inside)
    assert Decimal(body["totals"]["sales_energy"]) == sum(Decimal(r["energy_kwh"]) for r in inside)
    filtered = run(store, tenant, "sales-daily",
                   ReportQuery(None, None, filters={"operator": frozenset({"ann"})}, group_by=("operator",)))
    assert [row["operator"] for row in filtered["rows"]] == ["ann"]


def test_corrections_and_refunds_show_in_their_own_columns_and_reduce_income() -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    store = MemoryItemStore()
    sale = vend_item(tenant, "B1", "2024-05-02", "SP1", "ann", Decimal("80.00"), Decimal("40.0"))
    other = vend_item(tenant, "B2", "2024-05-02", "SP1", "ann", Decimal("20.00"), Decimal("10.0"))
    cancelled = {**sale, "data": {**sale["data"], "status": "cancelled"}}
    refund = {"pk": f"T#{tenant}#REFUND", "sk": "R1", "entity": "vend-refund",
              "data": {"amount": "5.00", "sales_point": "SP1", "operator": "ann", "time_local": "2024-05-03T09:00"}}
    at = datetime(2024, 5, 3, 12, tzinfo=UTC)
    event = stream_event([
        stream_record("INSERT", sale), stream_record("INSERT", other),
        stream_record("MODIFY", cancelled, sale, at=at), stream_record("MODIFY", cancelled, cancelled, at=at),
        stream_record("INSERT", refund),
    ])
    process_stream_batch(event, store, TenantFacts(store))
    process_stream_batch(event, store, TenantFacts(store))
    body = run(store, tenant, "sales-daily", ReportQuery(None, None, group_by=("day",)))
    by_day = {row["day"]: row for row in body["rows"]}
    assert by_day["2024-05-02"]["sales_net"] == "100.00" and by_day["2024-05-02"]["sales_count"] == 2
    assert by_day["2024-05-03"]["correction_count"] == 1 and by_day["2024-05-03"]["correction_net"] == "80.00"
    assert by_day["2024-05-03"]["refund_amount"] == "5.00"
    assert body["totals"]["income"] == "15.00"
