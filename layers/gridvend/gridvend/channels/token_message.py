"""The text of a token sent by SMS or e-mail: tokens in groups of four, the energy and the amount."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridvend.vending.receipt import grouped_token


@dataclass(frozen=True)
class TokenMessage:
    subject: str
    text: str


def token_message(receipt: dict[str, Any], tenant_name: str) -> TokenMessage:
    tokens = [grouped_token(token) for token in receipt.get("tokens", [])]
    amount = receipt.get("breakdown", {}).get("amount", "")
    currency = receipt.get("currency", "")
    lines = [f"{tenant_name}: meter {receipt['meter']}"]
    if len(tokens) > 1:
        lines.append("Enter these tokens in order:")
    lines += [f"Token: {token}" for token in tokens]
    lines.append(f"Energy: {receipt.get('energy_kwh', '')} kWh  Amount: {currency} {amount}".rstrip())
    lines.append(f"Ref: {receipt['bill_number']}")
    return TokenMessage(subject=f"Your electricity token for meter {receipt['meter']}", text="\n".join(lines))


def mask_destination(destination: str) -> str:
    """Shown in lists: enough to recognise, not the whole number or address."""
    if "@" in destination:
        name, _, domain = destination.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{destination[:4]}***{destination[-3:]}" if len(destination) > 7 else "***"
