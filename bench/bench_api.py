"""API cost over its floor: cold imports of each function's app module, and archive create/list latency
through the API code path on DynamoDB Local.

Run: PYTHONPATH=. .venv/bin/python bench/bench_api.py [--iterations N] [--imports N]
Prints figures only; it never passes or fails on speed. Each figure comes with its floor, measured in the
same run on the same machine:
  imports  every template function's handler module in a fresh interpreter  vs  `import boto3, pynamodb.models`
  latency  POST/GET /v1/archives/payment-terms through Chalice's test client (authorizer, tenant context,
           repository, DynamoItemStore)  vs  a bare PynamoDB TableItem save / query of the same item
DynamoDB Local is started for the run on a free loopback port and stopped by its pid.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.deploy.api_events import TEMPLATE, template_functions

ROOT = Path(__file__).resolve().parents[1]
APP_MODULES = tuple(sorted({function.handler.rsplit(".", 1)[0]
                            for function in template_functions(TEMPLATE.read_text().split("\n"))}))
FLOOR_IMPORT = "boto3, pynamodb.models"
ADMIN_PASSWORD = "bench-admin-pass"


def _import_seconds(module: str) -> float:
    """One fresh interpreter; only the import is timed (not the interpreter's own start)."""
    probe = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def bench_imports(runs: int) -> None:
    print(f"cold import, median of {runs} fresh interpreters each (bytecode already compiled; interleaved)")
    modules = (FLOOR_IMPORT, *APP_MODULES)
    for module in modules:
        _import_seconds(module)  # compiles any stale bytecode; not counted
    samples: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(runs):  # round-robin, so load from other processes falls on every module alike
        for module in modules:
            samples[module].append(_import_seconds(module))
    floor = statistics.median(samples[FLOOR_IMPORT])
    for module in modules:
        seconds = statistics.median(samples[module])
        label = f"{module} (floor)" if module == FLOOR_IMPORT else module
        print(f"  {label:<40} {seconds * 1000:8.1f} ms   x{seconds / floor:4.2f} of floor")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95_index = min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))
    return statistics.median(ordered), ordered[p95_index]


def _timed(action: Callable[[int], Any], iterations: int, warmup: int = 3) -> list[float]:
    for number in range(warmup):
        action(-1 - number)
    samples = []
    for number in range(iterations):
        started = time.perf_counter()
        action(number)
        samples.append(time.perf_counter() - started)
    return samples


def _report(name: str, api: list[float], floor: list[float]) -> None:
    api_p50, api_p95 = _percentiles(api)
    floor_p50, floor_p95 = _percentiles(floor)
    print(
        f"  {name:<8} API p50 {api_p50 * 1000:7.2f} ms  p95 {api_p95 * 1000:7.2f} ms   "
        f"floor p50 {floor_p50 * 1000:7.2f} ms  p95 {floor_p95 * 1000:7.2f} ms   p50 ratio x{api_p50 / floor_p50:4.1f}"
    )


def _prepare_environment(endpoint_url: str, state_dir: Path) -> str:
    table_name = f"gridvend-bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        {
            "GRIDVEND_TABLE": table_name,
            "GRIDVEND_STATE_DIR": str(state_dir),
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
            "GRIDVEND_ARGON2_TIME_COST": "1",
            "GRIDVEND_ARGON2_MEMORY_KIB": "8192",
        }
    )
    for variable in ("AWS_PROFILE", "GRIDVEND_TENANT_ROLE_ARN", "GRIDVEND_IDENTITY", "GRIDVEND_JWKS_URL"):
        os.environ.pop(variable, None)
    return table_name


def bench_latency(endpoint_url: str, state_dir: Path, iterations: int) -> None:
    table_name = _prepare_environment(endpoint_url, state_dir)
    from chalice.test import Client

    from functions.common import deps
    from functions.local_api import combined_app
    from gridvend.auth.context import PLATFORM_OPERATOR_ROLE, TenantContext
    from gridvend.store.dynamo import TableItem, configure_table, create_table_if_missing
    from tenants.onboarding import FirstAdmin, NewTenant, onboard_tenant

    deps.reset()
    configure_table(table_name, endpoint_url)
    create_table_if_missing()
    tenant_id = f"bench{uuid.uuid4().hex[:8]}"
    platform = TenantContext("platform", "bench", "bench", roles=frozenset({PLATFORM_OPERATOR_ROLE}))
    request = NewTenant(
        id=tenant_id, name="Bench", currency="KES", decimals=2, timezone="UTC",
        admin=FirstAdmin(username="admin", password=ADMIN_PASSWORD),
    )
    onboard_tenant(deps.item_store(), platform, request)

    with Client(combined_app()) as client:
        login = {"tenant": tenant_id, "username": "admin", "password": ADMIN_PASSWORD}
        json_type = {"Content-Type": "application/json"}
        reply = client.http.post("/v1/auth/login", headers=json_type, body=json.dumps(login))
        headers = {"Authorization": f"Bearer {json.loads(reply.body)['access_token']}", **json_type}

        def api_create(number: int) -> None:
            body = json.dumps({"code": f"API{number + 10}", "name": f"Term {number}"})
            answer = client.http.post("/v1/archives/payment-terms", headers=headers, body=body)
            assert answer.status_code == 201, answer.body

        def api_list(_: int) -> None:
            answer = client.http.get("/v1/archives/payment-terms?limit=20", headers=headers)
            assert answer.status_code == 200, answer.body

        print(f"latency on DynamoDB Local, {iterations} iterations each (after 3 warm-up calls)")
        created = _timed(api_create, iterations)
        listed = _timed(api_list, iterations)

    floor_partition = f"T#{tenant_id}#FLOOR"

    def bare_save(number: int) -> None:
        TableItem(floor_partition, f"R#{number + 10:06d}", entity="payment-terms", data={"code": f"F{number}"}).save()

    def bare_query(_: int) -> None:
        list(TableItem.query(floor_partition, limit=20, page_size=20, consistent_read=True))

    _report("create", created, _timed(bare_save, iterations))
    _report("list", listed, _timed(bare_query, iterations))
    deps.reset()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=30, help="timed API calls per case (default 30)")
    parser.add_argument("--imports", type=int, default=5, help="fresh interpreters per import figure (default 5)")
    arguments = parser.parse_args()

    bench_imports(arguments.imports)

    from infra.local.dynamodb_local import dynamodb_local_spec
    from infra.local.supervisor import Supervisor, start_on_free_port

    with tempfile.TemporaryDirectory(prefix="gridvend-bench-") as directory:
        supervisor = Supervisor(Path(directory) / "services")
        try:
            service = start_on_free_port(supervisor, lambda port: dynamodb_local_spec(port=port))
            print(f"DynamoDB Local pid {service.pid} on {service.host}:{service.port}")
            bench_latency(f"http://{service.host}:{service.port}", Path(directory) / "state", arguments.iterations)
        finally:
            supervisor.stop_all()  # by pid file, the one process this run started


if __name__ == "__main__":
    main()
