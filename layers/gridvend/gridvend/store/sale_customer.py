"""The customer as a meter's latest sale saw it, kept on the meter's vend state, so that a sale need not read the
customer after the contract (the contract names the customer; without this a sale would take a second round trip).

A sale reads the contract and the vend state in one batch. When the state's snapshot names the contract's
customer, it stands in for the customer, and the sale's transaction checks that the customer's version is still
the snapshot's: a customer changed meanwhile (blacklisted, another customer type) fails that check, and the sale
reads the customer itself and keeps a new snapshot. Only the fields a sale uses are kept.
"""

from __future__ import annotations

from typing import Any

from gridvend.customers.model import Customer, CustomerStatus
from gridvend.errors import Conflict
from gridvend.store.customers import CustomerRepository
from gridvend.store.guarded import Guarded
from gridvend.store.items import Check, Condition


class CustomerMoved(Conflict):
    """The customer changed after the snapshot the sale used: the sale reads the customer and tries again."""


def snapshot_of(customer: Customer) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "code": customer.code,
        "version": customer.version,
        "name": customer.name,
        "status": customer.status.value,
        "customer_type_id": customer.customer_type_id,
    }
    if customer.card_no is not None:
        snapshot["card_no"] = customer.card_no
    return snapshot


def customer_from_snapshot(snapshot: Any, customer_code: str) -> Customer | None:
    """The customer the snapshot holds, if it is one of `customer_code` in the expected form; else None."""
    if not isinstance(snapshot, dict) or snapshot.get("code") != customer_code:
        return None
    try:
        return Customer(
            code=str(snapshot["code"]),
            name=str(snapshot["name"]),
            customer_type_id=str(snapshot["customer_type_id"]),
            status=CustomerStatus(snapshot["status"]),
            card_no=None if snapshot.get("card_no") is None else str(snapshot["card_no"]),
            version=int(snapshot["version"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def still_as_seen(customers: CustomerRepository, customer: Customer) -> Guarded:
    """For the sale's transaction: the customer item still has the version the snapshot was taken at."""
    condition = Condition(must_exist=True, equals={"version": customer.version})
    return Guarded(
        Check(*customers.key(customer.code), condition),
        CustomerMoved(f"customer '{customer.code}' changed meanwhile"),
    )
