"""Our route decorator: protected by default (a public route says `public=True`), domain errors mapped
to problem+json inside the view, where Chalice would otherwise turn them into a bare 500."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import Blueprint
from pydantic import ValidationError

from functions.common.auth import jwt_authorizer
from functions.common.observability import logger
from functions.common.problems import internal_error_response, problem_response
from gridvend.errors import GridvendError
from gridvend.validation import invalid_input_from

View = Callable[..., Any]


def route(blueprint: Blueprint, path: str, methods: list[str], *, public: bool = False) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except GridvendError as error:
                return problem_response(error)
            except ValidationError as error:
                return problem_response(invalid_input_from(error))
            except Exception:
                context = blueprint.current_request.lambda_context
                request_id = getattr(context, "aws_request_id", "local")
                logger.exception("unhandled error", extra={"request_id": request_id, "path": path})
                return internal_error_response(request_id)

        authorizer = None if public else jwt_authorizer
        blueprint.route(path, methods=methods, authorizer=authorizer)(guarded)
        return view

    return decorate
