"""Vend latency and throughput against DynamoDB Local through VendService, with the floor measured in the same run:
the bare TransactWriteItems of the very items each vend committed (same keys moved to a floor tenant, conditions
left out), so the ratio shows what the vend adds on top of its one unavoidable transaction. A second reference adds
one BatchGetItem of the keys the vend read: the least a vend that reads anything can take. A third runs the
identical request, conditions included, on floor copies set to the items' state before the vend (taken untimed from
the meter's previous sale's keys), so that the conditions hold: what DynamoDB spends checking them shows apart from
what the vend's code adds. Each vend's floors run right after it, so that load from other processes on the machine
weighs on vend and floor alike.

Last, --sellers threads sell at once, each to meters of its own in the same tenant: the vends per second a tenant
reaches when its cashiers sell together, and how often a sale lost the race for the tenant's bill counter (each
loss is one more transaction; the token is made once).

Run: PYTHONPATH=. .venv/bin/python bench/bench_vend.py [--vends 200] [--meters 4] [--sellers 4]
Starts its own DynamoDB Local (as the test fixtures do) and stops it at the end. Prints figures only; it never
passes or fails on speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from chalice.test import Client

from functions.common import deps
from functions.common.auth import clear_permission_cache
from functions.local_api import combined_app
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import VendRequest
from functions.vending.service import VendService
from gridvend.auth.context import TenantContext, system_context
from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from gridvend.store.items import Check, Delete, Increment, Item, ItemStore, Put, TransactionConflict, WriteOp
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from gridvend.store.users import OperatorRepository
from infra.local.dynamodb_local import dynamodb_local_spec
from infra.local.supervisor import Supervisor, start_on_free_port
from tenants.onboarding import platform_operator_record
from tests.api.conftest import Api
from tests.api.vending_setup import TEST_MASTER_KEY, install, open_shop

WARM_UP_VENDS = 30
SELLER_VENDS = 40
PLATFORM_PASSWORD = "bench-platform-pass-1"


class Recorder:
    """Counts the store's reads and keeps each transaction's operations, without changing what the store does."""

    def __init__(self, store: ItemStore) -> None:
        self.reads = 0  # read round trips: a GetItem, Query or BatchGetItem each
        self.items_asked = 0  # keys asked by those reads (a query counts one)
        self.active = True
        self.transactions: list[list[WriteOp]] = []
        self.batches: list[list[tuple[str, str]]] = []  # the keys of each BatchGetItem
        original_get, original_query, original_transact = store.get, store.query, store.transact
        original_batch_get = store.batch_get

        def counted(items: int) -> None:
            if self.active:
                self.reads += 1
                self.items_asked += items

        def get(*args: Any, **kwargs: Any) -> Any:
            counted(1)
            return original_get(*args, **kwargs)

        def batch_get(keys: Sequence[tuple[str, str]]) -> Any:
            counted(len(keys))
            if self.active:
                self.batches.append(list(keys))
            return original_batch_get(keys)

        def query(*args: Any, **kwargs: Any) -> Any:
            counted(1)
            return original_query(*args, **kwargs)

        def transact(operations: Sequence[WriteOp]) -> None:
            if self.active:
                self.transactions.append(list(operations))
            original_transact(operations)

        for name, wrapper in (("get", get), ("batch_get", batch_get), ("query", query), ("transact", transact)):
            setattr(store, name, wrapper)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def set_up_shop(store: ItemStore, meters: int) -> tuple[TenantContext, list[str]]:
    """A tenant through the API's own code (module with credit, tariff, customers), as the tests make one."""
    deps.use_store(store)
    clear_permission_cache()
    platform = OperatorRepository(store, "platform")
    if platform.get("platform") is None:
        platform.create(system_context("platform", "bench"), platform_operator_record("platform", PLATFORM_PASSWORD))
    with Client(combined_app()) as client:
        api = Api(client, store)
        api.platform_headers = api.login("platform", "platform", PLATFORM_PASSWORD)
        shop = open_shop(api, credit_kwh="1000000")
        serials = [f"{16_000_000_000 + number:011d}" for number in range(1, meters + 1)]
        for serial in serials:
            install(api, shop, serial)
    ctx = TenantContext(
        tenant_id=shop.tenant_id,
        user_id="bench",
        username="bench",
        permissions=frozenset({"*"}),
        extra=tenant_context_fields(own_tenant_settings(store, shop.tenant_id) or {}),
    )
    return ctx, serials


def time_vends(service: VendService, serials: list[str], count: int) -> list[float]:
    timings = []
    for number in range(count):
        request = VendRequest(meter=serials[number % len(serials)], amount=Decimal("20.00"))
        began = time.perf_counter()
        service.vend(request, f"bench-{uuid.uuid4().hex}")
        timings.append(time.perf_counter() - began)
    return timings


def moved_item(item: Item, move: Callable[[str], str]) -> Item:
    return {
        key: move(value) if key in ("pk", "gsi1pk", "gsi2pk") and isinstance(value, str) else value
        for key, value in item.items()
    }


def moved(operation: WriteOp, move: Callable[[str], str], conditioned: bool = False) -> WriteOp:
    """The operation on the floor tenant's copy of its item, without its condition unless `conditioned`. A Check
    (the customer still as the meter's last sale saw it) is nothing without its condition: the floor runs it as it
    is, on the same item."""
    if isinstance(operation, Put):
        return Put(moved_item(operation.item, move), operation.condition if conditioned else None)
    if isinstance(operation, Increment):
        condition = operation.condition if conditioned else None
        return Increment(move(operation.pk), operation.sk, operation.amounts, operation.assign, condition)
    if isinstance(operation, Delete):
        return Delete(move(operation.pk), operation.sk, operation.condition if conditioned else None)
    return operation


def written_keys(operations: list[WriteOp]) -> list[tuple[str, str]]:
    keys = [
        (operation.item["pk"], operation.item["sk"]) if isinstance(operation, Put) else (operation.pk, operation.sk)
        for operation in operations
        if not isinstance(operation, Check)
    ]
    return list(dict.fromkeys(keys))


@dataclass
class Timings:
    vend: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_with_read: list[float] = field(default_factory=list)
    floor_conditioned: list[float] = field(default_factory=list)
    conditions_failed: int = 0
    # This process's CPU seconds for each (DynamoDB Local's own work not included): steadier than wall time on a
    # loaded machine.
    vend_cpu: float = 0.0
    floor_cpu: float = 0.0
    floor_with_read_cpu: float = 0.0


def time_interleaved(
    store: ItemStore, service: VendService, recorder: Recorder, serials: list[str], count: int, tenant_prefix: str
) -> Timings:
    """Each vend, then the bare transaction of its items, then one BatchGetItem of its keys and that transaction."""
    floor_prefix = f"T#floor{uuid.uuid4().hex[:10]}#"

    def move(key: str) -> str:
        return key.replace(tenant_prefix, floor_prefix, 1)

    timings = Timings()
    keys_of_meter: dict[str, list[tuple[str, str]]] = {}
    for number in range(count):
        serial = serials[number % len(serials)]
        earlier_keys = keys_of_meter.get(serial)
        before = dict(zip(earlier_keys, store.batch_get(earlier_keys), strict=True)) if earlier_keys else {}
        recorder.active = True
        cpu_began = time.process_time()
        timings.vend += time_vends(service, serials[number % len(serials) :], 1)
        timings.vend_cpu += time.process_time() - cpu_began
        recorder.active = False
        copied = [moved(operation, move) for operation in recorder.transactions[-1]]
        cpu_began, began = time.process_time(), time.perf_counter()
        store.transact(copied)
        timings.floor.append(time.perf_counter() - began)
        timings.floor_cpu += time.process_time() - cpu_began
        cpu_began, began = time.process_time(), time.perf_counter()
        store.batch_get(recorder.batches[-1])
        store.transact(copied)
        timings.floor_with_read.append(time.perf_counter() - began)
        timings.floor_with_read_cpu += time.process_time() - cpu_began
        keys_of_meter[serial] = written_keys(recorder.transactions[-1])
        if earlier_keys:
            time_conditioned_floor(store, timings, before, recorder.transactions[-1], move)
    return timings


def time_conditioned_floor(
    store: ItemStore,
    timings: Timings,
    before: dict[tuple[str, str], Item | None],
    operations: list[WriteOp],
    move: Callable[[str], str],
) -> None:
    """The vend's own request, conditions and all, on floor copies reset (untimed) to the state before the vend:
    an item the vend found is copied back as it was, one the vend created is removed."""
    for pk, sk in written_keys(operations):
        found = before.get((pk, sk))
        store.transact([Put(moved_item(found, move)) if found is not None else Delete(move(pk), sk)])
    conditioned = [moved(operation, move, conditioned=True) for operation in operations]
    began = time.perf_counter()
    try:
        store.transact(conditioned)
    except TransactionConflict:  # an item the meter's previous sale did not write (a new day's rollup)
        timings.conditions_failed += 1
        return
    timings.floor_conditioned.append(time.perf_counter() - began)


def report(name: str, timings: list[float]) -> float:
    p50 = statistics.median(timings)
    print(
        f"{name:<38} p50 {p50 * 1000:7.2f} ms   p95 {percentile(timings, 0.95) * 1000:7.2f} ms   "
        f"{len(timings) / sum(timings):7.1f} /s"
    )
    return p50


def time_sellers(recorder: Recorder, service: VendService, serials: list[str], sellers: int, each: int) -> None:
    """`sellers` threads, each selling `each` vends to its own meter, all at once."""
    transactions_before = len(recorder.transactions)
    recorder.active = True
    failures: list[Exception] = []

    def sell(serial: str) -> None:
        for _ in range(each):
            try:
                service.vend(VendRequest(meter=serial, amount=Decimal("20.00")), f"seller-{uuid.uuid4().hex}")
            except Exception as failure:  # counted and shown; the bench goes on
                failures.append(failure)

    threads = [threading.Thread(target=sell, args=(serial,)) for serial in serials[:sellers]]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    recorder.active = False
    transactions = len(recorder.transactions) - transactions_before
    sold = sellers * each - len(failures)
    print(
        f"{sellers} sellers at once, {each} vends each: {sold / elapsed:.1f} vends/s, "
        f"{transactions / max(1, sold):.2f} transactions per vend, {len(failures)} failed"
        + (f" ({type(failures[0]).__name__}: {failures[0]})" if failures else "")
    )


def run(store: DynamoItemStore, vends: int, meters: int, sellers: int) -> None:
    ctx, serials = set_up_shop(store, max(meters, sellers))
    serials, seller_serials = serials[:meters], serials[-sellers:] if sellers else []
    service = VendService(store, ctx, tenant_terms(ctx))
    time_vends(service, serials, WARM_UP_VENDS)
    recorder = Recorder(store)
    timings = time_interleaved(store, service, recorder, serials, vends, ctx.key_prefix)
    transactions = recorder.transactions
    operations = sum(len(ops) for ops in transactions) / max(1, len(transactions))
    print(
        f"{vends} vends to {meters} meters; a vend: {recorder.reads / vends:.2f} read round trips "
        f"({recorder.items_asked / vends:.1f} items asked), {operations:.1f} transaction items"
    )
    vend_p50 = report("vend (VendService.vend)", timings.vend)
    floor_p50 = report("floor (bare TransactWriteItems)", timings.floor)
    read_p50 = report("floor + 1 BatchGetItem (same keys)", timings.floor_with_read)
    conditioned_p50 = report("floor, the vend's conditions kept", timings.floor_conditioned)
    print(f"ratio p50 vend / floor: {vend_p50 / floor_p50:.2f}  (goal: within 1.5)")
    print(f"ratio p50 vend / (floor + 1 read): {vend_p50 / read_p50:.2f}")
    print(
        f"ratio p50 vend / floor with the vend's conditions: {vend_p50 / conditioned_p50:.2f} "
        f"({len(timings.floor_conditioned)} samples, {timings.conditions_failed} whose conditions failed)"
    )
    print(
        f"CPU of this process per operation: vend {timings.vend_cpu / vends * 1000:.2f} ms, floor "
        f"{timings.floor_cpu / vends * 1000:.2f} ms, floor + 1 read {timings.floor_with_read_cpu / vends * 1000:.2f} ms"
    )
    if sellers:
        time_sellers(recorder, service, seller_serials, sellers, SELLER_VENDS)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vends", type=int, default=200)
    parser.add_argument("--meters", type=int, default=4)
    parser.add_argument("--sellers", type=int, default=4, help="threads selling at once at the end (0: none)")
    arguments = parser.parse_args(argv)
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("GRIDVEND_ARGON2_TIME_COST", "1"),
        ("GRIDVEND_ARGON2_MEMORY_KIB", "8192"),
    ):
        os.environ.setdefault(name, value)
    os.environ.setdefault("GRIDVEND_SECURE_MASTER_KEY", TEST_MASTER_KEY)
    with tempfile.TemporaryDirectory(prefix="bench-vend-") as state_dir:
        os.environ["GRIDVEND_STATE_DIR"] = state_dir
        deps.reset()
        supervisor = Supervisor(Path(state_dir) / "services")
        try:
            service = start_on_free_port(supervisor, lambda port: dynamodb_local_spec(port=port))
            configure_table(f"bench-{uuid.uuid4().hex[:8]}", f"http://{service.host}:{service.port}")
            create_table_if_missing()
            print(f"DynamoDB Local on {service.host}:{service.port} (pid {service.pid})")
            run(DynamoItemStore(), arguments.vends, arguments.meters, arguments.sellers)
        finally:
            deps.use_store(None)
            supervisor.stop_all()


if __name__ == "__main__":
    main(sys.argv[1:])
