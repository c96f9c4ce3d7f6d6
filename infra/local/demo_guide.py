"""What `make up`'s summary tells a person to try on the demo tenant: its logins, the guided tour
(infra/local/demo_tour.py) and a few API calls to start from."""

from __future__ import annotations

from datetime import UTC, datetime

from gridvend.auth.context import system_context
from gridvend.store.archives import ArchiveRepository
from gridvend.store.dynamo import DynamoItemStore
from infra.local.bootstrap import DEMO_ADMIN, DEMO_TENANT, PLATFORM_LOGIN
from infra.local.demo_grid import LINE, TOPOLOGY_CODE, TRANSFORMER
from infra.local.demo_self_service import DEMO_SELF_SERVICE_CODE, DEMO_SELF_SERVICE_METER
from infra.local.demo_vending import DEMO_METERS


def demo_topology_id() -> str | None:
    """The id of the demo topology in the table the stack uses (None if bootstrap did not make it)."""
    try:
        repository = ArchiveRepository(DynamoItemStore(), system_context(DEMO_TENANT, "guide"))
        record = repository.get_by_code("topologies", TOPOLOGY_CODE)
    except Exception:  # the guide is an extra: a table that cannot be read leaves a placeholder
        return None
    return record.record_id if record else None


def demo_logins(web_url: str | None) -> list[str]:
    self_service = f"{web_url}/self-service?tenant={DEMO_TENANT}" if web_url else "the self-service page"
    return [
        f"tenant `{DEMO_TENANT}`: {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}",
        f"platform operator (tenant `platform`): {PLATFORM_LOGIN[0]} / {PLATFORM_LOGIN[1]}",
        f"customer self-service ({self_service}): meter {DEMO_SELF_SERVICE_METER}, code {DEMO_SELF_SERVICE_CODE}",
    ]


def demo_walkthrough(api_url: str, topology_id: str | None) -> list[str]:
    auth = '-H "Authorization: Bearer $T" -H "Content-Type: application/json"'
    login = (
        f"T=$(curl -s {api_url}/v1/auth/login -H 'Content-Type: application/json' -d "
        f"'{{\"tenant\":\"{DEMO_TENANT}\",\"username\":\"{DEMO_ADMIN[0]}\",\"password\":\"{DEMO_ADMIN[1]}\"}}'"
        " | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
    )
    month = datetime.now(UTC).strftime("%Y-%m")
    return [
        f"meters {DEMO_METERS[0]}..{DEMO_METERS[-1][-2:]} are in service (STS test key) on simulated modules;"
        f" topology {TOPOLOGY_CODE}: line {LINE.code} (master {LINE.master_meter}) feeds transformer"
        f" {TRANSFORMER.code} (master {TRANSFORMER.master_meter}) and the meters",
        "a walk through the API (sell + remote delivery, relay, reports, line loss, self-service):"
        f" PYTHONPATH=. .venv/bin/python -m infra.local.demo_tour --api {api_url}",
        login,
        f"curl -s {api_url}/v1/vends {auth} -H \"Idempotency-Key: $(date +%s%N)\""
        f" -d '{{\"meter\":\"{DEMO_METERS[0]}\",\"amount\":\"100.00\",\"deliver\":\"remote\"}}'",
        f"curl -s '{api_url}/v1/line-loss/tree?topology={topology_id or '<id from /v1/archives/topologies>'}"
        f"&month={month}' {auth}",
    ]
