"""One local Lambda instance: imports one handler, as the Lambda runtime does, then answers invocations one at a
time over two pipes the gateway hands it (length-prefixed JSON), so the function's own prints and logs on stdout
cannot mix with the answers. The instance ends when the gateway closes the request pipe.

    python -m infra.local.gateway.worker HANDLER REQUEST_FD ANSWER_FD
"""

from __future__ import annotations

import importlib
import json
import os
import struct
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any, BinaryIO

_LENGTH = struct.Struct(">I")


def read_message(stream: BinaryIO) -> Any | None:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    return json.loads(stream.read(_LENGTH.unpack(header)[0]))


def write_message(stream: BinaryIO, message: Any) -> None:
    payload = json.dumps(message, default=str).encode()
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


@dataclass
class InvocationContext:
    """What Lambda hands a handler beside the event."""

    aws_request_id: str
    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    deadline_ms: int
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.deadline_ms - int(time.time() * 1000))


def load_handler(handler: str) -> Any:
    module, attribute = handler.rsplit(".", 1)
    return getattr(importlib.import_module(module), attribute)


def serve(handler: str, requests: BinaryIO, answers: BinaryIO) -> None:
    function = load_handler(handler)
    write_message(answers, {"ready": True})
    while (message := read_message(requests)) is not None:
        context = InvocationContext(**message["context"])
        try:
            answer: dict[str, Any] = {"result": function(message["event"], context)}
        except Exception as error:
            answer = {"error": {"errorType": type(error).__name__, "errorMessage": str(error),
                                "stackTrace": traceback.format_exc().splitlines()}}
            traceback.print_exc()
        sys.stdout.flush()
        write_message(answers, answer)


def main(argv: list[str]) -> int:
    handler, request_fd, answer_fd = argv[0], int(argv[1]), int(argv[2])
    with os.fdopen(request_fd, "rb") as requests, os.fdopen(answer_fd, "wb") as answers:
        serve(handler, requests, answers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
