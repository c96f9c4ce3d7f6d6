"""The vend receipt and its plain-text form (also what the office's voucher printer prints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    bill_number: str
    tenant_name: str
    currency: str
    local_time: str
    customer_code: str
    customer_name: str
    meter_serial: str
    energy_kwh: Decimal
    tokens: tuple[str, ...]
    lines: tuple[ReceiptLine, ...]
    net_amount: Decimal
    sales_point: str
    operator: str
    paid: Decimal | None = None
    change: Decimal | None = None
    notes: tuple[str, ...] = field(default=())


def grouped_token(token: str) -> str:
    """20 digits in groups of four, as meters' keypads and vouchers show them."""
    return " ".join(token[start : start + 4] for start in range(0, len(token), 4))


def _pair(left: str, right: str, width: int) -> str:
    space = max(1, width - len(left) - len(right))
    return f"{left}{' ' * space}{right}"[: max(width, len(left) + len(right) + 1)]


def receipt_text(receipt: Receipt, width: int = 32) -> str:
    def money(amount: Decimal) -> str:
        return f"{receipt.currency} {amount}"

    rows = [
        receipt.tenant_name.center(width).rstrip(),
        "-" * width,
        _pair("Receipt", receipt.bill_number, width),
        _pair("Time", receipt.local_time, width),
        _pair("Customer", receipt.customer_code, width),
        receipt.customer_name[:width],
        _pair("Meter", receipt.meter_serial, width),
        "-" * width,
    ]
    rows += [_pair(line.label, money(line.amount), width) for line in receipt.lines]
    rows += [
        _pair("Total", money(receipt.net_amount), width),
    ]
    if receipt.paid is not None:
        rows.append(_pair("Paid", money(receipt.paid), width))
    if receipt.change is not None:
        rows.append(_pair("Change", money(receipt.change), width))
    rows += ["-" * width, _pair("Energy", f"{receipt.energy_kwh} kWh", width)]
    for position, token in enumerate(receipt.tokens, start=1):
        label = "TOKEN" if len(receipt.tokens) == 1 else f"TOKEN {position}/{len(receipt.tokens)}"
        rows += [label, grouped_token(token)]
    rows += list(receipt.notes)
    rows += ["-" * width, _pair("Sales point", receipt.sales_point, width), _pair("Operator", receipt.operator, width)]
    return "\n".join(rows) + "\n"
