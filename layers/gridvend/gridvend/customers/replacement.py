"""Meter replacement (seed 000 §4.6): the contract moves from the old meter to a new one drawn from stock,
the old meter goes to scrap or maintenance, the replacement reason's charges are collected, and the credit
left in the old meter is recorded for the next vend to deliver to the new meter as a token."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gridvend.customers.changes import ended
from gridvend.customers.charges import fees_for
from gridvend.customers.contract_setup import install, registrable_meter
from gridvend.customers.model import Contract, ContractStatus, PendingRemainder
from gridvend.customers.numbers import local_today
from gridvend.customers.schemas import ReplacementRequest
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput
from gridvend.ids import new_id
from gridvend.meters.states import MeterState
from gridvend.money import to_minor
from gridvend.store.archives import Reference
from gridvend.store.customers import now_text

OLD_METER_STATES = {"scrapped": MeterState.SCRAPPED, "maintenance": MeterState.MAINTENANCE}


def replace_meter(space: Workspace, old_serial: str, request: ReplacementRequest) -> tuple[Contract, dict[str, Any]]:
    space.check_money(request)
    current = space.contracts.require_active(old_serial)
    customer = space.open_customer(current.customer_code)
    if request.new_serial == old_serial:
        raise InvalidInput.for_field("new_serial", "the new meter must differ from the old one")
    reason = space.lookups.require("replacement-reasons", request.reason_id, "reason_id")
    customer_type = space.lookups.require("customer-types", customer.customer_type_id, "reason_id")
    new_meter = registrable_meter(space.meters, space.contracts, request.new_serial, "new_serial")
    items = space.lookups.fee_items(list(reason.data.get("charge_item_ids") or []), "reason_id")
    fees = fees_for(items, [None], space.lookups.vat_percent(customer_type), space.decimals)
    settlement = space.settled(fees, request.payment)
    remainder = to_minor(request.remainder, space.decimals)
    replacement_id = new_id()
    carried = remainder + (current.pending_remainder.amount if current.pending_remainder else 0)
    moment = now_text()
    moved = replace(
        current,
        serial=request.new_serial,
        record_id=new_id(),
        ct_ratio=request.ct_ratio or new_meter.ct_ratio,
        pt_ratio=request.pt_ratio or new_meter.pt_ratio,
        install_date=local_today(space.ctx).isoformat(),
        pending_remainder=PendingRemainder(replacement_id, carried) if carried else None,
        replaces=old_serial,
        replaced_by=None,
        created_at=moment,
        updated_at=moment,
        version=1,
    )
    old_after = replace(
        ended(current, ContractStatus.REPLACED, f"replaced: {reason.name}"), replaced_by=request.new_serial
    )
    installed = install(space.meters, space.contracts, moved, f"replaces meter {old_serial}", None)
    old_state = OLD_METER_STATES[request.old_meter_state]
    record, record_put = space.record(
        "replacement",
        customer.code,
        {
            "serials": [old_serial, request.new_serial],
            "old_serial": old_serial,
            "new_serial": request.new_serial,
            "reason_id": request.reason_id,
            "reason": reason.name,
            "old_meter_state": old_state.value,
            "remainder": remainder,
            "carried_remainder": carried,
            "remainder_delivered": carried == 0,
            "worker_name": request.worker_name,
            "remark": request.remark,
            **space.fee_details(fees, settlement),
        },
        numbering=("replace",),
        record_id=replacement_id,
    )
    space.commit(
        [
            space.contracts.save(current, old_after),
            space.contracts.audit("replace", current, old_after),
            *space.meters.state_change_operations(
                old_serial,
                (MeterState.IN_SERVICE,),
                old_state,
                f"replaced by meter {request.new_serial}: {reason.name}",
            ),
            *installed.operations,
            space.customers.unchanged(customer),
            *space.archives.reference_changes([], [Reference("reason_id", "replacement-reasons", request.reason_id)]),
            record_put,
        ]
    )
    return space.contracts.require(request.new_serial), record
