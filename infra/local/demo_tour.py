"""`python -m infra.local.demo_tour [--api URL]`: a walk through the running demo over HTTP, as a person would click
it: log in, sell to a demo meter with remote delivery and watch the meter take the token, open a relay, read the
sales report, the dashboard, the energy report and the line-loss tree, log in to self-service. Prints what each
step shows; tests/e2e/test_demo_stack.py runs the same steps against a stack it starts."""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from infra.local.demo_grid import TOPOLOGY_CODE
from infra.local.demo_self_service import DEMO_SELF_SERVICE_CODE, DEMO_SELF_SERVICE_METER

DEFAULT_API = "http://127.0.0.1:8000"
DEMO_LOGIN = {"tenant": "demo", "username": "admin", "password": "admin123"}
WAIT_SECONDS = 45.0
Found = TypeVar("Found")


class DemoApi:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url.rstrip("/")
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            self._base_url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", **self.headers, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def ok(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        status, answer = self.call(method, path, body, headers)
        if status not in (200, 201):
            raise RuntimeError(f"{method} {path} answered {status}: {answer}")
        return answer

    def log_in(self) -> None:
        self.headers = {"Authorization": f"Bearer {self.ok('POST', '/v1/auth/login', DEMO_LOGIN)['access_token']}"}


def eventually(probe: Callable[[], Found | None], what: str, timeout: float = WAIT_SECONDS) -> Found:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.5)


def in_service_meters(api: DemoApi) -> list[dict[str, Any]]:
    return list(api.ok("GET", "/v1/meters?status=in_service&limit=50")["items"])


def finished_task(api: DemoApi, task_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The task once it is no longer running, and its commands."""
    task = eventually(lambda: (lambda view: view if view["status"] != "running" else None)(
        api.ok("GET", f"/v1/tasks/{task_id}")), f"task {task_id} to finish")
    return task, list(api.ok("GET", f"/v1/tasks/{task_id}/commands")["items"])


def sell_remotely(api: DemoApi, serial: str, amount: str) -> dict[str, Any]:
    return dict(api.ok("POST", "/v1/vends", {"meter": serial, "amount": amount, "deliver": "remote"},
                       {"Idempotency-Key": f"tour-{uuid.uuid4().hex}"}))


def open_relay(api: DemoApi, serial: str) -> str:
    sent = api.ok("POST", "/v1/commands", {"kind": "relay_disconnect", "targets": {"meters": [serial]},
                                           "timeout_seconds": 30})
    return str(sent["task_id"])


def report_rows(api: DemoApi, name: str, query: str = "") -> list[dict[str, Any]]:
    return list(api.ok("GET", f"/v1/reports/{name}{'?' + query if query else ''}")["rows"])


def sales_counted(api: DemoApi) -> int:
    """How many sales the daily sales report has counted, over all days."""
    return int(api.ok("GET", "/v1/reports/sales-daily")["totals"].get("sales_count") or 0)


def this_month_sales(api: DemoApi) -> dict[str, Any] | None:
    month = datetime.now(UTC).strftime("%Y-%m")
    found = [row for row in api.ok("GET", "/v1/dashboard")["billing_by_month"] if row["month"] == month]
    return found[0] if found else None


def line_loss_nodes(api: DemoApi) -> dict[str, dict[str, Any]]:
    """The demo topology's nodes by code, with this month's figures."""
    topology = api.ok("GET", f"/v1/archives/topologies?q={TOPOLOGY_CODE}&match=exact")["items"][0]
    month = datetime.now(UTC).strftime("%Y-%m")
    tree = api.ok("GET", f"/v1/line-loss/tree?topology={topology['id']}&month={month}")
    nodes: dict[str, dict[str, Any]] = {}
    pending = list(tree["roots"])
    while pending:
        node = pending.pop()
        nodes[node["code"]] = node
        pending.extend(node.get("children", []))
    return nodes


def self_service_overview(api: DemoApi) -> dict[str, Any]:
    session = api.ok("POST", "/v1/self-service/login", {"tenant": DEMO_LOGIN["tenant"],
                                                        "meter": DEMO_SELF_SERVICE_METER,
                                                        "code": DEMO_SELF_SERVICE_CODE})
    return dict(api.ok("GET", "/v1/self-service/me", headers={"X-Customer-Session": session["session_token"]}))


def tour(api: DemoApi, say: Callable[[str], None]) -> None:
    api.log_in()
    meters = in_service_meters(api)
    say(f"meters in service: {len(meters)} ({', '.join(meter['serial'] for meter in meters)})")
    counted = sales_counted(api)
    receipt = sell_remotely(api, meters[0]["serial"], "100.00")
    say(f"sold {receipt['energy_kwh']} kWh to {receipt['meter']}: bill {receipt['bill_number']},"
        f" token {receipt['tokens_grouped'][0]}")
    task, commands = finished_task(api, receipt["delivery"]["task_id"])
    say(f"remote delivery {task['status']}: the meter answered {commands[0]['result']}")
    task, commands = finished_task(api, open_relay(api, meters[1]["serial"]))
    say(f"relay_disconnect on {meters[1]['serial']} {task['status']}:"
        f" {' -> '.join(step['state'] for step in commands[0]['history'])}")
    eventually(lambda: sales_counted(api) > counted, "the sale in the daily sales report")
    sales = report_rows(api, "sales-daily")
    say(f"daily sales: {[(row['day'], row['sales_count'], row['sales_net']) for row in sales]}")
    say(f"dashboard, this month: {this_month_sales(api)}")
    energy = report_rows(api, "energy")
    say(f"energy report: {len(energy)} rows, e.g. {energy[0] if energy else 'none yet'}")
    for node in line_loss_nodes(api).values():
        say(f"line loss {node['code']} ({node['level']}): supplied {node['supplied_kwh']} kWh, downstream"
            f" {node['downstream_kwh']} kWh, loss {node['loss_kwh']} kWh ({node['loss_rate']} %)")
    overview = self_service_overview(api)
    say(f"self-service {DEMO_SELF_SERVICE_METER} / {DEMO_SELF_SERVICE_CODE}: {sorted(overview)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.demo_tour", description=__doc__)
    parser.add_argument("--api", default=DEFAULT_API)
    arguments = parser.parse_args(argv)
    try:
        tour(DemoApi(arguments.api), lambda line: print(line, flush=True))
    except (RuntimeError, TimeoutError, OSError) as failure:
        print(f"the tour stopped: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
