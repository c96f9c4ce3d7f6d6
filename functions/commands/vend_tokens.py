"""A vend as something to deliver to its meter: the meter it was sold for, the thing that reaches that meter,
and its tokens in the order the meter must take them (key change pair first, as on the receipt)."""

from __future__ import annotations

from dataclasses import dataclass

from gridvend.auth.context import TenantContext
from gridvend.errors import FieldProblem, InvalidInput, Unprocessable
from gridvend.store.ami.things import ThingRegistry
from gridvend.store.items import ItemStore
from gridvend.store.vends import VendRepository

DELIVERABLE_STATUSES = frozenset({"issued"})


class Undeliverable(Exception):
    """The vend cannot (any longer) be sent: it is gone, or cancelled meanwhile."""


@dataclass(frozen=True)
class VendDelivery:
    bill: str
    meter: str
    tokens: tuple[str, ...]


def _system(tenant_id: str) -> TenantContext:
    return TenantContext(tenant_id=tenant_id, user_id="system", username="system")


def vend_delivery(store: ItemStore, tenant_id: str, bill: str) -> VendDelivery:
    """The vend's meter and tokens; Undeliverable when it does not exist or was cancelled or corrected."""
    stored = VendRepository(store, _system(tenant_id)).get(bill)
    if stored is None:
        raise Undeliverable(f"no vend with bill number '{bill}'")
    status = str(stored.get("status", "issued"))
    if status not in DELIVERABLE_STATUSES:
        raise Undeliverable(f"vend '{bill}' was {status}: its tokens must not reach the meter")
    tokens = tuple(str(token).replace(" ", "").replace("-", "") for token in stored["tokens"])
    return VendDelivery(bill, str(stored["meter"]), tokens)


def delivery_target(store: ItemStore, tenant_id: str, bill: str, meters: list[str] | None) -> tuple[str, str]:
    """(meter, thing) a vend's tokens go to. Refused (4xx) when the vend is not deliverable, when other
    meters are named, or when no communication module serves the meter (its tokens go on the keypad)."""
    try:
        delivery = vend_delivery(store, tenant_id, bill)
    except Undeliverable as refusal:
        raise InvalidInput.for_field("params.bill", str(refusal)) from None
    if meters is not None and list(dict.fromkeys(meters)) != [delivery.meter]:
        raise InvalidInput.for_field("targets", f"a vend's tokens go to its own meter only ({delivery.meter})")
    thing = require_module(store, tenant_id, delivery.meter, "targets")
    return delivery.meter, thing


def require_module(store: ItemStore, tenant_id: str, serial: str, field_name: str) -> str:
    """The thing that serves the meter; refused (422, naming the field) when there is none."""
    thing = ThingRegistry(store, tenant_id).thing_of_meter(serial)
    if thing is None:
        message = f"meter '{serial}' has no communication module: its tokens can only be entered on its keypad"
        raise Unprocessable(f"{field_name}: {message}", [FieldProblem(field_name, message)])
    return thing
