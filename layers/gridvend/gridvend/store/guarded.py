"""Transactions whose failed conditions turn into the domain error each operation names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridvend.errors import Conflict, GridvendError
from gridvend.store.items import ItemStore, TransactionConflict, TransactionRaced, WriteOp


class Busy(Conflict):
    """Other writes touched the same records at the same moment; nothing was written; try again."""


@dataclass(frozen=True)
class Guarded:
    operation: WriteOp
    error_if_condition_fails: GridvendError | None = None


def commit(store: ItemStore, operations: Sequence[Guarded | WriteOp]) -> None:
    """All or nothing; the first failed condition with a named error is raised."""
    guarded = [op if isinstance(op, Guarded) else Guarded(op) for op in operations]
    try:
        store.transact([entry.operation for entry in guarded])
    except TransactionConflict as conflict:
        for position in conflict.failed:
            error = guarded[position].error_if_condition_fails
            if error is not None:
                raise error from conflict
        raise Conflict("a record changed meanwhile; reload and retry") from conflict
    except TransactionRaced as raced:
        raise Busy("the records were being changed by another request at the same moment; retry") from raced
