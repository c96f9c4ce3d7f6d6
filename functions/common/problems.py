"""The one mapping from errors to problem+json responses."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from pydantic import ValidationError

from gridvend.errors import FieldProblem, GridvendError, InvalidInput, problem_for

PROBLEM_CONTENT_TYPE = "application/problem+json"


def field_path(location: tuple[int | str, ...], prefix: str = "") -> str:
    path = prefix
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def invalid_input_from(error: ValidationError, prefix: str = "") -> InvalidInput:
    problems = []
    for detail in error.errors(include_url=False, include_input=False):
        location = tuple(part for part in detail["loc"] if part not in ("function-after", "model"))
        message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(FieldProblem(field_path(location, prefix), message))
    summary = "; ".join(f"{problem.field}: {problem.message}" for problem in problems[:5])
    return InvalidInput(summary, problems)


def problem_response(error: GridvendError, headers: dict[str, str] | None = None) -> Response:
    document = problem_for(error).as_dict()
    return Response(
        body=json.dumps(document),
        status_code=error.status,
        headers={"Content-Type": PROBLEM_CONTENT_TYPE, **(headers or {})},
    )


def internal_error_response(request_id: str) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Internal error",
        "status": 500,
        "detail": f"an unexpected error occurred; quote request {request_id}",
    }
    return Response(body=json.dumps(body), status_code=500, headers={"Content-Type": PROBLEM_CONTENT_TYPE})
