"""Where a backup job runs. In the cloud (GRIDVEND_BACKUP_WORKER names the worker function) the API queues the job
and invokes the worker asynchronously, so a large tenant is not bound by the API's 29 seconds; the worker Lambda
(`handler`) scans and writes the files, and the job record shows its progress. Without a worker (locally, tests)
the job runs at once in the request."""

from __future__ import annotations

import functools
import json
import os
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.deps import item_store, tenant_store
from functions.common.observability import observed
from functions.reports.backup import BackupBucket, BackupJobs, S3BackupBucket
from functions.reports.jobs import BUCKET_VARIABLE
from gridvend.auth.context import TenantContext, system_context, validate_tenant_id

WORKER_VARIABLE = "GRIDVEND_BACKUP_WORKER"


@functools.lru_cache(maxsize=1)
def backup_bucket() -> BackupBucket:
    import boto3

    return S3BackupBucket(boto3.client("s3"), os.environ.get(BUCKET_VARIABLE, "gridvend-reports"))


def queue_backup(ctx: TenantContext, bucket: BackupBucket) -> dict[str, Any]:
    jobs = BackupJobs(tenant_store(ctx.tenant_id), item_store(), ctx, bucket)
    job = jobs.queue()
    worker = os.environ.get(WORKER_VARIABLE)
    if not worker:
        return jobs.run(job["id"])
    invoke_worker(worker, {"tenant": ctx.tenant_id, "job": job["id"], "requested_by": ctx.username})
    return jobs.shown(job)


def invoke_worker(worker: str, payload: dict[str, str]) -> None:
    import boto3

    boto3.client("lambda").invoke(FunctionName=worker, InvocationType="Event", Payload=json.dumps(payload).encode())


@observed()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant_id = validate_tenant_id(str(event.get("tenant") or ""), "tenant")
    ctx = system_context(tenant_id, "backup")
    job = BackupJobs(item_store(), item_store(), ctx, backup_bucket()).run(str(event.get("job") or ""))
    return {"id": job["id"], "status": job["status"], "items": job["items"]}
