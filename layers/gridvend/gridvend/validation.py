"""Pydantic validation errors as our InvalidInput: each problem names its field (`steps[0].price`)."""

from __future__ import annotations

from pydantic import ValidationError

from gridvend.errors import FieldProblem, InvalidInput

_VALIDATOR_LOCATIONS = ("function-after", "model")


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
        location = tuple(part for part in detail["loc"] if part not in _VALIDATOR_LOCATIONS)
        message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(FieldProblem(field_path(location, prefix), message))
    summary = "; ".join(f"{problem.field}: {problem.message}" for problem in problems[:5])
    return InvalidInput(summary, problems)
