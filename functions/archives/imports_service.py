"""Starting import jobs from the API. Where a job runs is configuration (GRIDVEND_IMPORT_RUNNER):
`inline` (the default, local and tests) runs it in this process right after the job is stored, before the
202 goes out; `thread` runs it on a background thread (a long-running local server). A queue-driven
Lambda would send the job id to a queue here and call `run_import_job` from its handler."""

from __future__ import annotations

import os
import threading

from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput
from gridvend.imports.job import KIND_MODULES, create_import_job, run_import_job
from gridvend.imports.model import ImportJob
from gridvend.imports.schemas import ImportRequest
from gridvend.store.items import ItemStore

RUNNER_VARIABLE = "GRIDVEND_IMPORT_RUNNER"
RUNNERS = ("inline", "thread")


def start_import(store: ItemStore, ctx: TenantContext, request: ImportRequest) -> ImportJob:
    ctx.require("imports", "create")
    ctx.require(KIND_MODULES[request.kind], "create")  # importing meters is creating meters
    runner = os.environ.get(RUNNER_VARIABLE, "inline")
    if runner not in RUNNERS:
        raise InvalidInput(f"{RUNNER_VARIABLE} must be one of {RUNNERS}")
    job = create_import_job(store, ctx, request)
    if runner == "thread":
        threading.Thread(target=run_import_job, args=(store, ctx, job.job_id), daemon=True).start()
    else:
        run_import_job(store, ctx, job.job_id)
    return job
