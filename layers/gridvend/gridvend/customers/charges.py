"""Fees collected at the counter (registration, replacement): lines from charge items, VAT on the taxed
ones, and the payment that settles them with change given. Pure: Decimal in, Decimal out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gridvend.errors import InvalidInput
from gridvend.money import ZERO, from_minor, percent_of, round_money, to_minor


@dataclass(frozen=True)
class FeeItem:
    """A charge item as a counter fee. A percentage item has no base outside a vend: it charges nothing."""

    item_id: str
    code: str
    name: str
    amount: Decimal
    taxed: bool

    @staticmethod
    def from_archive(item_id: str, code: str, name: str, fields: dict[str, Any], decimals: int) -> FeeItem:
        fixed = fields.get("method") != "amount_percent" and fields.get("amount") is not None
        amount = from_minor(int(fields["amount"]), decimals) if fixed else ZERO
        return FeeItem(item_id, code, name, amount, bool(fields.get("taxed")))


@dataclass(frozen=True)
class FeeLine:
    item_id: str
    code: str
    name: str
    amount: Decimal
    taxed: bool
    serial: str | None = None

    def stored(self, decimals: int) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "code": self.code,
            "name": self.name,
            "amount": to_minor(self.amount, decimals),
            "taxed": self.taxed,
            "serial": self.serial,
        }


@dataclass(frozen=True)
class Fees:
    lines: tuple[FeeLine, ...]
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO) + self.vat


def fees_for(items: tuple[FeeItem, ...], serials: list[str | None], vat_percent: Decimal, decimals: int) -> Fees:
    """The items once per meter (registration charges double for two meters), VAT on the taxed lines."""
    lines = tuple(
        FeeLine(item.item_id, item.code, item.name, round_money(item.amount, decimals), item.taxed, serial)
        for serial in serials
        for item in items
    )
    taxed = sum((line.amount for line in lines if line.taxed), ZERO)
    return Fees(lines, percent_of(taxed, vat_percent, decimals))


@dataclass(frozen=True)
class TermRules:
    """The payment term's rules that matter at the counter."""

    term_id: str
    gives_change: bool = True
    needs_bank_details: bool = False


@dataclass(frozen=True)
class Settlement:
    due: Decimal
    paid: Decimal
    change: Decimal
    term_id: str | None
    cheque_no: str = ""
    bank_id: str | None = None

    def stored(self, decimals: int) -> dict[str, Any]:
        return {
            "due": to_minor(self.due, decimals),
            "paid": to_minor(self.paid, decimals),
            "change": to_minor(self.change, decimals),
            "payment_term_id": self.term_id,
            "cheque_no": self.cheque_no,
            "bank_id": self.bank_id,
        }


def settle(
    due: Decimal,
    paid: Decimal | None,
    term: TermRules | None,
    *,
    cheque_no: str = "",
    bank_id: str | None = None,
    field_prefix: str = "payment",
) -> Settlement:
    """Change = paid - due. Anything due needs a payment term; paying less than due is refused."""
    amount_paid = due if paid is None else paid
    if due > 0 and term is None:
        raise InvalidInput.for_field(f"{field_prefix}.payment_term_id", f"required: {due} is due")
    if amount_paid < due:
        raise InvalidInput.for_field(f"{field_prefix}.paid", f"{amount_paid} is less than the {due} due")
    change = amount_paid - due
    if term is not None:
        if change > 0 and not term.gives_change:
            raise InvalidInput.for_field(f"{field_prefix}.paid", "this payment term gives no change: pay what is due")
        if term.needs_bank_details and due > 0 and not cheque_no:
            raise InvalidInput.for_field(f"{field_prefix}.cheque_no", "this payment term needs a cheque/reference no.")
    return Settlement(due, amount_paid, change, term.term_id if term else None, cheque_no, bank_id)
