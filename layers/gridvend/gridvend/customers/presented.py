"""Request models to their stored form (money in minor units, dates as text) and records to API output."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from gridvend.archives.stored_form import from_stored, to_stored
from gridvend.customers.model import Contract, Customer
from gridvend.money import from_minor

CONTRACT_MONEY = ("alarm_amount_1", "alarm_amount_2", "hoarding_limit", "debt")


def stored_request(model: BaseModel, decimals: int, prefix: str = "") -> dict[str, Any]:
    """Refuses (InvalidInput naming `prefix` + the field) money finer than the tenant's decimals."""
    return _plain(to_stored(model, decimals, prefix))


def request_payload(schema: type[BaseModel], stored: dict[str, Any], decimals: int) -> dict[str, Any]:
    return from_stored(schema, stored, decimals)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _plain(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def money_text(minor: int | None, decimals: int) -> str | None:
    return None if minor is None else str(from_minor(int(minor), decimals))


def shown_customer(customer: Customer) -> dict[str, Any]:
    return customer.public()


def shown_contract(contract: Contract, decimals: int) -> dict[str, Any]:
    shown = contract.stored()
    for name in CONTRACT_MONEY:
        shown[name] = money_text(shown[name], decimals)
    shown["carry"] = {name: money_text(value, decimals) for name, value in shown["carry"].items()}
    pending = contract.pending_remainder
    shown["pending_remainder"] = (
        {"replacement_id": pending.replacement_id, "amount": money_text(pending.amount, decimals)} if pending else None
    )
    shown["ratio"] = contract.ratio
    shown["version"] = contract.version
    return shown


def shown_money_fields(record: dict[str, Any], names: tuple[str, ...], decimals: int) -> dict[str, Any]:
    """A copy of `record` with the named minor-unit fields as decimal text (nested one level for dicts)."""
    shown: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, dict):
            shown[name] = shown_money_fields(value, names, decimals)
        elif isinstance(value, list):
            shown[name] = [shown_money_fields(v, names, decimals) if isinstance(v, dict) else v for v in value]
        elif name in names and isinstance(value, int | float) and not isinstance(value, bool):
            shown[name] = money_text(int(value), decimals)
        else:
            shown[name] = value
    return shown
