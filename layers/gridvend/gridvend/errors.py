"""Domain errors. One mapping at the HTTP edge turns each into a problem+json response."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class GridvendError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems: list[FieldProblem] = problems or []


class InvalidInput(GridvendError):
    status = 400
    title = "Invalid input"

    @classmethod
    def for_field(cls, field_name: str, message: str) -> InvalidInput:
        return cls(f"{field_name}: {message}", [FieldProblem(field_name, message)])


class Unauthenticated(GridvendError):
    status = 401
    title = "Not authenticated"


class Forbidden(GridvendError):
    status = 403
    title = "Forbidden"


class NotFound(GridvendError):
    status = 404
    title = "Not found"


class Conflict(GridvendError):
    status = 409
    title = "Conflict"


class Locked(GridvendError):
    status = 423
    title = "Locked"


class Unprocessable(GridvendError):
    status = 422
    title = "Refused"


@dataclass
class ProblemDocument:
    """RFC 9457 problem details."""

    status: int
    title: str
    detail: str
    type: str = "about:blank"
    errors: list[FieldProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [{"field": p.field, "message": p.message} for p in self.errors]
        return body


def problem_for(error: GridvendError) -> ProblemDocument:
    return ProblemDocument(error.status, error.title, error.detail, errors=list(error.problems))
