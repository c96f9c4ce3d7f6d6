"""Import jobs: accept a file (`create_import_job`), then `run_import_job` validates every row, reports each
bad one by line, and stores nothing from a file with bad rows unless asked to import the good ones.

`run_import_job(store, ctx, job_id)` is a plain function so a queue-driven Lambda can call it; a job only
runs from `queued`, so a redelivered message does nothing. Rows are written with batched writes (no
transaction): the reference counts of meter models and branches are raised first, so a job that stops
half-way leaves counts too high (the records cannot be deleted) rather than too low.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, InvalidInput
from gridvend.ids import new_id
from gridvend.imports.device_rows import ConcentratorImporter, SimImporter
from gridvend.imports.files import FileUnreadable, file_format, read_rows
from gridvend.imports.meter_rows import MeterImporter
from gridvend.imports.model import ImportJob, ImportKind, ImportStatus, RowProblem, RowRejected
from gridvend.imports.rows import ReferenceCounts, RowImporter
from gridvend.imports.schemas import ImportRequest
from gridvend.store.archives import ArchiveRepository
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.imports import ImportJobRepository
from gridvend.store.items import Condition, Increment, ItemStore

logger = logging.getLogger(__name__)
WRITE_CHUNK_ROWS = 500  # rows per put_many call, and how often progress is reported
REFERENCES_PER_TRANSACTION = 99
IMPORTERS: dict[ImportKind, type[RowImporter]] = {
    ImportKind.METERS: MeterImporter,
    ImportKind.SIMS: SimImporter,
    ImportKind.CONCENTRATORS: ConcentratorImporter,
}
KIND_MODULES = {ImportKind.METERS: "meters", ImportKind.SIMS: "devices", ImportKind.CONCENTRATORS: "devices"}


def _now() -> str:
    return utc_now().isoformat(timespec="milliseconds")


def create_import_job(store: ItemStore, ctx: TenantContext, request: ImportRequest) -> ImportJob:
    file_format(request.file_name)
    try:
        content = base64.b64decode(request.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput.for_field("content_base64", "not valid base64") from None
    if not content:
        raise InvalidInput.for_field("content_base64", "the file is empty")
    job = ImportJob(
        job_id=new_id(),
        kind=request.kind,
        file_name=request.file_name,
        import_good_rows=request.import_good_rows,
        created_by=ctx.username,
        created_at=_now(),
    )
    jobs = ImportJobRepository(store, ctx)
    job_put, *file_puts = jobs.creation_operations(job, content)
    # The file first, in batches (it may be larger than one transaction may carry); then the job, audited.
    store.put_many([operation.operation.item for operation in file_puts])  # type: ignore[union-attr]
    audit = AuditEntry("create", "import-job", job.job_id, None, job.public())
    commit(store, [job_put, Guarded(audit_put(ctx, audit))])
    return job


def run_import_job(store: ItemStore, ctx: TenantContext, job_id: str) -> ImportJob | None:
    jobs = ImportJobRepository(store, ctx)
    job = jobs.get(job_id)
    if job is None or job.status is not ImportStatus.QUEUED:
        return job
    try:
        job = jobs.save(job, replace(job, status=ImportStatus.RUNNING))
    except Conflict:
        return jobs.get(job_id)  # another worker took it
    if not jobs.lock(job.kind, job.job_id):
        message = f"another import of {job.kind.value} is running; start this one again when it has finished"
        return _finish(jobs, job, ImportStatus.FAILED, message=message)
    try:
        return _run(store, ctx, jobs, job)
    except Exception:
        logger.exception("import job %s stopped", job_id)
        current = jobs.require(job_id)
        message = "the import stopped on an unexpected error; rows written before it are stored"
        return _finish(jobs, current, ImportStatus.FAILED, message=message)
    finally:
        jobs.unlock(job.kind, job.job_id)


def _run(store: ItemStore, ctx: TenantContext, jobs: ImportJobRepository, job: ImportJob) -> ImportJob:
    importer = IMPORTERS[job.kind](store, ctx, job.job_id)  # type: ignore[call-arg]
    try:
        job, valid, problems = _validated_rows(jobs, job, importer)
    except FileUnreadable as error:
        return _finish(jobs, job, ImportStatus.REJECTED, problems=[RowProblem(1, "file", str(error))],
                       message="the file cannot be read")
    total = len(valid) + len(problems)
    job = jobs.save(job, replace(job, total_rows=total, bad_rows=len(problems), problems=problems, progress=total))
    if problems and not job.import_good_rows:
        message = f"{len(problems)} of {total} rows are bad; nothing was imported"
        return _finish(jobs, job, ImportStatus.REJECTED, message=message)
    _count_references(store, ctx, importer.reference_counts(valid))
    imported = 0
    for start in range(0, len(valid), WRITE_CHUNK_ROWS):
        chunk = valid[start : start + WRITE_CHUNK_ROWS]
        store.put_many(importer.items(chunk))
        imported += len(chunk)
        job = jobs.report_progress(replace(job, imported_rows=imported), total + imported)
    audit = AuditEntry("import", "import-job", job.job_id, None, {"kind": job.kind.value, "imported_rows": imported,
                                                                   "bad_rows": len(problems)})
    commit(store, [Guarded(audit_put(ctx, audit))])
    skipped = f"; {len(problems)} bad rows skipped" if problems else ""
    return _finish(jobs, job, ImportStatus.COMPLETED, message=f"{imported} rows imported{skipped}")


def _validated_rows(
    jobs: ImportJobRepository, job: ImportJob, importer: RowImporter
) -> tuple[ImportJob, list[Any], list[RowProblem]]:
    source = read_rows(job.file_name, jobs.file(job.job_id))
    unknown = [name for name in source.header if name and name not in importer.columns]
    missing = sorted(importer.required - set(source.header))
    if unknown or missing:
        problem = f"unknown columns {unknown}" if unknown else f"missing columns {missing}"
        raise FileUnreadable(f"line 1: {problem}; the columns are {sorted(importer.columns)}")
    job = jobs.save(job, replace(job, total_rows=source.expected_rows))
    valid: list[Any] = []
    lines: list[int] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    for count, (line, row) in enumerate(source.rows, start=1):
        if count % WRITE_CHUNK_ROWS == 0 and count <= job.total_rows:
            job = jobs.report_progress(job, count)
        try:
            checked = importer.validate(row)
        except RowRejected as rejection:
            problems.append(RowProblem(line, rejection.field, rejection.reason))
            continue
        key = importer.key(checked)
        if key in first_line:
            problems.append(RowProblem(line, importer.key_column, f"duplicate of line {first_line[key]}"))
            continue
        first_line[key] = line
        valid.append(checked)
        lines.append(line)
    stored = importer.existing([importer.key(checked) for checked in valid])
    if stored:
        problems += [
            RowProblem(line, importer.key_column, f"'{importer.key(checked)}' already exists")
            for line, checked in zip(lines, valid, strict=True)
            if importer.key(checked) in stored
        ]
        valid = [checked for checked in valid if importer.key(checked) not in stored]
    return job, valid, sorted(problems, key=lambda problem: problem.line)


def _count_references(store: ItemStore, ctx: TenantContext, counts: ReferenceCounts) -> None:
    archives = ArchiveRepository(store, ctx)
    steps = [
        Guarded(
            Increment(archives.partition(kind), f"R#{record_id}", {"ref_count": count}, condition=Condition.present()),
            InvalidInput(f"{kind} '{record_id}' was deleted while the file was checked; import the file again"),
        )
        for (kind, record_id), count in sorted(counts.items())
    ]
    for start in range(0, len(steps), REFERENCES_PER_TRANSACTION):
        commit(store, steps[start : start + REFERENCES_PER_TRANSACTION])


def _finish(
    jobs: ImportJobRepository,
    job: ImportJob,
    status: ImportStatus,
    *,
    message: str,
    problems: Sequence[RowProblem] | None = None,
) -> ImportJob:
    finished = replace(job, status=status, message=message, finished_at=_now())
    if problems is not None:
        finished = replace(finished, problems=list(problems), bad_rows=len(problems))
    current = jobs.require(job.job_id)
    return jobs.save(current, replace(finished, version=current.version, progress=current.progress))
