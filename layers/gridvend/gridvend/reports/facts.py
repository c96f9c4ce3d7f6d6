"""What one table change means for the sales reports: a sale, a correction (a cancelled or corrected vend)
or a refund, with its dimensions and measures in integer units (money in minor units, energy in tenths).

The shapes read (the contract with vending):
- a sale:        INSERT of entity "vend" (data = the receipt, status "issued").
- a correction:  MODIFY of a "vend" whose data.status leaves "issued" (to "cancelled", "corrected", ...): the
                 original sale's figures count again in the correction columns, on the day of the change;
                 or INSERT of entity "vend-correction"/"vend-cancel" whose data holds the cancelled receipt's
                 figures (bill_number, meter, sales_point, operator, net_amount, energy_kwh, time_local).
- a refund:      INSERT of entity "vend-refund"/"refund" with data.amount (and the same dimension fields).
Corrections and refunds are positive numbers in their own columns; income subtracts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SALE_MEASURES = ("sales_count", "sales_amount", "sales_net", "sales_energy", "vat", "charges", "debt")
CORRECTION_MEASURES = ("correction_count", "correction_net", "correction_energy")
REFUND_MEASURES = ("refund_count", "refund_amount")
MEASURES = (*SALE_MEASURES, *CORRECTION_MEASURES, *REFUND_MEASURES)
CORRECTION_ENTITIES = frozenset({"vend-correction", "vend-cancel"})
REFUND_ENTITIES = frozenset({"vend-refund", "refund"})
ISSUED = "issued"


@dataclass(frozen=True)
class SalesChange:
    """One change to the sales figures; `source` names it so that applying it twice changes nothing."""

    tenant_id: str
    source: str
    local_date: str  # YYYY-MM-DD in the tenant's time zone
    sales_point: str
    operator: str
    meter: str
    customer_code: str
    measures: dict[str, int]


def tenant_of_key(pk: str) -> str | None:
    head, _, rest = pk.partition("#")
    tenant_id = rest.partition("#")[0]
    return tenant_id if head == "T" and tenant_id else None


def minor(value: Any, decimals: int) -> int:
    try:
        return int((Decimal(str(value or 0)) * (10**decimals)).to_integral_value())
    except InvalidOperation:
        return 0


def tenths(value: Any) -> int:
    try:
        return int(Decimal(str(value or 0)) * 10)
    except InvalidOperation:
        return 0


def sale_measures(receipt: dict[str, Any], decimals: int) -> dict[str, int]:
    breakdown = receipt.get("breakdown") or {}
    charges = sum(minor(line.get("amount"), decimals) for line in breakdown.get("charges") or [])
    return {
        "sales_count": 1,
        "sales_amount": minor(breakdown.get("amount"), decimals),
        "sales_net": minor(breakdown.get("net_amount"), decimals),
        "sales_energy": tenths(receipt.get("energy_kwh")),
        "vat": minor(breakdown.get("vat"), decimals),
        "charges": charges,
        "debt": minor(breakdown.get("debt_repaid"), decimals),
    }


def correction_measures(record: dict[str, Any], decimals: int) -> dict[str, int]:
    breakdown = record.get("breakdown") or {}
    net = breakdown.get("net_amount", record.get("net_amount"))
    return {
        "correction_count": 1,
        "correction_net": abs(minor(net, decimals)),
        "correction_energy": abs(tenths(record.get("energy_kwh"))),
    }


def _local_date(record: dict[str, Any], fallback: str) -> str:
    local = str(record.get("time_local") or "")
    return local[:10] if len(local) >= 10 else fallback


def _change(
    tenant_id: str, source: str, record: dict[str, Any], local_date: str, measures: dict[str, int]
) -> SalesChange:
    customer = record.get("customer") or {}
    return SalesChange(
        tenant_id=tenant_id,
        source=source,
        local_date=local_date,
        sales_point=str(record.get("sales_point") or "-"),
        operator=str(record.get("operator") or "-"),
        meter=str(record.get("meter") or "-"),
        customer_code=str(customer.get("code") if isinstance(customer, dict) else record.get("customer_code") or ""),
        measures=measures,
    )


def sales_change_of(
    event_name: str,
    old_image: dict[str, Any] | None,
    new_image: dict[str, Any] | None,
    decimals: int,
    changed_on: str,
) -> SalesChange | None:
    """The sales change a stream record carries, or None. `changed_on` is the tenant-local date of the change
    (from the stream record's time), used where the record holds no local time of its own."""
    image = new_image or {}
    tenant_id = tenant_of_key(str(image.get("pk", "")))
    record = image.get("data")
    if tenant_id is None or not isinstance(record, dict):
        return None
    entity = image.get("entity")
    key = str(image.get("sk", ""))
    if entity == "vend" and event_name == "INSERT" and record.get("status", ISSUED) == ISSUED:
        return _change(tenant_id, f"S#{key}", record, _local_date(record, changed_on), sale_measures(record, decimals))
    if entity == "vend" and event_name == "MODIFY":
        before = (old_image or {}).get("data") or {}
        if before.get("status", ISSUED) == ISSUED and record.get("status", ISSUED) != ISSUED:
            return _change(tenant_id, f"C#{key}", record, changed_on, correction_measures(record, decimals))
        return None
    if event_name != "INSERT":
        return None
    if entity in CORRECTION_ENTITIES:
        return _change(
            # Keyed by the undone vend, like the vend's own MODIFY: a cancellation that writes both counts once.
            tenant_id, f"C#{record.get('vend_bill_number') or record.get('bill_number') or key}", record,
            _local_date(record, changed_on),
            correction_measures(record, decimals),
        )
    if entity in REFUND_ENTITIES:
        amount = abs(minor(record.get("amount"), decimals))
        return _change(
            tenant_id, f"R#{key}", record, _local_date(record, changed_on),
            {"refund_count": 1, "refund_amount": amount},
        )
    return None
