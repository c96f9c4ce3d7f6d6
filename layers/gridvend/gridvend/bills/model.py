"""A bill: a numbered document that is drafted, then checked (approved: its effects happen) or unchecked."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class BillStatus(StrEnum):
    DRAFT = "draft"
    CHECKED = "checked"


@dataclass(frozen=True)
class BillContent:
    """What a bill type's handler makes of a request: the header fields, the lines, and search terms."""

    header: dict[str, Any]
    lines: list[dict[str, Any]]
    search_terms: list[str] = field(default_factory=list)
    branch_id: str | None = None  # for the `branch` part of the bill number


@dataclass(frozen=True)
class Bill:
    bill_id: str
    bill_type: str
    number: str
    status: BillStatus
    header: dict[str, Any]
    lines: list[dict[str, Any]]
    search_terms: list[str] = field(default_factory=list)
    effects: dict[str, Any] = field(default_factory=dict)  # what checking did, so unchecking can undo it
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""
    checked_by: str | None = None
    checked_at: str | None = None
    version: int = 1

    def public(self) -> dict[str, Any]:
        return {
            "id": self.bill_id,
            "type": self.bill_type,
            "number": self.number,
            "status": self.status.value,
            **self.header,
            "lines": self.lines,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "checked_by": self.checked_by,
            "checked_at": self.checked_at,
            "version": self.version,
        }

    def snapshot(self) -> dict[str, Any]:
        """What the audit trail keeps: the bill as shown, without the lines' detail beyond their count."""
        shown = self.public()
        shown["lines"] = len(self.lines)
        return shown
