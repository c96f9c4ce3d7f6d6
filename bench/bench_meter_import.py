"""Meter import throughput against DynamoDB Local: a CSV of N meters through the import job (validate every
row, check stored serials, batched writes), and as the floor a bare batch write of the same items.

Run: PYTHONPATH=. .venv/bin/python bench/bench_meter_import.py [--rows 100000] [--tracemalloc]
Starts its own DynamoDB Local (as the test fixtures do) and stops it at the end. Prints figures only; it
never passes or fails on speed. Peak memory is the process's peak resident size (getrusage); with
--tracemalloc also the Python heap's peak during the import (tracemalloc slows the import down).
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from gridvend.auth.context import TenantContext, system_context
from gridvend.imports.job import create_import_job, run_import_job
from gridvend.imports.meter_rows import MeterImporter
from gridvend.imports.model import ImportKind
from gridvend.imports.schemas import ImportRequest
from gridvend.store.archives import ArchiveRepository
from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from gridvend.store.items import ItemStore
from infra.local.dynamodb_local import dynamodb_local_spec
from infra.local.supervisor import Supervisor, start_on_free_port

FLOOR_CHUNK_ROWS = 500
WARM_UP_ROWS = 3000
FIRST_SERIAL = 10_000_000_000


def meter_csv(rows: int) -> bytes:
    lines = ["serial,model,sgc,branch,ti,krn"]
    lines += [f"{FIRST_SERIAL + number:011d},BENCH,123456,MAIN,1,1" for number in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def new_tenant(store: ItemStore) -> TenantContext:
    ctx = system_context(f"bench{uuid.uuid4().hex[:10]}", "bench")
    archives = ArchiveRepository(store, ctx)
    archives.create("meter-models", "BENCH", "Bench model", {"ct_ratio": 1, "pt_ratio": 1}, [])
    archives.create("branches", "MAIN", "Main branch", {}, [])
    return ctx


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_import(store: ItemStore, rows: int, trace: bool) -> None:
    ctx = new_tenant(store)
    content = meter_csv(rows)
    request = ImportRequest(kind=ImportKind.METERS, file_name="bench.csv",
                            content_base64=base64.b64encode(content).decode())
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    job = create_import_job(store, ctx, request)
    stored_file = time.perf_counter()
    finished = run_import_job(store, ctx, job.job_id)
    ended = time.perf_counter()
    heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    if trace:
        tracemalloc.stop()
    assert finished is not None
    print(f"file: {len(content) / 2**20:,.1f} MiB CSV, {rows:,} rows")
    print(f"import job: {finished.status.value}, {finished.imported_rows:,} rows imported, "
          f"{finished.bad_rows:,} bad; {finished.message}")
    print(f"  store the upload   {stored_file - started:8.2f} s")
    print(f"  run the job        {ended - stored_file:8.2f} s   {rows / (ended - stored_file):>9,.0f} rows/s")
    print(f"  end to end         {ended - started:8.2f} s   {rows / (ended - started):>9,.0f} rows/s")
    if heap_peak is not None:
        print(f"  Python heap peak   {heap_peak:8.1f} MiB (tracemalloc)")
    print(f"  peak RSS so far    {peak_rss_mib():8.1f} MiB")


def bare_writes(store: ItemStore, rows: int) -> float:
    """Seconds spent in put_many alone writing `rows` meter items (made ahead of each batch, untimed)."""
    ctx = new_tenant(store)
    importer = MeterImporter(store, ctx, "floor")
    writing = 0.0
    for start in range(0, rows, FLOOR_CHUNK_ROWS):
        count = min(FLOOR_CHUNK_ROWS, rows - start)
        valid = [
            importer.validate({"serial": f"{FIRST_SERIAL + start + offset:011d}", "model": "BENCH", "sgc": "123456",
                               "branch": "MAIN", "ti": "1", "krn": "1"})
            for offset in range(count)
        ]
        items = importer.items(valid)
        began = time.perf_counter()
        store.put_many(items)
        writing += time.perf_counter() - began
    return writing


def run_floor(store: ItemStore, rows: int) -> None:
    writing = bare_writes(store, rows)
    print(f"floor (bare put_many of the same items): {writing:8.2f} s   {rows / writing:>9,.0f} rows/s")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap's peak")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with tempfile.TemporaryDirectory(prefix="bench-meter-import-") as state_dir:
        supervisor = Supervisor(Path(state_dir))
        try:
            service = start_on_free_port(supervisor, lambda port: dynamodb_local_spec(port=port))
            configure_table(f"bench-{uuid.uuid4().hex[:8]}", f"http://{service.host}:{service.port}")
            create_table_if_missing()
            store = DynamoItemStore()
            print(f"DynamoDB Local on {service.host}:{service.port} (pid {service.pid})")
            bare_writes(store, WARM_UP_ROWS)  # the JVM compiles its hot paths before anything is timed
            run_import(store, arguments.rows, arguments.tracemalloc)
            run_floor(store, arguments.rows)
        finally:
            supervisor.stop_all()


if __name__ == "__main__":
    main(sys.argv[1:])
