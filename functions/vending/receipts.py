"""A stored vend as the printable receipt."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gridvend.vending.receipt import Receipt, ReceiptLine


def receipt_of(stored: dict[str, Any], tenant_name: str) -> Receipt:
    breakdown = stored["breakdown"]
    lines = [ReceiptLine("Energy", Decimal(breakdown["amount"]))]
    lines += [ReceiptLine(charge["name"], Decimal(charge["amount"])) for charge in breakdown["charges"]]
    for label, name in (("VAT", "vat"), ("Debt repaid", "debt_repaid")):
        if Decimal(breakdown[name]):
            lines.append(ReceiptLine(label, Decimal(breakdown[name])))
    payment = stored["payment"]
    return Receipt(
        bill_number=stored["bill_number"],
        tenant_name=tenant_name,
        currency=stored["currency"],
        local_time=stored["time_local"].replace("T", " "),
        customer_code=stored["customer"]["code"],
        customer_name=stored["customer"]["name"],
        meter_serial=stored["meter"],
        energy_kwh=Decimal(stored["energy_kwh"]),
        tokens=tuple(stored["tokens"]),
        lines=tuple(lines),
        net_amount=Decimal(breakdown["net_amount"]),
        sales_point=stored["sales_point"],
        operator=stored["operator"],
        paid=Decimal(payment["paid"]),
        change=Decimal(payment["change"]),
        notes=("Key change tokens first: enter them in order.",) if stored.get("key_change") else (),
    )
