"""A month's sales report over a generated tenant, with its cells made by the real stream handler.

Run: PYTHONPATH=. .venv/bin/python bench/bench_reports.py [--vends N] [--meters N] [--sales-points N]
Default 20,000 vends (the issue's scale: --vends 1000000 --meters 10000; generation then takes minutes).
Prints figures only; it never passes or fails on speed.
  generate  vend records in the stored shape over one year, sent as stream batches of 100 through
            functions.streams.handler.process_stream_batch into the in-memory store (idempotent cell updates)
  report    sales-monthly for one month by operator and sales point (month cells), the same month by day,
            operator and sales point (day cells), and sales-annual for the year grouped by month, over a
            store holding the report cells (the reads DynamoDB would do: one partition per month or year).
            Goal: the month's sales report under 200 ms.
  floor     summing the same month's raw receipts in Python (what a scan would cost before any I/O)
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import time
import uuid
from decimal import Decimal
from typing import Any

from functions.reports.query import ReportQuery
from functions.reports.sales import run_rollup_report
from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.auth.context import system_context
from gridvend.reports.definitions import ROLLUP_REPORTS
from gridvend.store.items import Item, Page
from gridvend.store.memory import MemoryItemStore


class PartitionedCells(MemoryItemStore):
    """The report cells held per partition in sort-key order: a query reads a slice of its partition, as
    DynamoDB's does (the plain fake scans, sorts and deep-copies every item for each page, which would
    dominate the figure). Read-only; pages of `limit` items like the real store."""

    def __init__(self, items: list[Item]) -> None:
        super().__init__()
        self._partitions: dict[str, list[Item]] = {}
        for item in sorted(items, key=lambda entry: entry["sk"]):
            self._partitions.setdefault(item["pk"], []).append(item)
        self._keys = {pk: [item["sk"] for item in rows] for pk, rows in self._partitions.items()}

    def query(self, partition: str, **options: Any) -> Page:
        rows, keys = self._partitions.get(partition, []), self._keys.get(partition, [])
        low, high = options.get("sk_between") or ("", "\uffff")
        first = bisect.bisect_left(keys, low)
        if options.get("start_key"):
            first = bisect.bisect_right(keys, options["start_key"]["sk"])
        last = bisect.bisect_right(keys, high)
        chosen = rows[first:min(last, first + options.get("limit", 50))]
        more = first + len(chosen) < last
        return Page(chosen, {"pk": partition, "sk": chosen[-1]["sk"]} if more and chosen else None)


def vend(tenant: str, number: int, chooser: random.Random, meters: int, sales_points: int) -> Item:
    month, day = chooser.randint(1, 12), chooser.randint(1, 28)
    net = Decimal(chooser.randint(500, 500000)) / 100
    return {
        "pk": f"T#{tenant}#VEND", "sk": f"V{number:09d}", "entity": "vend",
        "data": {
            "bill_number": f"V{number:09d}", "status": "issued", "meter": f"M{chooser.randrange(meters):08d}",
            "customer": {"code": "", "name": ""}, "energy_kwh": str(net / 4),
            "sales_point": f"SP{chooser.randrange(sales_points):03d}", "operator": f"op{chooser.randrange(20)}",
            "time_local": f"2024-{month:02d}-{day:02d}T12:00",
            "breakdown": {"amount": str(net), "net_amount": str(net), "vat": "0", "debt_repaid": "0", "charges": []},
        },
    }


def timed(action: Any, rounds: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vends", type=int, default=20_000)
    parser.add_argument("--meters", type=int, default=10_000)
    parser.add_argument("--sales-points", type=int, default=50)
    args = parser.parse_args()
    tenant = f"bench{uuid.uuid4().hex[:6]}"
    chooser = random.Random(1)
    store = MemoryItemStore()
    facts = TenantFacts(store)
    march: list[dict[str, Any]] = []
    started = time.perf_counter()
    for first in range(0, args.vends, 100):
        items = [vend(tenant, n, chooser, args.meters, args.sales_points)
                 for n in range(first, min(first + 100, args.vends))]
        march += [item["data"] for item in items if item["data"]["time_local"].startswith("2024-03")]
        process_stream_batch(stream_event([stream_record("INSERT", item) for item in items]), store, facts)
    generation = time.perf_counter() - started
    cell_items = [item for item in store.all_items()
                  if "#RPT#" in item["pk"] and not item["pk"].endswith("#RPT#SEEN")]
    cells = PartitionedCells(cell_items)
    print(f"generate: {args.vends} vends through the stream handler in {generation:.1f} s "
          f"({args.vends / generation:.0f} vends/s); {len(cell_items)} report cells")
    ctx = system_context(tenant, "bench")
    month_query = ReportQuery("2024-03-01", "2024-03-31", group_by=("month", "operator", "sales_point"))
    month_ms, table = timed(lambda: run_rollup_report(cells, ctx, 2, ROLLUP_REPORTS["sales-monthly"], month_query))
    days_query = ReportQuery("2024-03-01", "2024-03-31", group_by=("day", "operator", "sales_point"))
    days_ms, days = timed(lambda: run_rollup_report(cells, ctx, 2, ROLLUP_REPORTS["sales-daily"], days_query))
    year_query = ReportQuery("2024-01-01", "2024-12-31", group_by=("month",))
    year_ms, _ = timed(lambda: run_rollup_report(cells, ctx, 2, ROLLUP_REPORTS["sales-annual"], year_query))
    floor_ms, floor_sum = timed(lambda: sum(Decimal(r["breakdown"]["net_amount"]) for r in march))
    assert Decimal(table.totals["sales_net"]) == floor_sum, "report and raw sums differ"
    print(f"report:   sales month by operator x sales point ({len(table.rows)} rows) {month_ms:.1f} ms "
          f"(goal < 200 ms); the month by day x operator x sales point ({len(days.rows)} rows) {days_ms:.1f} ms; "
          f"sales year by month {year_ms:.1f} ms")
    print(f"floor:    summing the month's {len(march)} raw receipts in Python {floor_ms:.1f} ms")


if __name__ == "__main__":
    main()
