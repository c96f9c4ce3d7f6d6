"""The issue's scale: a month's sales report and a line-loss month over a generated tenant with 1,000,000 vends and
10,000 meters, both read from cells that the real stream consumers made.

Run: PYTHONPATH=. .venv/bin/python bench/bench_reports_scale.py [--vends N] [--meters N] [--no-dynamodb]
Default 20,000 vends and 10,000 meters; `--vends 1000000` is the issue's size (generation then takes minutes).
Prints figures only; it never passes or fails on speed.

  generate  Synthetic stream records fed in-process (1M real table writes would take hours on DynamoDB Local):
            vend INSERTs in batches of 100 through functions.streams.handler.process_stream_batch, and one
            monthly-rollup MODIFY per meter (consumer and master meters) through
            functions.reports.line_loss_stream.process_stream_batch, into the in-memory store. The topology
            (10 lines x 10 transformer areas, consumer meters spread over the areas) is made through the
            archive service first, as the API would.
  report    sales-monthly for one month by operator and sales point, and the line-loss table of one month for the
            whole topology, read (a) from the cells held per partition in memory and (b) from DynamoDB Local with
            the same cells and topology records copied in (real round trips). Goal: the sales month < 200 ms.
            Both results are checked against sums computed here from the generated records.
  floor     one GetItem round trip on DynamoDB Local; summing the month's raw receipts in Python (what any scan
            would cost before I/O).
"""

from __future__ import annotations

import argparse
import bisect
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.bench_reports import vend
from functions.reports.line_loss import LossQuery, loss_table
from functions.reports.line_loss_stream import process_stream_batch as line_loss_batch
from functions.reports.query import ReportQuery
from functions.reports.sales import run_rollup_report
from functions.reports.topologies import TopologyCache
from functions.streams.handler import process_stream_batch as sales_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.archives.kinds import archive_kind
from gridvend.archives.service import ArchiveService
from gridvend.auth.context import system_context
from gridvend.iot.obis import ACTIVE_IMPORT
from gridvend.reports.definitions import ROLLUP_REPORTS
from gridvend.store.items import Item, ItemStore, Page
from gridvend.store.memory import MemoryItemStore

MONTH = "2024-03"
LINES, AREAS_PER_LINE = 10, 10


class PartitionReader(MemoryItemStore):
    """Items held per partition in sort-key order; get and query read as DynamoDB does (a slice of one
    partition), not by scanning every item as the plain fake does. Only what the reports use."""

    def __init__(self, items: list[Item]) -> None:
        super().__init__()
        self.put_many(items)
        self._rows: dict[str, list[Item]] = {}
        for item in sorted(items, key=lambda entry: entry["sk"]):
            self._rows.setdefault(item["pk"], []).append(item)
        self._keys = {pk: [item["sk"] for item in rows] for pk, rows in self._rows.items()}

    def query(self, partition: str, **options: Any) -> Page:
        rows, keys = self._rows.get(partition, []), self._keys.get(partition, [])
        prefix = options.get("sk_prefix")
        low, high = (prefix, prefix + "\uffff") if prefix else options.get("sk_between") or ("", "\uffff")
        first = bisect.bisect_left(keys, low)
        if options.get("start_key"):
            first = bisect.bisect_right(keys, options["start_key"]["sk"])
        last = bisect.bisect_right(keys, high)
        chosen = rows[first:min(last, first + options.get("limit", 50))]
        more = first + len(chosen) < last
        return Page(chosen, {"pk": partition, "sk": chosen[-1]["sk"]} if more and chosen else None)


def timed(action: Callable[[], Any], rounds: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def build_topology(store: ItemStore, tenant: str, meters: int) -> tuple[str, dict[str, list[str]]]:
    """The topology through the archive service; returns its id and each area master's consumer meters."""
    service = ArchiveService(store, system_context(tenant, "bench"), 2)
    topology = service.create(archive_kind("topologies"), {"code": "FEEDERS", "name": "All feeders"})["id"]
    areas: dict[str, list[str]] = {}
    per_area = max(1, meters // (LINES * AREAS_PER_LINE))
    for line in range(LINES):
        line_id = service.create(archive_kind("topology-nodes"), {
            "code": f"L{line}", "name": f"Line {line}", "topology_id": topology, "level": "line",
            "master_meter": f"LM{line:03d}",
        })["id"]
        for area in range(AREAS_PER_LINE):
            number = line * AREAS_PER_LINE + area
            members = [f"M{n:08d}" for n in range(number * per_area, min(meters, (number + 1) * per_area))]
            areas[f"TM{line:03d}-{area:03d}"] = members
            service.create(archive_kind("topology-nodes"), {
                "code": f"L{line}-T{area}", "name": f"Area {line}/{area}", "topology_id": topology,
                "level": "transformer", "parent_id": line_id, "master_meter": f"TM{line:03d}-{area:03d}",
                "meters": members,
            })
    return topology, areas


def rollup(tenant: str, meter: str, used_wh: int) -> Item:
    return {
        "pk": f"T#{tenant}#RU#{meter}", "sk": f"M#{MONTH}", "entity": "rollup-month", "version": 3,
        "data": {"meter": meter, "period": MONTH, "first": {ACTIVE_IMPORT: 1_000_000},
                 "last": {ACTIVE_IMPORT: 1_000_000 + used_wh}},
    }


def month_energy(tenant: str, areas: dict[str, list[str]], chooser: random.Random) -> tuple[list[Item], dict[str, int]]:
    """One rollup per meter, and each line's expected loss in Wh (line master less its area masters)."""
    items, expected = [], {}
    for line in range(LINES):
        area_total = 0
        for area in range(AREAS_PER_LINE):
            master = f"TM{line:03d}-{area:03d}"
            used = [chooser.randint(20_000, 400_000) for _ in areas[master]]
            items += [rollup(tenant, meter, wh) for meter, wh in zip(areas[master], used, strict=True)]
            supplied = sum(used) * chooser.randint(102, 108) // 100
            items.append(rollup(tenant, master, supplied))
            area_total += supplied
        line_supplied = area_total * chooser.randint(101, 103) // 100
        items.append(rollup(tenant, f"LM{line:03d}", line_supplied))
        expected[f"L{line}"] = line_supplied - area_total
    return items, expected


def report_cells(store: MemoryItemStore, tenant: str) -> list[Item]:
    wanted = (f"T#{tenant}#RPT#MON#", f"T#{tenant}#RPT#YEARS", f"T#{tenant}#LL#", f"T#{tenant}#ARC#topolog",
              f"T#{tenant}#SETTINGS")
    return [item for item in store.all_items() if str(item["pk"]).startswith(wanted)]


def run_reports(store: ItemStore, tenant: str, topology: str) -> tuple[float, Any, float, Any]:
    ctx = system_context(tenant, "bench")
    month_query = ReportQuery(f"{MONTH}-01", f"{MONTH}-31", group_by=("month", "operator", "sales_point"))
    sales_ms, sales = timed(lambda: run_rollup_report(store, ctx, 2, ROLLUP_REPORTS["sales-monthly"], month_query))
    loss_query = LossQuery(topology, "month", MONTH, [MONTH], frozenset(), "forward", "json")
    loss_ms, loss = timed(lambda: loss_table(store, ctx, loss_query))
    return sales_ms, sales, loss_ms, loss


def on_dynamodb_local(items: list[Item], tenant: str, topology: str) -> tuple[float, float, float]:
    from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
    from infra.local.dynamodb_local import dynamodb_local_spec
    from infra.local.supervisor import Supervisor, start_on_free_port

    for variable, value in (("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):
        os.environ.setdefault(variable, value)
    with tempfile.TemporaryDirectory() as state:
        supervisor = Supervisor(Path(state))
        try:
            service = start_on_free_port(supervisor, lambda port: dynamodb_local_spec(port=port, db_dir=None))
            configure_table(f"bench-{uuid.uuid4().hex[:6]}", f"http://{service.host}:{service.port}")
            create_table_if_missing()
            store = DynamoItemStore()
            store.put_many(items)
            floor_ms, _ = timed(lambda: store.get(f"T#{tenant}#SETTINGS", "TENANT"), rounds=20)
            sales_ms, _, loss_ms, _ = run_reports(store, tenant, topology)
            return sales_ms, loss_ms, floor_ms
        finally:
            supervisor.stop_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vends", type=int, default=20_000)
    parser.add_argument("--meters", type=int, default=10_000)
    parser.add_argument("--sales-points", type=int, default=50)
    parser.add_argument("--no-dynamodb", action="store_true", help="skip the DynamoDB Local figures")
    args = parser.parse_args()
    tenant = f"bench{uuid.uuid4().hex[:6]}"
    chooser = random.Random(1)
    store = MemoryItemStore()
    topology, areas = build_topology(store, tenant, args.meters)
    rollups, expected_loss = month_energy(tenant, areas, chooser)
    started = time.perf_counter()
    topologies = TopologyCache(store)
    for first in range(0, len(rollups), 100):
        event = stream_event([stream_record("MODIFY", item) for item in rollups[first:first + 100]])
        assert line_loss_batch(event, store, topologies)["batchItemFailures"] == []
    loss_generation = time.perf_counter() - started

    facts, month_receipts = TenantFacts(store), []
    started = time.perf_counter()
    for first in range(0, args.vends, 100):
        items = [vend(tenant, n, chooser, args.meters, args.sales_points)
                 for n in range(first, min(first + 100, args.vends))]
        month_receipts += [item["data"] for item in items if item["data"]["time_local"].startswith(MONTH)]
        sales_batch(stream_event([stream_record("INSERT", item) for item in items]), store, facts)
    sales_generation = time.perf_counter() - started
    print(f"generate: {args.vends} vends through the sales consumer in {sales_generation:.1f} s "
          f"({args.vends / sales_generation:.0f}/s); {len(rollups)} meter-months through the line-loss consumer "
          f"in {loss_generation:.1f} s ({len(rollups) / loss_generation:.0f}/s)")

    cells = report_cells(store, tenant)
    sales_ms, sales, loss_ms, loss = run_reports(PartitionReader(cells), tenant, topology)
    floor_ms, floor_sum = timed(lambda: sum(Decimal(r["breakdown"]["net_amount"]) for r in month_receipts))
    assert Decimal(sales.totals["sales_net"]) == floor_sum, "sales report and raw sums differ"
    lines = {row["code"]: row for row in loss.rows if row["level"] == "line"}
    for code, wh in expected_loss.items():
        assert lines[code]["loss_kwh"] == f"{wh // 1000}.{wh % 1000:03d}", f"line-loss of {code} differs"
    print(f"memory:   sales month ({len(sales.rows)} rows) {sales_ms:.1f} ms (goal < 200 ms); "
          f"line-loss month ({len(loss.rows)} nodes, {args.meters} meters) {loss_ms:.1f} ms; "
          f"{len(cells)} cells and topology records read from")
    print(f"floor:    summing the month's {len(month_receipts)} raw receipts in Python {floor_ms:.1f} ms")
    if not args.no_dynamodb:
        db_sales_ms, db_loss_ms, get_ms = on_dynamodb_local(cells, tenant, topology)
        print(f"dynamodb: sales month {db_sales_ms:.1f} ms (goal < 200 ms); line-loss month {db_loss_ms:.1f} ms "
              f"(DynamoDB Local, same cells)")
        print(f"floor:    one GetItem round trip on DynamoDB Local {get_ms:.2f} ms")


if __name__ == "__main__":
    main()
