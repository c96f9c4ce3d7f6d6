"""Import jobs of a tenant, the uploaded file in chunks beside each job, and one lock per kind so two
imports cannot check the same serials against each other's half-written rows.

Access patterns:
- job by id, jobs newest first:    pk=T#<t>#IMPORT  sk=J#<job id>   (`counter` = progress units)
- the uploaded file of a job:      pk=T#<t>#IMPORT#<job id>  sk=F#<chunk no>   (expires with TTL)
- the running import of a kind:    pk=T#<t>#IMPORT#LOCK  sk=<kind>  (`search` = job id, `expires_at`)
"""

from __future__ import annotations

import base64
import contextlib
from dataclasses import replace
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, NotFound
from gridvend.imports.model import MAX_REPORTED_PROBLEMS, ImportJob, ImportKind, ImportStatus, RowProblem
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, Delete, Increment, Item, ItemStore, Put, TransactionConflict

CHUNK_CHARACTERS = 300_000  # base64 text per file item, under DynamoDB's 400 KB item limit
FILE_RETENTION_SECONDS = 7 * 86400
LOCK_SECONDS = 3600


class ImportJobRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}IMPORT"

    def get(self, job_id: str) -> ImportJob | None:
        item = self._store.get(self.partition, f"J#{job_id}")
        return _job(item) if item else None

    def require(self, job_id: str) -> ImportJob:
        job = self.get(job_id)
        if job is None:
            raise NotFound(f"import job '{job_id}' does not exist")
        return job

    def page(self, *, limit: int, start_key: dict[str, str] | None) -> tuple[list[ImportJob], dict[str, str] | None]:
        page = self._store.query(self.partition, sk_prefix="J#", limit=limit, start_key=start_key, newest_first=True)
        return [_job(item) for item in page.items], page.next_key

    def creation_operations(self, job: ImportJob, content: bytes) -> list[Guarded]:
        text = base64.b64encode(content).decode()
        expires_at = int(utc_now().timestamp()) + FILE_RETENTION_SECONDS
        chunks = [text[start : start + CHUNK_CHARACTERS] for start in range(0, len(text), CHUNK_CHARACTERS)] or [""]
        operations = [Guarded(Put(self._item(job), Condition.absent()))]
        for number, chunk in enumerate(chunks):
            item = {
                "pk": f"{self.partition}#{job.job_id}",
                "sk": f"F#{number:04d}",
                "entity": "import-file",
                "expires_at": expires_at,
                "data": {"content": chunk},
            }
            operations.append(Guarded(Put(item)))
        return operations

    def file(self, job_id: str) -> bytes:
        page = self._store.query(f"{self.partition}#{job_id}", sk_prefix="F#", limit=100)
        return base64.b64decode("".join(item["data"]["content"] for item in page.items))

    def save(self, current: ImportJob, updated: ImportJob) -> ImportJob:
        """Raises Conflict when another worker changed the job first."""
        stored = replace(updated, version=current.version + 1)
        condition = Condition(must_exist=True, equals={"version": current.version})
        commit(self._store, [Guarded(Put(self._item(stored), condition), Conflict("the job is being run elsewhere"))])
        return stored

    def report_progress(self, job: ImportJob, progress: int) -> ImportJob:
        step = Increment(self.partition, f"J#{job.job_id}", {}, {"counter": progress}, Condition.present())
        self._store.transact([step])
        return replace(job, progress=progress)

    def lock(self, kind: ImportKind, job_id: str) -> bool:
        now = int(utc_now().timestamp())
        item = {
            "pk": f"{self.partition}#LOCK",
            "sk": kind.value,
            "entity": "import-lock",
            "search": job_id,
            "expires_at": now + LOCK_SECONDS,
        }
        try:
            self._store.transact([Put(item, Condition(at_most={"expires_at": now}))])
        except TransactionConflict:
            return False
        return True

    def unlock(self, kind: ImportKind, job_id: str) -> None:
        release = Delete(f"{self.partition}#LOCK", kind.value, Condition(equals={"search": job_id}))
        with contextlib.suppress(TransactionConflict):  # the lock had expired and another job holds it now
            self._store.transact([release])

    def _item(self, job: ImportJob) -> Item:
        return {
            "pk": self.partition,
            "sk": f"J#{job.job_id}",
            "entity": "import-job",
            "version": job.version,
            "counter": job.progress,
            "data": {
                "kind": job.kind.value,
                "file_name": job.file_name,
                "import_good_rows": job.import_good_rows,
                "status": job.status.value,
                "total_rows": job.total_rows,
                "bad_rows": job.bad_rows,
                "imported_rows": job.imported_rows,
                "problems": [problem.public() for problem in job.problems[:MAX_REPORTED_PROBLEMS]],
                "message": job.message,
                "created_by": job.created_by,
                "created_at": job.created_at,
                "finished_at": job.finished_at,
            },
        }


def _job(item: Item) -> ImportJob:
    data: dict[str, Any] = item["data"]
    problems = [RowProblem(int(entry["line"]), entry["field"], entry["reason"]) for entry in data.get("problems") or []]
    return ImportJob(
        job_id=item["sk"].removeprefix("J#"),
        kind=ImportKind(data["kind"]),
        file_name=data["file_name"],
        import_good_rows=bool(data["import_good_rows"]),
        status=ImportStatus(data["status"]),
        total_rows=int(data.get("total_rows", 0)),
        bad_rows=int(data.get("bad_rows", 0)),
        imported_rows=int(data.get("imported_rows", 0)),
        problems=problems,
        message=data.get("message", ""),
        progress=int(item.get("counter", 0)),
        created_by=data.get("created_by", ""),
        created_at=data.get("created_at", ""),
        finished_at=data.get("finished_at"),
        version=int(item.get("version", 1)),
    )
