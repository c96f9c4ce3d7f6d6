"""Builds the billing inputs from a tenant's archive records (as the archive service shows them)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gridvend.billing.charges import ChargeItem, ChargeMethod
from gridvend.billing.debt import DebtRepayment, RepaymentMethod
from gridvend.billing.tariffs import PriceStep, SinglePriceTariff, SteppedTariff, Tariff, TouTariff
from gridvend.billing.terms import CustomerTypeTerms

Record = Mapping[str, Any]
_REPAYMENT_METHODS = {
    "per_times": RepaymentMethod.PER_TIMES,
    "monthly": RepaymentMethod.MONTHLY,
    "yearly": RepaymentMethod.YEARLY,
    "percent": RepaymentMethod.PERCENTAGE,
}


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def tariff_from_record(record: Record) -> Tariff:
    kind = record["type"]
    if kind == "step":
        return SteppedTariff(
            tuple(
                PriceStep(
                    None if step.get("up_to_kwh") is None else _decimal(step["up_to_kwh"]), _decimal(step["price"])
                )
                for step in record["steps"]
            )
        )
    if kind == "tou":
        return TouTariff(_decimal(record["price"]))
    return SinglePriceTariff(_decimal(record["price"]))


def charge_item_from_record(record: Record) -> ChargeItem:
    method = ChargeMethod(record["method"])
    value = record["percent"] if method is ChargeMethod.AMOUNT_PERCENT else record["amount"]
    return ChargeItem(record["code"], record["name"], method, _decimal(value), bool(record.get("taxed")))


def terms_from_customer_type(customer_type: Record, charge_items: Mapping[str, Record]) -> CustomerTypeTerms:
    """`charge_items` maps the ids the customer type names to their records."""
    repayment = None
    method = customer_type.get("debt_repayment", "none")
    if method in _REPAYMENT_METHODS:
        value = customer_type.get("debt_repayment_percent" if method == "percent" else "debt_repayment_amount")
        repayment = DebtRepayment(_REPAYMENT_METHODS[method], _decimal(value or 0))
    return CustomerTypeTerms(
        vat_percent=_decimal(customer_type.get("vat_percent", 0)),
        vending_charges=tuple(
            charge_item_from_record(charge_items[item_id]) for item_id in customer_type.get("charge_item_ids", [])
        ),
        repayment=repayment,
    )
