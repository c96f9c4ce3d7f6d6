"""An import job: the file it reads, how far it got, and every bad row with its line number and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_REPORTED_PROBLEMS = 1000  # the job item must stay well under DynamoDB's 400 KB


class ImportKind(StrEnum):
    METERS = "meters"
    SIMS = "sims"
    CONCENTRATORS = "concentrators"


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"  # every good row is stored (all rows, or the good ones when asked for)
    REJECTED = "rejected"  # the file has bad rows and import_good_rows was not set: nothing stored
    FAILED = "failed"  # the job could not finish (the message says why)


FINISHED = frozenset({ImportStatus.COMPLETED, ImportStatus.REJECTED, ImportStatus.FAILED})


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    reason: str

    def public(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


class RowRejected(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class ImportJob:
    job_id: str
    kind: ImportKind
    file_name: str
    import_good_rows: bool
    status: ImportStatus = ImportStatus.QUEUED
    total_rows: int = 0
    bad_rows: int = 0
    imported_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    message: str = ""
    progress: int = 0  # rows validated plus rows written: each row counts twice on the way to 100%
    created_by: str = ""
    created_at: str = ""
    finished_at: str | None = None
    version: int = 1

    @property
    def percent(self) -> int:
        if self.status in FINISHED:
            return 100
        if self.total_rows == 0:
            return 0
        return min(99, self.progress * 100 // (2 * self.total_rows))

    def public(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "kind": self.kind.value,
            "file_name": self.file_name,
            "import_good_rows": self.import_good_rows,
            "status": self.status.value,
            "percent": self.percent,
            "total_rows": self.total_rows,
            "good_rows": self.total_rows - self.bad_rows,
            "bad_rows": self.bad_rows,
            "imported_rows": self.imported_rows,
            "errors": [problem.public() for problem in self.problems],
            "errors_shown": len(self.problems),
            "message": self.message,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
        }
