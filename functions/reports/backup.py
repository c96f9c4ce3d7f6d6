"""Tenant backups and restores (see gridvend.reports.backup_format for what a backup holds).

A backup is a job, queued by the API and run by the backup worker (functions.reports.backup_worker): the tenant's
items are scanned, written as JSON lines per entity to the reports bucket under
backups/<tenant>/<job>/, with a manifest; the job record tells its progress and hands out presigned links.
Access pattern: backup job by id: pk=T#<t>#BACKUP  sk=<job id>.

A restore (platform operators only) copies a backup into an *empty* tenant: one that holds no more than its
onboarding left (settings, operators, login log, audit, the default archive records). The default archive
records are replaced by the backup's; the target keeps its own settings (the money decimals must match) and
operators (a backed-up operator of another name arrives without a password). Derived items (report cells,
rollups and what the stream consumers recorded as counted) are written before the items they derive from.
"""

from __future__ import annotations

import io
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from functions.common.vending_keys import data_keys
from functions.reports.jobs import S3ExportBucket
from functions.reports.tenant_scan import forget_cached_reads, tenant_items
from gridvend.archives.kinds import ARCHIVE_KINDS
from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, InvalidInput, NotFound
from gridvend.reports.backup_format import (
    FORMAT,
    REBUILT_BY_STREAM,
    file_of,
    is_derived,
    item_line,
    kept,
    line_item,
    moved,
)
from gridvend.secure.data_keys import module_context
from gridvend.store.items import Delete, Item, ItemStore
from gridvend.store.tenants import own_tenant_settings
from tenants.defaults import DEFAULT_ARCHIVES

WRITE_BATCH = 500
DELETE_BATCH = 25
# What a newly onboarded tenant holds besides its default archives, none of which makes it "not empty": its own
# settings and operators, their log, and the stream's counts of the defaults (a restore's stream recounts).
ONBOARDING_ENTITIES = frozenset({"tenant-settings", "operator", "login", "audit", *REBUILT_BY_STREAM})


class BackupBucket(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    def link(self, key: str, filename: str) -> str: ...

    def read(self, key: str) -> bytes | None: ...


class S3BackupBucket(S3ExportBucket):
    def read(self, key: str) -> bytes | None:
        try:
            reply = self._client.get_object(Bucket=self._bucket, Key=key)
        except self._client.exceptions.NoSuchKey:
            return None
        body: bytes = reply["Body"].read()
        return body


def now_text() -> str:
    return utc_now().isoformat(timespec="seconds")


class BackupJobs:
    """`store` reads and writes the job record (the tenant's own store); `scan_store` scans the tenant."""

    def __init__(self, store: ItemStore, scan_store: ItemStore, ctx: TenantContext, bucket: BackupBucket) -> None:
        self._store, self._scan_store, self._ctx, self._bucket = store, scan_store, ctx, bucket
        self._partition = f"{ctx.key_prefix}BACKUP"

    def queue(self) -> dict[str, Any]:
        """A new job record, status "queued"; `run` does the work (in the worker, or at once locally)."""
        job_id = uuid.uuid4().hex
        job: dict[str, Any] = {
            "id": job_id, "status": "queued", "progress": 0, "items": 0, "files": {},
            "requested_by": self._ctx.username, "created_at": now_text(),
            "folder": f"backups/{self._ctx.tenant_id}/{job_id}",
        }
        self._save(job)
        return job

    def run(self, job_id: str) -> dict[str, Any]:
        item = self._store.get(self._partition, job_id)
        if item is None:
            raise NotFound(f"backup '{job_id}' does not exist")
        job: dict[str, Any] = {**item["data"], "status": "running", "started_at": now_text()}
        folder = job["folder"]
        self._save(job)
        try:
            files: dict[str, list[str]] = {}
            for found in tenant_items(self._scan_store, self._ctx.tenant_id):
                if kept(found, self._ctx.tenant_id):
                    files.setdefault(file_of(found), []).append(item_line(found))
            job |= {"progress": 50, "items": sum(len(lines) for lines in files.values())}
            self._save(job)
            for position, (name, lines) in enumerate(sorted(files.items()), start=1):
                self._bucket.put(f"{folder}/{name}", ("\n".join(lines) + "\n").encode(), "application/x-ndjson")
                job["files"][name] = len(lines)
                job["progress"] = 50 + 50 * position // (len(files) + 1)
                self._save(job)
            manifest = {
                "format": FORMAT, "tenant": self._ctx.tenant_id, "backup": job_id, "created_at": job["created_at"],
                "decimals": int((own_tenant_settings(self._store, self._ctx.tenant_id) or {}).get("decimals", 2)),
                "files": job["files"],
            }
            self._bucket.put(f"{folder}/manifest.json", json.dumps(manifest, indent=1).encode(), "application/json")
            job |= {"status": "done", "progress": 100, "finished_at": now_text()}
        except Exception:
            job |= {"status": "failed", "finished_at": now_text()}
            self._save(job)
            raise
        self._save(job)
        return self.shown(job)

    def get(self, job_id: str) -> dict[str, Any]:
        item = self._store.get(self._partition, job_id)
        if item is None:
            raise NotFound(f"backup '{job_id}' does not exist")
        return self.shown(item["data"])

    def shown(self, job: dict[str, Any]) -> dict[str, Any]:
        public = {name: value for name, value in job.items() if name != "folder"}
        if job["status"] == "done":
            public["download_urls"] = {
                name: self._bucket.link(f"{job['folder']}/{name}", name) for name in ["manifest.json", *job["files"]]
            }
        return public

    def _save(self, job: dict[str, Any]) -> None:
        self._store.put({"pk": self._partition, "sk": job["id"], "entity": "tenant-backup", "data": job})


def _default_codes() -> dict[str, set[str]]:
    return {kind: {str(record["code"]).upper() for record in records} for kind, records in DEFAULT_ARCHIVES.items()}


def onboarding_leftovers(items: Iterable[Item], tenant_id: str) -> tuple[list[Item], list[str]]:
    """(the target's default archive items, which a restore replaces; what makes the tenant not empty)."""
    defaults, foreign = _default_codes(), []
    archive_items: list[Item] = []
    prefix = f"T#{tenant_id}#ARC#"
    for item in items:
        entity = str(item.get("entity") or "")
        if entity in ONBOARDING_ENTITIES:
            continue
        pk = str(item["pk"])
        if pk.startswith(prefix):
            kind = pk[len(prefix):]
            code = str((item.get("data") or {}).get("code") or str(item["sk"])[2:])
            if code.upper() in defaults.get(kind, set()) and not item.get("ref_count"):
                archive_items.append(item)
                continue
        foreign.append(f"{entity or 'item'} {item['sk']}")
    return archive_items, foreign


def with_data_key_for(item: Item, source: str, target: str) -> Item:
    """A software secure module's wrapped data key, wrapped again for the target tenant by the key service (its
    vending keys stay wrapped under that data key): the restored module sells in the target as in the source."""
    data = item.get("data")
    if item.get("entity") != "secure-module" or not isinstance(data, dict) or not data.get("wrapped_data_key"):
        return item
    module_id = str(item["sk"])
    wrapped = data_keys().rewrap(bytes.fromhex(str(data["wrapped_data_key"])), module_context(source, module_id),
                                 module_context(target, module_id))
    return {**item, "data": {**data, "wrapped_data_key": wrapped.hex()}}


def restore(store: ItemStore, bucket: BackupBucket, target: str, source: str, backup_id: str,
            progress: Callable[[int], None] = lambda _: None) -> dict[str, Any]:
    """Copies the backup into the empty tenant `target`; the number of items written per file."""
    folder = f"backups/{source}/{backup_id}"
    manifest_bytes = bucket.read(f"{folder}/manifest.json")
    if manifest_bytes is None:
        raise NotFound(f"backup '{backup_id}' of tenant '{source}' does not exist")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise InvalidInput.for_field("backup_id", f"not a {FORMAT} backup")
    settings = own_tenant_settings(store, target)
    if settings is None:
        raise NotFound(f"tenant '{target}' does not exist")
    if int(settings.get("decimals", 2)) != int(manifest.get("decimals", 2)):
        raise Conflict("the backup's money decimals differ from the tenant's",
                       [FieldProblem("decimals", f"the backup has {manifest.get('decimals')}")])
    replaced, foreign = onboarding_leftovers(tenant_items(store, target), target)
    if foreign:
        raise Conflict(f"tenant '{target}' is not empty: it holds {len(foreign)} items such as {foreign[0]}",
                       [FieldProblem("tenant_id", "not empty")])
    existing_operators = {str(item["sk"]) for item in tenant_items(store, target) if item.get("entity") == "operator"}
    derived: list[Item] = []
    sources: list[Item] = []
    for name in sorted(manifest.get("files") or {}):
        body = bucket.read(f"{folder}/{name}") or b""
        for line in io.StringIO(body.decode()):
            if not line.strip():
                continue
            item = with_data_key_for(moved(line_item(line), source, target), source, target)
            entity = str(item.get("entity") or "")
            if entity in REBUILT_BY_STREAM or entity == "tenant-settings" or (
                entity == "operator" and str(item["sk"]) in existing_operators
            ):
                continue
            (derived if is_derived(entity) else sources).append(item)
    for start in range(0, len(replaced), DELETE_BATCH):
        store.transact([Delete(item["pk"], item["sk"]) for item in replaced[start:start + DELETE_BATCH]])
    written: Counter[str] = Counter()
    ordered = [*derived, *sources]
    for start in range(0, len(ordered), WRITE_BATCH):
        batch = ordered[start:start + WRITE_BATCH]
        store.put_many(batch)
        written.update(file_of(item) for item in batch)
        progress(100 * (start + len(batch)) // max(1, len(ordered)))
    forget_cached_reads(store, target, [f"archives:{kind}" for kind in ARCHIVE_KINDS])
    return {"tenant": target, "source_tenant": source, "backup": backup_id, "replaced_defaults": len(replaced),
            "items": sum(written.values()), "files": dict(sorted(written.items()))}
