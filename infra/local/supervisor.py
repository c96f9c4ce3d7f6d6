"""A small process supervisor for the local stack and the test fixtures.

Each service runs in its own session (so a Ctrl-C in the terminal reaches only the stack, which then
stops the services in order), logs to <state>/logs/<name>.log, and has its pid in <state>/run/<name>.pid
until it is stopped.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra.local.ports import LOOPBACK, accepts_connections, free_port, wait_for_port
from infra.local.processes import (
    PidRecord,
    process_start_time,
    read_pid_file,
    stop_by_pid_file,
    stop_process,
    write_pid_file,
)

DEFAULT_STARTUP_TIMEOUT_SECONDS = 90.0
_LOG_TAIL_CHARACTERS = 3000


class ServiceStartError(RuntimeError):
    """A service did not come up: its port was taken, it exited, or it never listened."""


@dataclass(frozen=True)
class ServiceSpec:
    """How to run one service and the loopback port that tells it is ready."""

    name: str
    command: Sequence[str]
    port: int
    host: str = LOOPBACK
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    startup_timeout_seconds: float = DEFAULT_STARTUP_TIMEOUT_SECONDS


@dataclass
class RunningService:
    name: str
    pid: int
    host: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def is_running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return PidRecord(self.pid, process_start_time(self.pid)).is_current()


def log_tail(log_path: Path) -> str:
    try:
        return log_path.read_text(errors="replace")[-_LOG_TAIL_CHARACTERS:]
    except OSError:
        return ""


class Supervisor:
    """Starts services, remembers them by pid file, and stops them in reverse order of start."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.run_dir = state_dir / "run"
        self.log_dir = state_dir / "logs"
        self._started: list[RunningService] = []

    def pid_path(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, spec: ServiceSpec) -> RunningService:
        """Start a service and return once its port accepts connections (or raise ServiceStartError)."""
        self._clear_stale_pid_file(spec.name)
        if accepts_connections(spec.host, spec.port):
            raise ServiceStartError(
                f"{spec.name}: {spec.host}:{spec.port} is already in use (is the stack already up?"
                " `make down` stops it)"
            )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_path(spec.name)
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                list(spec.command),
                cwd=spec.cwd,
                env={**os.environ, **spec.env},
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        write_pid_file(self.pid_path(spec.name), process.pid)
        service = RunningService(spec.name, process.pid, spec.host, spec.port, log_path, process)
        self._started.append(service)
        if not wait_for_port(spec.host, spec.port, spec.startup_timeout_seconds, service.is_running):
            self.stop(spec.name)
            raise ServiceStartError(
                f"{spec.name} did not start listening on {spec.host}:{spec.port};"
                f" last lines of {log_path}:\n{log_tail(log_path)}"
            )
        return service

    def stop(self, name: str) -> None:
        stop_by_pid_file(self.pid_path(name))
        for service in [started for started in self._started if started.name == name]:
            if service.process is not None:
                if service.process.poll() is None:
                    # Its pid file is gone (removed by hand?) but it is our child: stop it all the same.
                    stop_process(PidRecord(service.pid, start_time=None))
                service.process.wait()
            self._started.remove(service)

    def stop_all(self) -> None:
        for service in reversed(list(self._started)):
            self.stop(service.name)

    def started(self) -> list[RunningService]:
        return list(self._started)

    def first_exited(self) -> RunningService | None:
        """A service this supervisor started that has exited on its own, if any."""
        return next((service for service in self._started if not service.is_running()), None)

    def _clear_stale_pid_file(self, name: str) -> None:
        pid_path = self.pid_path(name)
        record = read_pid_file(pid_path)
        if record is None:
            pid_path.unlink(missing_ok=True)
        elif record.is_current():
            raise ServiceStartError(
                f"{name} already runs as pid {record.pid} ({pid_path}); `make down` stops it"
            )
        else:
            pid_path.unlink()


def start_on_free_port(
    supervisor: Supervisor, spec_for_port: Callable[[int], ServiceSpec], attempts: int = 3
) -> RunningService:
    """Start a service on a port the kernel says is free, with a new port if another process took
    it between the pick and the start (tests use this so they never clash with `make up`)."""
    last_failure: ServiceStartError | None = None
    for _ in range(attempts):
        try:
            return supervisor.start(spec_for_port(free_port()))
        except ServiceStartError as failure:
            last_failure = failure
    raise ServiceStartError(f"gave up after {attempts} ports") from last_failure


def stop_all_in(run_dir: Path, first: Sequence[str] = ()) -> list[str]:
    """Stop every process named by a pid file in run_dir (those in `first` before the rest).
    Returns the names of the processes that were running."""
    pid_paths = sorted(run_dir.glob("*.pid"), key=lambda path: (path.stem not in first, path.stem))
    return [pid_path.stem for pid_path in pid_paths if stop_by_pid_file(pid_path)]
