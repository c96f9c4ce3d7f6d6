"""Export jobs: a report written as a file to the reports bucket, with a job record that tells its progress
and hands out a presigned download link (the bucket is never public).

Access pattern: job by id: pk=T#<t>#RPTJOB  sk=<job id>  (data: report, format, status, progress, rows, key)
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Protocol

from functions.reports.exports import CONTENT_TYPES, export
from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import NotFound
from gridvend.reports.table import ReportTable
from gridvend.store.items import ItemStore

BUCKET_VARIABLE = "GRIDVEND_REPORTS_BUCKET"
LINK_SECONDS = 3600


class ExportBucket(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    def link(self, key: str, filename: str) -> str: ...


class S3ExportBucket:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client, self._bucket = client, bucket
        self._ready = False

    def put(self, key: str, body: bytes, content_type: str) -> None:
        if not self._ready:
            try:
                self._client.head_bucket(Bucket=self._bucket)
            except self._client.exceptions.ClientError:
                self._client.create_bucket(Bucket=self._bucket)
            self._ready = True
        self._client.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)

    def link(self, key: str, filename: str) -> str:
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key,
                    "ResponseContentDisposition": f'attachment; filename="{filename}"'},
            ExpiresIn=LINK_SECONDS,
        )
        return url


def bucket_from_env() -> ExportBucket:
    import boto3

    return S3ExportBucket(boto3.client("s3"), os.environ.get(BUCKET_VARIABLE, "gridvend-reports"))


class ExportJobs:
    def __init__(self, store: ItemStore, ctx: TenantContext, bucket: ExportBucket) -> None:
        self._store, self._ctx, self._bucket = store, ctx, bucket
        self._partition = f"{ctx.key_prefix}RPTJOB"

    def run(self, table: ReportTable, form: str) -> dict[str, Any]:
        job_id = uuid.uuid4().hex
        job: dict[str, Any] = {
            "id": job_id,
            "report": table.name,
            "format": form,
            "status": "running",
            "progress": 0,
            "rows": len(table.rows),
            "requested_by": self._ctx.username,
            "created_at": utc_now().isoformat(timespec="seconds"),
            "key": f"exports/{self._ctx.tenant_id}/{job_id}.{form}",
            "parameters": table.parameters,
        }
        self._save(job)
        self._bucket.put(job["key"], export(table, form), CONTENT_TYPES[form])
        job |= {"status": "done", "progress": 100, "finished_at": utc_now().isoformat(timespec="seconds")}
        self._save(job)
        return self.shown(job)

    def get(self, job_id: str) -> dict[str, Any]:
        item = self._store.get(self._partition, job_id)
        if item is None:
            raise NotFound(f"export job '{job_id}' does not exist")
        return self.shown(item["data"])

    def shown(self, job: dict[str, Any]) -> dict[str, Any]:
        public = {name: value for name, value in job.items() if name != "key"}
        if job["status"] == "done":
            public["download_url"] = self._bucket.link(job["key"], f"{job['report']}.{job['format']}")
        return public

    def _save(self, job: dict[str, Any]) -> None:
        self._store.put({"pk": self._partition, "sk": job["id"], "entity": "report-export", "data": job})
