"""Commands to meters tracked as tasks. A task sends one command per target meter; each command moves

    queued -> sent -> acknowledged -> done | failed
    sent / acknowledged -> (no answer by the deadline) -> queued again, or timed out after the last try

and may be cancelled while it waits. A firmware upgrade is one command whose chunks go one by one;
each acknowledged chunk moves its progress and resets its tries. Pure: times are passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from gridvend.iot.messages import AckStatus, CommandKind, utc_stamp

HISTORY_LIMIT = 40
COMMAND_ID_SEPARATOR = "."


class CommandState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"


FINAL_STATES = frozenset({CommandState.DONE, CommandState.FAILED, CommandState.TIMED_OUT, CommandState.CANCELLED})
WAITING_STATES = frozenset({CommandState.QUEUED, CommandState.SENT, CommandState.ACKNOWLEDGED})


class TaskStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"  # every command done
    PARTIAL = "partial"  # finished, some commands did not succeed
    FAILED = "failed"  # finished, none succeeded


def command_id(task_id: str, meter: str) -> str:
    return f"{task_id}{COMMAND_ID_SEPARATOR}{meter}"


def split_command_id(value: str) -> tuple[str, str]:
    task_id, _, meter = value.partition(COMMAND_ID_SEPARATOR)
    return task_id, meter


@dataclass(frozen=True)
class CommandRecord:
    task_id: str
    meter: str
    thing_id: str | None  # None: no thing serves the meter, nothing can be sent
    kind: CommandKind
    state: CommandState = CommandState.QUEUED
    attempts: int = 0  # sends of the current step (a firmware chunk is a step)
    max_attempts: int = 3
    deadline: str = ""  # UTC; when waiting for an answer ends (queued: when it should be sent)
    progress: int = 0
    chunk: int = 0  # firmware: the next chunk to send
    chunks: int = 0
    reason: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    history: tuple[tuple[str, str, str], ...] = ()  # (at, state, note)
    updated_at: str = ""

    @property
    def command_id(self) -> str:
        return command_id(self.task_id, self.meter)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def moved(self, state: CommandState, at: datetime, note: str = "", **changes: Any) -> CommandRecord:
        stamp = utc_stamp(at)
        history = (*self.history, (stamp, state.value, note))[-HISTORY_LIMIT:]
        return replace(self, state=state, history=history, updated_at=stamp, **changes)

    def public(self) -> dict[str, Any]:
        return {
            "meter": self.meter,
            "thing": self.thing_id,
            "command_id": self.command_id,
            "state": self.state.value,
            "attempts": self.attempts,
            "progress": self.progress,
            "reason": self.reason,
            "result": self.result,
            "deadline": self.deadline or None,
            "updated_at": self.updated_at,
            "history": [{"at": at, "state": state, "note": note} for at, state, note in self.history],
        }


def new_command(task_id: str, meter: str, thing_id: str | None, kind: CommandKind, max_attempts: int,
                now: datetime, chunks: int = 0) -> CommandRecord:
    record = CommandRecord(task_id, meter, thing_id, kind, max_attempts=max_attempts, chunks=chunks,
                           deadline=utc_stamp(now))
    if thing_id is None:
        return record.moved(CommandState.FAILED, now, "no communication module serves this meter",
                            reason="no communication module serves this meter")
    return record.moved(CommandState.QUEUED, now, "queued")


def dispatched(record: CommandRecord, now: datetime, timeout: timedelta) -> CommandRecord:
    """Sent (again): waiting for an answer until now + timeout."""
    note = f"chunk {record.chunk + 1}/{record.chunks}" if record.chunks else f"attempt {record.attempts + 1}"
    return record.moved(CommandState.SENT, now, note, attempts=record.attempts + 1, deadline=utc_stamp(now + timeout))


def send_failed(record: CommandRecord, now: datetime, retry_after: timedelta, reason: str) -> CommandRecord:
    """Publishing did not work: queue it for the sweeper (the try is not counted)."""
    return record.moved(CommandState.QUEUED, now, f"not sent: {reason}", attempts=max(0, record.attempts - 1),
                        deadline=utc_stamp(now + retry_after))


def acknowledged(record: CommandRecord, status: AckStatus, now: datetime, timeout: timedelta, *,
                 progress: int | None = None, reason: str = "", result: dict[str, Any] | None = None,
                 chunk: int | None = None) -> CommandRecord | None:
    """The record after the device's answer, or None when the answer changes nothing (late, repeated)."""
    if record.is_final:
        return None
    results = result or {}
    if status is AckStatus.RECEIVED:
        if record.state is not CommandState.SENT:
            return None
        return record.moved(CommandState.ACKNOWLEDGED, now, "received", deadline=utc_stamp(now + timeout))
    if status is AckStatus.PROGRESS:
        if record.chunks and chunk is not None:
            if chunk != record.chunk:
                return None  # an answer for a chunk already counted
            done_chunks = chunk + 1
            return record.moved(CommandState.ACKNOWLEDGED, now, f"chunk {done_chunks}/{record.chunks}",
                                chunk=done_chunks, attempts=0, progress=done_chunks * 100 // record.chunks,
                                deadline=utc_stamp(now + timeout))
        return record.moved(CommandState.ACKNOWLEDGED, now, "progress", progress=progress or record.progress,
                            deadline=utc_stamp(now + timeout))
    if status is AckStatus.DONE:
        return record.moved(CommandState.DONE, now, "done", progress=100, result=results, deadline="",
                            chunk=record.chunks)
    return record.moved(CommandState.FAILED, now, reason or "failed", reason=reason or "the meter refused",
                        result=results, deadline="")


def expired(record: CommandRecord, now: datetime) -> CommandRecord | None:
    """Past its deadline: queued to be sent again, or timed out after the last try. None: not due."""
    if record.state not in (CommandState.SENT, CommandState.ACKNOWLEDGED) or utc_stamp(now) < record.deadline:
        return None
    if record.attempts < record.max_attempts:
        return record.moved(CommandState.QUEUED, now, "no answer: sending again", deadline=utc_stamp(now))
    return record.moved(CommandState.TIMED_OUT, now, "no answer", reason="no answer from the meter", deadline="")


def retried(record: CommandRecord, now: datetime) -> CommandRecord | None:
    """An operator's retry of a failed or timed-out command (a firmware upgrade resumes at its chunk)."""
    if record.state not in (CommandState.FAILED, CommandState.TIMED_OUT) or record.thing_id is None:
        return None
    return record.moved(CommandState.QUEUED, now, "retry", attempts=0, reason="", deadline=utc_stamp(now))


def cancelled(record: CommandRecord, now: datetime) -> CommandRecord | None:
    if record.state not in WAITING_STATES:
        return None
    return record.moved(CommandState.CANCELLED, now, "cancelled", reason="cancelled", deadline="")


@dataclass(frozen=True)
class TaskSummary:
    total: int
    states: dict[str, int]
    percent: int
    status: TaskStatus


def summarize(records: Iterable[CommandRecord], total: int) -> TaskSummary:
    states: Counter[str] = Counter()
    progress = 0
    for record in records:
        states[record.state.value] += 1
        progress += 100 if record.is_final else record.progress
    finished = sum(states[state.value] for state in FINAL_STATES)
    percent = progress // total if total else 100
    if finished < total:
        status = TaskStatus.RUNNING
    elif states[CommandState.DONE.value] == total:
        status = TaskStatus.DONE
    elif states[CommandState.DONE.value] == 0:
        status = TaskStatus.FAILED
    else:
        status = TaskStatus.PARTIAL
    return TaskSummary(total, dict(states), percent, status)
