"""Process ids on disk and stopping a process (and the group it leads) by id: TERM, then KILL.

A pid file holds the pid and the process's start time (from /proc), so a pid that the kernel has
since given to an unrelated process is recognised as stale and never signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

STOP_GRACE_SECONDS = 10.0
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class PidRecord:
    pid: int
    start_time: str | None

    def is_current(self) -> bool:
        """True while the process this record names still runs (same pid, same start time)."""
        if not is_alive(self.pid):
            return False
        return self.start_time is None or self.start_time == process_start_time(self.pid)


def process_start_time(pid: int) -> str | None:
    """Start time of a process in clock ticks since boot, or None where /proc cannot tell."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    fields_after_name = stat_line.rsplit(")", 1)[1].split()
    return fields_after_name[19]


def is_alive(pid: int) -> bool:
    """True if the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state != "Z"


def write_pid_file(pid_path: Path, pid: int) -> None:
    pid_path.parent.mkdir(parents=True, exist_ok=True)
    start_time = process_start_time(pid) or ""
    temporary_path = pid_path.with_suffix(".tmp")
    temporary_path.write_text(f"{pid} {start_time}\n")
    temporary_path.replace(pid_path)


def read_pid_file(pid_path: Path) -> PidRecord | None:
    try:
        fields = pid_path.read_text().split()
    except OSError:
        return None
    if not fields or not fields[0].isdigit():
        return None
    return PidRecord(pid=int(fields[0]), start_time=fields[1] if len(fields) > 1 else None)


def _signal_process(pid: int, signal_number: int) -> None:
    """Signal the whole group when the process leads one (our services run in their own session)."""
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal_number)
        else:
            os.kill(pid, signal_number)


def _wait_until_gone(record: PidRecord, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if not record.is_current():
            return True
        time.sleep(_POLL_SECONDS)
    return not record.is_current()


def stop_process(record: PidRecord, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
    """Send TERM to the process (group); KILL it if it is still there after the grace period."""
    if not record.is_current():
        return
    _signal_process(record.pid, signal.SIGTERM)
    if _wait_until_gone(record, time.monotonic() + grace_seconds):
        _kill_leftover_group(record.pid)
        return
    _signal_process(record.pid, signal.SIGKILL)
    _wait_until_gone(record, time.monotonic() + grace_seconds)


def _kill_leftover_group(group_id: int) -> None:
    """A group leader may exit before its children (a reloader's worker): end what is left."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group_id, signal.SIGKILL)


def stop_by_pid_file(pid_path: Path, grace_seconds: float = STOP_GRACE_SECONDS) -> bool:
    """Stop the process a pid file names and remove the file. True if a live process was stopped."""
    record = read_pid_file(pid_path)
    was_running = record is not None and record.is_current()
    if record is not None and was_running:
        stop_process(record, grace_seconds)
    pid_path.unlink(missing_ok=True)
    return was_running
