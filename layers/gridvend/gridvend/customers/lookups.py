"""Reading the archive records a customer operation depends on, refusing with the field that named them."""

from __future__ import annotations

from decimal import Decimal

from gridvend.customers.charges import FeeItem, TermRules
from gridvend.errors import InvalidInput
from gridvend.money import ZERO, from_minor
from gridvend.store.archives import ArchiveRecord, ArchiveRepository


class ArchiveLookups:
    def __init__(self, archives: ArchiveRepository, decimals: int) -> None:
        self._archives = archives
        self._decimals = decimals

    def require(self, kind: str, record_id: str, field_name: str) -> ArchiveRecord:
        record = self._archives.get(kind, record_id)
        if record is None:
            raise InvalidInput.for_field(field_name, f"{kind} '{record_id}' does not exist")
        return record

    def require_optional(self, kind: str, record_id: str | None, field_name: str) -> None:
        if record_id is not None:
            self.require(kind, record_id, field_name)

    def fee_items(self, item_ids: list[str], field_name: str) -> tuple[FeeItem, ...]:
        items = []
        for item_id in item_ids:
            record = self.require("charge-items", item_id, field_name)
            items.append(FeeItem.from_archive(item_id, record.code, record.name, record.data, self._decimals))
        return tuple(items)

    def vat_percent(self, customer_type: ArchiveRecord) -> Decimal:
        return Decimal(str(customer_type.data.get("vat_percent") or "0"))

    def prearrange_amount(self, customer_type: ArchiveRecord) -> Decimal:
        """The customer type's prearrange amount; customer types without the field prearrange nothing."""
        stored = customer_type.data.get("prearrange_amount")
        return ZERO if stored is None else from_minor(int(stored), self._decimals)

    def term_rules(self, term_id: str | None, field_name: str) -> TermRules | None:
        if term_id is None:
            return None
        record = self.require("payment-terms", term_id, field_name)
        return TermRules(
            term_id,
            gives_change=bool(record.data.get("gives_change", True)),
            needs_bank_details=bool(record.data.get("needs_bank_details", False)),
        )
