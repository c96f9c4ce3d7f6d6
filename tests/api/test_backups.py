"""Backups and restores: a tenant's export, restored by a platform operator into an empty tenant, gives back the
same sales and line-loss reports, holds no secrets, and a non-empty tenant is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from functions.reports.line_loss_stream import process_stream_batch as count_loss
from functions.reports.routes import backups as backup_module
from functions.reports.topologies import TopologyCache
from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.reports.backup_format import REBUILT_BY_STREAM
from gridvend.store.items import ItemStore
from tests.api.conftest import Api
from tests.api.line_loss_setup import build_grid, send_readings
from tests.api.test_line_loss import january_readings
from tests.api.test_reports import feed_stream, sold_shop, tenant_items
from tests.api.test_vends import meter_decoder
from tests.api.vending_setup import _master_key
from tests.unit.secure.vectors import leaks_secret

__all__ = ["_master_key"]


class FakeBucket:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = body

    def link(self, key: str, filename: str) -> str:
        return f"https://bucket.example/{key}"

    def read(self, key: str) -> bytes | None:
        return self.objects.get(key)


@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBucket]:
    fake = FakeBucket()
    monkeypatch.setattr(backup_module, "_bucket", lambda: fake)
    yield fake


def reports_of(api: Api, headers: dict[str, str], topology_id: str) -> dict[str, Any]:
    out = {}
    for path in ("/v1/reports/sales-daily", "/v1/reports/vat?group=month",
                 f"/v1/line-loss?topology={topology_id}&month=2026-01"):
        reply = api.call("GET", path, headers=headers)
        assert reply.status == 200, reply.body
        out[path] = {"rows": reply.body["rows"], "totals": reply.body["totals"]}
    return out


def replay_rollups(store: ItemStore, tenant_id: str) -> None:
    items = [item for item in _all(store, tenant_id) if item.get("entity") == "rollup-month"]
    outcome = count_loss(stream_event([stream_record("INSERT", item) for item in items]), store, TopologyCache(store))
    assert outcome["batchItemFailures"] == []


def _all(store: ItemStore, tenant_id: str) -> list[dict[str, Any]]:
    from functions.reports.tenant_scan import tenant_items as scan

    return list(scan(store, tenant_id))


def test_a_restored_backup_gives_back_the_same_reports_and_no_secrets(api: Api, bucket: FakeBucket) -> None:
    shop, _ = sold_shop(api, ["14000000001", "14000000002"], ["80.00", "25.50", "10.00"])
    grid = build_grid(api, shop.tenant_id, shop.headers)
    send_readings(api, shop.tenant_id, january_readings())
    before = reports_of(api, shop.headers, grid.topology_id)

    started = api.call("POST", "/v1/backups", headers=shop.headers)
    assert started.status == 202, started.body
    job = started.body
    assert job["status"] == "done" and job["progress"] == 100
    assert job["files"]["vend.jsonl"] == 3
    assert "manifest.json" in job["download_urls"]
    assert api.call("GET", f"/v1/backups/{job['id']}", headers=shop.headers).body["items"] == job["items"]
    everything = b"".join(bucket.objects.values())
    assert b"$argon2" not in everything and b"IDEMPOTENCY" not in everything

    target, target_headers = api.new_tenant()
    # The stream has counted the new tenant's default archives, as it would in the cloud: still "empty".
    onboarded = stream_event([stream_record("INSERT", item) for item in _all(api.store, target)])
    assert process_stream_batch(onboarded, api.store, TenantFacts(api.store))["batchItemFailures"] == []
    assert any(item.get("entity") in REBUILT_BY_STREAM for item in _all(api.store, target))
    body = {"source_tenant": shop.tenant_id, "backup_id": job["id"]}
    restored = api.call("POST", f"/v1/platform/tenants/{target}/restore", body, api.platform_headers)
    assert restored.status == 201, restored.body
    rebuilt = sum(job["files"].get(f"{entity}.jsonl", 0) for entity in REBUILT_BY_STREAM)
    # All but the source's settings and admin (the target keeps its own) and what the stream counts anew.
    assert restored.body["items"] == job["items"] - 2 - rebuilt

    # The stream hands the consumers every restored item; they find it counted already.
    feed_stream(api, target)
    replay_rollups(api.store, target)
    assert reports_of(api, target_headers, grid.topology_id) == before
    assert reports_of(api, shop.headers, grid.topology_id) == before
    assert api.call("GET", "/v1/me", headers=target_headers).status == 200

    again = api.call("POST", f"/v1/platform/tenants/{target}/restore", body, api.platform_headers)
    assert again.status == 409 and "not empty" in str(again.body)


def test_restores_are_for_platform_operators_and_refuse_bad_requests(api: Api, bucket: FakeBucket) -> None:
    source, source_headers = api.new_tenant()
    job = api.call("POST", "/v1/backups", headers=source_headers).body
    target, target_headers = api.new_tenant()
    body = {"source_tenant": source, "backup_id": job["id"]}
    assert api.call("POST", f"/v1/platform/tenants/{target}/restore", body, target_headers).status == 403
    for bad, field_name in (
        ({"source_tenant": source, "backup_id": "x"}, "backup_id"),
        ({"backup_id": job["id"]}, "source_tenant"),
        ({**body, "extra": 1}, "extra"),
    ):
        reply = api.call("POST", f"/v1/platform/tenants/{target}/restore", bad, api.platform_headers)
        assert reply.status == 400 and field_name in str(reply.body), reply.body
    unknown = {"source_tenant": source, "backup_id": "0" * 32}
    assert api.call("POST", f"/v1/platform/tenants/{target}/restore", unknown, api.platform_headers).status == 404
    other_decimals, _ = api.new_tenant(decimals=0)
    assert api.call("POST", f"/v1/platform/tenants/{other_decimals}/restore", body,
                    api.platform_headers).status == 409
    assert api.call("GET", f"/v1/backups/{job['id']}", headers=target_headers).status == 404
    assert tenant_items(api.store, f"T#{target}#VEND") == []


def test_a_restored_software_module_keeps_its_keys_wrapped_and_sells_in_the_new_tenant(
    api: Api, bucket: FakeBucket
) -> None:
    shop, receipts = sold_shop(api, ["14000000011"], ["30.00"])
    job = api.call("POST", "/v1/backups", headers=shop.headers).body
    everything = b"".join(bucket.objects.values()).decode()
    assert "secure-module-key" in everything and not leaks_secret(everything)  # in the backup, still wrapped

    target, target_headers = api.new_tenant()
    body = {"source_tenant": shop.tenant_id, "backup_id": job["id"]}
    assert api.call("POST", f"/v1/platform/tenants/{target}/restore", body, api.platform_headers).status == 201
    module = api.store.get(f"T#{target}#SM", "SM1")
    source_module = api.store.get(f"T#{shop.tenant_id}#SM", "SM1")
    assert module and source_module
    assert module["data"]["wrapped_data_key"] != source_module["data"]["wrapped_data_key"]  # wrapped for the target

    sold = api.call("POST", "/v1/vends", {"meter": "14000000011", "amount": "20.00"},
                    {**target_headers, "Idempotency-Key": "after-restore-1"})
    assert sold.status == 201, sold.body
    decoder = meter_decoder("14000000011")
    assert decoder.enter(receipts[0]["tokens"][0]).accepted
    assert decoder.enter(sold.body["tokens"][0]).accepted  # the restored keys made it
