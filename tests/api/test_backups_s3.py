"""Backups through the real S3 code path (moto server): the job's links download the manifest and the JSON
lines, and a restore reads them back from the bucket; an operator without reports:backup may not start one."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from functions.reports import backup_worker
from tests.api.conftest import Api
from tests.api.test_reports import sold_shop
from tests.api.test_roles_and_operators import _operator_with
from tests.api.vending_setup import _master_key
from tests.fixtures.local_services import LocalEndpoint, moto_server

__all__ = ["_master_key", "moto_server"]


@pytest.fixture
def backups_bucket(moto_server: LocalEndpoint, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("GRIDVEND_REPORTS_BUCKET", "gridvend-backups-test")
    backup_worker.backup_bucket.cache_clear()
    yield "gridvend-backups-test"
    backup_worker.backup_bucket.cache_clear()


@pytest.mark.parametrize("item_store", ["memory"], indirect=True)
def test_the_links_download_the_backup_and_a_restore_reads_it_from_the_bucket(
    api: Api, backups_bucket: str
) -> None:
    shop, receipts = sold_shop(api, ["15000000001"], ["33.00"])
    job = api.call("POST", "/v1/backups", headers=shop.headers).body
    with urllib.request.urlopen(job["download_urls"]["manifest.json"], timeout=10) as reply:
        manifest = json.loads(reply.read())
    assert manifest["tenant"] == shop.tenant_id and manifest["files"]["vend.jsonl"] == 1
    with urllib.request.urlopen(job["download_urls"]["vend.jsonl"], timeout=10) as reply:
        [vend] = [json.loads(line) for line in reply.read().decode().splitlines()]
    assert vend["data"]["bill_number"] == receipts[0]["bill_number"]

    target, target_headers = api.new_tenant()
    body = {"source_tenant": shop.tenant_id, "backup_id": job["id"]}
    assert api.call("POST", f"/v1/platform/tenants/{target}/restore", body, api.platform_headers).status == 201
    shown = api.call("GET", f"/v1/vends/{receipts[0]['bill_number']}", headers=target_headers)
    assert shown.status == 200 and shown.body["meter"] == "15000000001"

    viewer = _operator_with(api, shop.headers, shop.tenant_id, ["reports:view", "reports:export"])
    assert api.call("POST", "/v1/backups", headers=viewer).status == 403


class LambdaContextStub:
    function_name = "gridvend-backup-worker"
    memory_limit_in_mb = 2048
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:gridvend-backup-worker"
    aws_request_id = "local"


@pytest.mark.parametrize("item_store", ["memory"], indirect=True)
def test_with_a_worker_the_backup_is_queued_and_the_worker_runs_it(
    api: Api, backups_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop, _ = sold_shop(api, ["15000000002"], ["21.00"])
    invoked: list[tuple[str, dict[str, str]]] = []
    monkeypatch.setenv(backup_worker.WORKER_VARIABLE, "gridvend-backup-worker")
    monkeypatch.setattr(backup_worker, "invoke_worker", lambda worker, payload: invoked.append((worker, payload)))
    queued = api.call("POST", "/v1/backups", headers=shop.headers)
    assert queued.status == 202 and queued.body["status"] == "queued"
    assert "download_urls" not in queued.body
    [(worker, payload)] = invoked
    assert worker == "gridvend-backup-worker"
    assert payload == {"tenant": shop.tenant_id, "job": queued.body["id"], "requested_by": "admin"}

    outcome = backup_worker.handler(payload, LambdaContextStub())  # type: ignore[arg-type]
    assert outcome["status"] == "done"
    shown = api.call("GET", f"/v1/backups/{queued.body['id']}", headers=shop.headers).body
    assert shown["status"] == "done" and shown["files"]["vend.jsonl"] == 1 and shown["download_urls"]
