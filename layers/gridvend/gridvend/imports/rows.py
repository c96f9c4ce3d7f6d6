"""What each kind of import provides to the job: its columns, row validation, the stored-key check and
the items to write. Row values arrive as text; whole numbers are turned into ints before validation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from gridvend.errors import InvalidInput
from gridvend.imports.files import Row
from gridvend.imports.model import RowRejected
from gridvend.store.items import Item

WHOLE_NUMBER = re.compile(r"^-?\d+$")
ReferenceCounts = Counter[tuple[str, str]]  # (archive kind, record id) -> how many new rows refer to it


class RowImporter(Protocol):
    columns: frozenset[str]
    required: frozenset[str]
    key_column: str  # the column whose value must be unique (in the file and in the store)

    def validate(self, row: Row) -> Any:
        """The row ready to store; raises RowRejected naming the column and the reason."""
        ...

    def key(self, valid: Any) -> str: ...

    def existing(self, keys: Sequence[str]) -> set[str]: ...

    def reference_counts(self, rows: Sequence[Any]) -> ReferenceCounts: ...

    def items(self, rows: Sequence[Any]) -> list[Item]: ...


def typed_values(row: Row, int_columns: frozenset[str]) -> dict[str, Any]:
    """Empty cells are left out (so defaults apply); whole numbers in int columns become ints."""
    values: dict[str, Any] = {}
    for name, text in row.items():
        if text == "":
            continue
        values[name] = int(text) if name in int_columns and WHOLE_NUMBER.match(text) else text
    return values


def validated_row(model: type[BaseModel], values: dict[str, Any], renamed: dict[str, str] | None = None) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        details = error.errors(include_url=False, include_input=False)
        columns = [_column(detail["loc"], renamed or {}) for detail in details]
        reasons = [f"{column}: {str(detail['msg']).removeprefix('Value error, ')}" for column, detail in
                   zip(columns, details, strict=True)]
        raise RowRejected(columns[0], "; ".join(reasons)) from None


def rejected(error: InvalidInput, renamed: dict[str, str] | None = None) -> RowRejected:
    problem = error.problems[0] if error.problems else None
    column = (renamed or {}).get(problem.field, problem.field) if problem else "row"
    return RowRejected(column, problem.message if problem else error.detail)


def _column(location: tuple[int | str, ...], renamed: dict[str, str]) -> str:
    name = str(location[0]) if location else "row"
    return renamed.get(name, name)
