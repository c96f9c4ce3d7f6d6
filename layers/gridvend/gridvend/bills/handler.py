"""What a bill type provides to the generic bill service: its request parsing and its effects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from gridvend.bills.model import Bill, BillContent
from gridvend.store.guarded import Guarded


@dataclass(frozen=True)
class CheckOutcome:
    operations: list[Guarded]
    effects: dict[str, Any] = field(default_factory=dict)


class BillHandler(Protocol):
    @property
    def bill_type(self) -> str: ...

    @property
    def numbering_codes(self) -> tuple[str, ...]:
        """The codes of the numbering rules to try, in order (e.g. "stock_in", then "stock")."""
        ...

    def prepare(self, payload: dict[str, Any]) -> BillContent:
        """Validates a request (raising InvalidInput / Conflict naming the field) into the bill's content."""
        ...

    def payload(self, bill: Bill, changes: dict[str, Any]) -> dict[str, Any]:
        """The request that would make this bill, with `changes` applied: what a PATCH re-validates."""
        ...

    def check(self, bill: Bill) -> CheckOutcome:
        """The writes that make the bill happen, conditioned on the world being as the bill expects."""
        ...

    def uncheck(self, bill: Bill) -> list[Guarded]:
        """The writes that undo a checked bill; refuses (Conflict) when its effects have since moved on."""
        ...
