"""Local Lambda instances of one function: started on first use (a cold start), kept warm, one invocation at a time
each, more started while all are busy (up to a bound), and an instance that overruns the function's timeout is
killed, as Lambda does. Every instance runs the template's handler with the template's environment; its output goes
to the function's log file."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from infra.local.gateway.intrinsics import LOCAL_ACCOUNT
from infra.local.gateway.template_api import FunctionSpec
from infra.local.gateway.worker import read_message, write_message

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
MAX_INSTANCES = 4
START_TIMEOUT_SECONDS = 60.0


class FunctionError(RuntimeError):
    """The handler raised: errorType and errorMessage as Lambda reports them."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(str(error.get("errorMessage", "")))
        self.error = error


class FunctionTimeout(RuntimeError):
    pass


@dataclass
class _Instance:
    process: subprocess.Popen[bytes]
    requests: BinaryIO
    answers: BinaryIO

    def stop(self) -> None:
        for stream in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                stream.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class FunctionInstances:
    def __init__(self, spec: FunctionSpec, platform_env: Mapping[str, str], log_dir: Path, region: str) -> None:
        self.spec = spec
        self._env = {**platform_env, **spec.environment, **_runtime_variables(spec, region)}
        self._log_path = log_dir / f"function-{spec.name}.log"
        self._region = region
        self._idle: list[_Instance] = []
        self._all: list[_Instance] = []
        self._lock = threading.Condition()
        self._starting = 0
        self._closed = False

    def invoke(self, event: Any) -> Any:
        instance = self._take()  # never an instance that ended while idle
        deadline = time.time() + self.spec.timeout_seconds
        context = {
            "aws_request_id": str(uuid.uuid4()),
            "function_name": self.spec.name,
            "invoked_function_arn": f"arn:aws:lambda:{self._region}:{LOCAL_ACCOUNT}:function:{self.spec.name}",
            "memory_limit_in_mb": self.spec.memory_mb,
            "deadline_ms": int(deadline * 1000),
        }
        timer = threading.Timer(self.spec.timeout_seconds, instance.process.kill)
        timer.start()
        try:
            write_message(instance.requests, {"event": event, "context": context})
            answer = read_message(instance.answers)
        except (OSError, ValueError):
            answer = None
        finally:
            timer.cancel()
        if answer is None:
            self._discard(instance)
            if time.time() >= deadline:
                raise FunctionTimeout(f"{self.spec.name} timed out after {self.spec.timeout_seconds} s")
            raise FunctionError({"errorType": "Runtime.ExitError", "errorMessage": f"{self.spec.name} exited"})
        self._give_back(instance)
        if "error" in answer:
            raise FunctionError(answer["error"])
        return answer["result"]

    def warm(self) -> None:
        """Starts one instance ahead of the first request."""
        self._give_back(self._take())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            instances, self._all, self._idle = list(self._all), [], []
            self._lock.notify_all()
        for instance in instances:
            instance.stop()

    def pids(self) -> list[int]:
        with self._lock:
            return [instance.process.pid for instance in self._all]

    def _take(self) -> _Instance:
        with self._lock:
            while True:
                if self._closed:
                    raise FunctionError({"errorType": "Runtime.Closed", "errorMessage": "the gateway is stopping"})
                while self._idle:
                    idle = self._idle.pop()
                    if idle.process.poll() is None:
                        return idle
                    self._all.remove(idle)  # an instance that ended while idle is replaced, as Lambda does
                    idle.stop()
                if len(self._all) + self._starting < MAX_INSTANCES:
                    self._starting += 1
                    break
                self._lock.wait()
        try:
            instance = self._start()
        finally:
            with self._lock:
                self._starting -= 1
                self._lock.notify()
        with self._lock:
            self._all.append(instance)
        return instance

    def _give_back(self, instance: _Instance) -> None:
        with self._lock:
            if self._closed:
                instance.stop()
                return
            self._idle.append(instance)
            self._lock.notify()

    def _discard(self, instance: _Instance) -> None:
        instance.stop()
        with self._lock:
            if instance in self._all:
                self._all.remove(instance)
            self._lock.notify()

    def _start(self) -> _Instance:
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "infra.local.gateway.worker", self.spec.handler, str(request_read),
                 str(answer_write)],
                env=self._env, cwd=REPOSITORY_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                pass_fds=(request_read, answer_write),
            )
        os.close(request_read)
        os.close(answer_write)
        instance = _Instance(process, os.fdopen(request_write, "wb"), os.fdopen(answer_read, "rb"))
        timer = threading.Timer(START_TIMEOUT_SECONDS, process.kill)
        timer.start()
        try:
            ready = read_message(instance.answers)
        finally:
            timer.cancel()
        if not ready:
            instance.stop()
            raise FunctionError({"errorType": "Runtime.ImportModuleError",
                                 "errorMessage": f"{self.spec.handler} did not load: see {self._log_path}"})
        return instance


def _runtime_variables(spec: FunctionSpec, region: str) -> dict[str, str]:
    """What the Lambda runtime sets in every function's environment."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "_HANDLER": spec.handler,
        "LAMBDA_TASK_ROOT": str(REPOSITORY_ROOT),
        "PYTHONPATH": f"{REPOSITORY_ROOT}:{REPOSITORY_ROOT / 'layers' / 'gridvend'}",
    }
