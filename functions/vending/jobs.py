"""Background jobs of the vending function (bulk vends, engineering tokens for many meters): the job record with
its progress, one result item per row, and where a job runs.

Access patterns:
- job by id, jobs newest first:  pk=T#<t>#VJOB  sk=J#<job id>   (`counter` = rows done)
- the rows of a job, in order:   pk=T#<t>#VJOB#<job id>  sk=R#<row number, 6 digits>
Where a job runs is configuration (GRIDVEND_JOB_RUNNER): `inline` (the default, local and tests) runs it in this
process before the 202 goes out; `thread` on a background thread (a long-running local server). A queue-driven
Lambda would send the job id to a queue here and call the runner from its handler. Rows already stored are
skipped, so a job run again (after a crash) finishes what is left and does nothing twice.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import GridvendError, InvalidInput, NotFound
from gridvend.ids import new_id
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put, TransactionConflict

RUNNER_VARIABLE = "GRIDVEND_JOB_RUNNER"
ROWS_PAGE = 500
MAX_ROWS = 2000  # the rows live in the job item, under DynamoDB's 400 KB item limit
RowWork = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class VendJob:
    job_id: str
    kind: str  # bulk-vend | engineering
    status: str  # queued | running | done
    total_rows: int
    created_by: str
    created_at: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # the work, as given
    spec: dict[str, Any] = field(default_factory=dict)  # what every row shares (e.g. the engineering order)
    done_rows: int = 0
    failed_rows: int = 0
    finished_at: str | None = None

    def public(self) -> dict[str, Any]:
        percent = 100 if self.total_rows == 0 else self.done_rows * 100 // self.total_rows
        return {
            "id": self.job_id,
            "kind": self.kind,
            "status": self.status,
            "total_rows": self.total_rows,
            "done_rows": self.done_rows,
            "failed_rows": self.failed_rows,
            "percent": percent,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }


class VendJobRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}VJOB"

    def rows_partition(self, job_id: str) -> str:
        return f"{self.partition}#{job_id}"

    def create(self, kind: str, rows: list[dict[str, Any]], spec: dict[str, Any]) -> VendJob:
        if not 1 <= len(rows) <= MAX_ROWS:
            raise InvalidInput.for_field("rows", f"a job takes 1 to {MAX_ROWS} rows")
        job = VendJob(
            job_id=new_id(),
            kind=kind,
            status="queued",
            total_rows=len(rows),
            created_by=self._ctx.username,
            created_at=utc_now().isoformat(timespec="seconds"),
            rows=rows,
            spec=spec,
        )
        self._store.transact([Put(self._item(job), Condition.absent())])
        return job

    def get(self, job_id: str, kind: str | None = None) -> VendJob | None:
        item = self._store.get(self.partition, f"J#{job_id}")
        if item is None or kind not in (None, item["data"]["kind"]):
            return None
        data = item["data"]
        return VendJob(
            job_id=job_id,
            kind=data["kind"],
            status=data["status"],
            total_rows=int(data["total_rows"]),
            created_by=data["created_by"],
            created_at=data["created_at"],
            rows=list(data.get("rows") or []),
            spec=dict(data.get("spec") or {}),
            done_rows=int(item.get("counter", 0)),
            failed_rows=int(data.get("failed_rows", 0)),
            finished_at=data.get("finished_at"),
        )

    def require(self, job_id: str, kind: str | None = None) -> VendJob:
        job = self.get(job_id, kind)
        if job is None:
            raise NotFound(f"job '{job_id}' does not exist")
        return job

    def results(self, job_id: str, *, limit: int, start_key: dict[str, str] | None) -> tuple[list[Any], Any]:
        page = self._store.query(self.rows_partition(job_id), sk_prefix="R#", limit=limit, start_key=start_key)
        return [item["data"] for item in page.items], page.next_key

    def stored_rows(self, job_id: str) -> set[int]:
        done: set[int] = set()
        start: dict[str, str] | None = None
        while True:
            page = self._store.query(self.rows_partition(job_id), sk_prefix="R#", limit=ROWS_PAGE, start_key=start)
            done.update(int(item["sk"][2:]) for item in page.items)
            if page.next_key is None:
                return done
            start = page.next_key

    def record_row(self, job: VendJob, row_number: int, result: dict[str, Any]) -> None:
        """The row's result and the job's progress together; a row stored before is not counted twice."""
        item: Item = {
            "pk": self.rows_partition(job.job_id),
            "sk": f"R#{row_number:06d}",
            "entity": "vend-job-row",
            "data": {"row": row_number, **result},
        }
        progress = Increment(self.partition, f"J#{job.job_id}", {"counter": 1}, condition=Condition.present())
        try:
            self._store.transact([Put(item, Condition.absent()), progress])
        except TransactionConflict:
            return

    def finish(self, job: VendJob, status: str) -> VendJob:
        job.status = status
        job.finished_at = utc_now().isoformat(timespec="seconds") if status == "done" else None
        current = self._store.get(self.partition, f"J#{job.job_id}")
        job.done_rows = int(current.get("counter", 0)) if current else job.done_rows
        self._store.transact([Put(self._item(job), Condition.present())])
        return job

    def _item(self, job: VendJob) -> Item:
        return {
            "pk": self.partition,
            "sk": f"J#{job.job_id}",
            "entity": "vend-job",
            "counter": job.done_rows,
            "data": {
                "kind": job.kind,
                "status": job.status,
                "total_rows": job.total_rows,
                "created_by": job.created_by,
                "created_at": job.created_at,
                "rows": job.rows,
                "spec": job.spec,
                "failed_rows": job.failed_rows,
                "finished_at": job.finished_at,
            },
        }


def run_job(store: ItemStore, ctx: TenantContext, job_id: str, kind: str, work: RowWork) -> VendJob:
    """Does each row not done yet; a row's refusal is its result (problem title and detail), never the job's end."""
    jobs = VendJobRepository(store, ctx)
    job = jobs.require(job_id, kind)
    if job.status == "done":
        return job
    job = jobs.finish(job, "running")
    done = jobs.stored_rows(job_id)
    for number, row in enumerate(job.rows, start=1):
        if number in done:
            continue
        try:
            result = {"ok": True, **work(row)}
        except GridvendError as error:
            result = {"ok": False, "error": error.title, "detail": str(error)}
            job.failed_rows += 1
        jobs.record_row(job, number, result)
    return jobs.finish(job, "done")


def start_job(store: ItemStore, ctx: TenantContext, job: VendJob, work: RowWork) -> None:
    runner = os.environ.get(RUNNER_VARIABLE, "inline")
    if runner not in ("inline", "thread"):
        raise InvalidInput(f"{RUNNER_VARIABLE} must be inline or thread")
    if runner == "thread":
        threading.Thread(target=run_job, args=(store, ctx, job.job_id, job.kind, work), daemon=True).start()
    else:
        run_job(store, ctx, job.job_id, job.kind, work)
