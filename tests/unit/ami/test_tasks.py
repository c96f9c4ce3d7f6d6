"""The command state machine: sends, answers, deadlines, retries, firmware chunks, task summaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridvend.ami.tasks import (
    CommandState,
    TaskStatus,
    acknowledged,
    cancelled,
    dispatched,
    expired,
    new_command,
    retried,
    summarize,
)
from gridvend.iot.messages import AckStatus, CommandKind

NOW = datetime(2025, 5, 1, 12, tzinfo=UTC)
TIMEOUT = timedelta(seconds=60)


def _sent(max_attempts: int = 2, chunks: int = 0):  # type: ignore[no-untyped-def]
    record = new_command("T1", "M1", "MOD-1", CommandKind.RELAY_CONNECT, max_attempts, NOW, chunks)
    return dispatched(record, NOW, TIMEOUT)


def test_a_meter_without_a_thing_fails_at_once() -> None:
    record = new_command("T1", "M1", None, CommandKind.READ, 3, NOW)
    assert record.state is CommandState.FAILED and record.is_final


def test_received_then_done_and_late_answers_change_nothing() -> None:
    received = acknowledged(_sent(), AckStatus.RECEIVED, NOW, TIMEOUT)
    assert received is not None and received.state is CommandState.ACKNOWLEDGED
    done = acknowledged(received, AckStatus.DONE, NOW, TIMEOUT, result={"relay": "closed"})
    assert done is not None
    assert (done.state, done.progress, done.result) == (CommandState.DONE, 100, {"relay": "closed"})
    assert acknowledged(done, AckStatus.FAILED, NOW, TIMEOUT) is None
    assert acknowledged(received, AckStatus.RECEIVED, NOW, TIMEOUT) is None  # received twice


def test_no_answer_sends_again_until_the_tries_are_used_up() -> None:
    first = _sent(max_attempts=2)
    assert expired(first, NOW + TIMEOUT - timedelta(seconds=1)) is None
    again = expired(first, NOW + TIMEOUT)
    assert again is not None and again.state is CommandState.QUEUED
    second = dispatched(again, NOW + TIMEOUT, TIMEOUT)
    gone = expired(second, NOW + 2 * TIMEOUT)
    assert gone is not None and (gone.state, gone.attempts) == (CommandState.TIMED_OUT, 2)
    assert [state for _, state, _ in gone.history] == ["queued", "sent", "queued", "sent", "timed_out"]


def test_an_operator_retries_a_failure_and_cancels_what_waits() -> None:
    failed = acknowledged(_sent(), AckStatus.FAILED, NOW, TIMEOUT, reason="no credit")
    assert failed is not None and failed.reason == "no credit"
    again = retried(failed, NOW)
    assert again is not None and (again.state, again.attempts, again.reason) == (CommandState.QUEUED, 0, "")
    stopped = cancelled(again, NOW)
    assert stopped is not None and stopped.state is CommandState.CANCELLED
    assert cancelled(stopped, NOW) is None and retried(_sent(), NOW) is None


def test_firmware_chunks_count_once_each_and_reset_the_tries() -> None:
    record = _sent(chunks=4)
    first = acknowledged(record, AckStatus.PROGRESS, NOW, TIMEOUT, chunk=0)
    assert first is not None and (first.chunk, first.progress, first.attempts) == (1, 25, 0)
    assert acknowledged(first, AckStatus.PROGRESS, NOW, TIMEOUT, chunk=0) is None  # the same chunk again


def test_a_task_summary_counts_states_and_progress() -> None:
    done = acknowledged(_sent(), AckStatus.DONE, NOW, TIMEOUT)
    failed = acknowledged(_sent(), AckStatus.FAILED, NOW, TIMEOUT)
    halfway = acknowledged(_sent(chunks=2), AckStatus.PROGRESS, NOW, TIMEOUT, chunk=0)
    assert done and failed and halfway

    running = summarize([done, halfway], 2)
    finished = summarize([done, failed], 2)

    assert (running.status, running.percent, running.states) == (TaskStatus.RUNNING, 75, {"done": 1, "acknowledged": 1})
    assert (finished.status, finished.percent) == (TaskStatus.PARTIAL, 100)
    assert summarize([failed], 1).status is TaskStatus.FAILED and summarize([done], 1).status is TaskStatus.DONE
