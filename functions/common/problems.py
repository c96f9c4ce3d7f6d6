"""The one mapping from errors to problem+json responses."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response

from gridvend.errors import GridvendError, problem_for

PROBLEM_CONTENT_TYPE = "application/problem+json"


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
