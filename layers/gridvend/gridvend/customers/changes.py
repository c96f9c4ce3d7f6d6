"""The change modules for registered customers (a checked register bill is frozen): change customer
information, change a contract's terms, add a meter contract, cancel one."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from gridvend.customers.charges import fees_for
from gridvend.customers.contract_setup import install, new_contract, registrable_meter, with_meter_ratio
from gridvend.customers.model import Contract, ContractStatus, Customer, CustomerStatus
from gridvend.customers.numbers import local_today
from gridvend.customers.presented import stored_request
from gridvend.customers.schemas import AddContractRequest, CancelContractRequest, ContractTerms, CustomerDetails
from gridvend.customers.workspace import Workspace
from gridvend.errors import Conflict, InvalidInput
from gridvend.meters.states import MeterState
from gridvend.money import from_minor, to_minor
from gridvend.store.contracts import contract_references
from gridvend.store.customers import customer_references, now_text
from gridvend.store.guarded import Guarded
from gridvend.validation import invalid_input_from

# A cancelled contract's meter is taken off site: it waits as `replaced` for a contract-return stock-in
# bill, which puts it back in the warehouse (or maintenance / scrap).
REMOVED_FROM_SITE = MeterState.REPLACED
CUSTOMER_DETAIL_FIELDS = tuple(CustomerDetails.model_fields)
CONTRACT_TERM_FIELDS = tuple(ContractTerms.model_fields)


def _validated(schema: type[CustomerDetails] | type[ContractTerms], payload: dict[str, Any]) -> Any:
    try:
        return schema.model_validate(payload)
    except ValidationError as error:
        raise invalid_input_from(error) from None


def _expect_version(current_version: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current_version:
        raise Conflict(f"{what} is at version {current_version}, not {expected}")


def change_customer(space: Workspace, code: str, changes: dict[str, Any], expected_version: int | None) -> Customer:
    current = space.open_customer(code)
    _expect_version(current.version, expected_version, f"customer '{current.code}'")
    unknown = sorted(set(changes) - set(CUSTOMER_DETAIL_FIELDS))
    if unknown:
        raise InvalidInput.for_field(unknown[0], "cannot be changed here")
    merged = {name: value for name, value in current.stored().items() if name in CUSTOMER_DETAIL_FIELDS}
    details: CustomerDetails = _validated(CustomerDetails, {**merged, **changes})
    stored = stored_request(details, space.decimals)
    updated = replace(current, **{**stored, "status": CustomerStatus(details.status)})
    if updated == current:
        return current
    operations = [
        space.customers.save(current, updated),
        *space.archives.reference_changes(customer_references(current), customer_references(updated)),
        space.customers.audit("update", current, updated),
    ]
    changed = sorted(name for name in CUSTOMER_DETAIL_FIELDS if getattr(current, name) != getattr(updated, name))
    _, record_put = space.record("change_customer", current.code, {"changed": changed})
    space.commit([*operations, record_put])
    return space.customers.require(code)


def change_contract(space: Workspace, serial: str, changes: dict[str, Any], expected_version: int | None) -> Contract:
    current = space.contracts.require_active(serial)
    customer = space.open_customer(current.customer_code)
    _expect_version(current.version, expected_version, f"the contract of meter '{serial}'")
    unknown = sorted(set(changes) - set(CONTRACT_TERM_FIELDS))
    if unknown:
        raise InvalidInput.for_field(unknown[0], "cannot be changed here (pay type: use the pay-type change)")
    merged = {name: value for name, value in _terms_payload(space, current).items() if name not in changes}
    terms: ContractTerms = _validated(ContractTerms, {**merged, **changes})
    space.lookups.require("tariffs", terms.tariff_id, "tariff_id")
    stored = stored_request(terms, space.decimals)
    updated = replace(
        current,
        tariff_id=terms.tariff_id,
        install_date=stored["install_date"],
        start_date=stored["start_date"],
        expiry_date=stored["expiry_date"],
        ct_ratio=terms.ct_ratio or current.ct_ratio,
        pt_ratio=terms.pt_ratio or current.pt_ratio,
        power_threshold_w=terms.power_threshold_w,
        alarm_amount_1=stored["alarm_amount_1"],
        alarm_amount_2=stored["alarm_amount_2"],
        hoarding_limit=stored["hoarding_limit"],
        debt=to_minor(terms.debt, space.decimals),
        remark=terms.remark,
    )
    if updated == current:
        return current
    operations = [
        space.contracts.save(current, updated),
        space.customers.unchanged(customer),
        *space.archives.reference_changes(contract_references(current), contract_references(updated)),
        space.contracts.audit("update", current, updated),
        *_meter_ratio(space, updated),
    ]
    _, record_put = space.record("change_contract", customer.code, {"serials": [serial]})
    space.commit([*operations, record_put])
    return space.contracts.require(serial)


def _terms_payload(space: Workspace, contract: Contract) -> dict[str, Any]:
    def money(value: int | None) -> str | None:
        return None if value is None else str(from_minor(value, space.decimals))

    return {
        "tariff_id": contract.tariff_id,
        "install_date": contract.install_date,
        "start_date": contract.start_date,
        "expiry_date": contract.expiry_date,
        "ct_ratio": contract.ct_ratio,
        "pt_ratio": contract.pt_ratio,
        "power_threshold_w": contract.power_threshold_w,
        "alarm_amount_1": money(contract.alarm_amount_1),
        "alarm_amount_2": money(contract.alarm_amount_2),
        "hoarding_limit": money(contract.hoarding_limit),
        "debt": money(contract.debt),
        "remark": contract.remark,
    }


def _meter_ratio(space: Workspace, contract: Contract) -> list[Guarded]:
    """The meter keeps the ratio its contract sets (its CT x PT as installed)."""
    meter = space.meters.require(contract.serial)
    if (meter.ct_ratio, meter.pt_ratio) == (contract.ct_ratio, contract.pt_ratio):
        return []
    return space.meters.changes_operations(
        [(meter, replace(meter, ct_ratio=contract.ct_ratio, pt_ratio=contract.pt_ratio))]
    )


def add_contract(space: Workspace, code: str, request: AddContractRequest) -> tuple[Contract, dict[str, Any]]:
    space.check_money(request)
    customer = space.open_customer(code)
    customer_type = space.lookups.require("customer-types", customer.customer_type_id, "customer_type_id")
    space.lookups.require("tariffs", request.tariff_id, "tariff_id")
    meter = registrable_meter(space.meters, space.contracts, request.serial, "serial")
    terms = with_meter_ratio(request, meter)
    items = space.lookups.fee_items(list(customer_type.data.get("registration_charge_item_ids") or []), "serial")
    fees = fees_for(items, [request.serial], space.lookups.vat_percent(customer_type), space.decimals)
    settlement = space.settled(fees, request.payment)
    contract = new_contract(terms, customer.code, space.decimals, bill_id=None, today=local_today(space.ctx))
    installed = install(space.meters, space.contracts, contract, f"contract added for customer {customer.code}", None)
    record, record_put = space.record(
        "add_contract",
        customer.code,
        {"serials": [request.serial], **space.fee_details(fees, settlement)},
        numbering=("add_contract", "register"),
    )
    space.commit(
        [
            *installed.operations,
            space.customers.unchanged(customer),
            *space.archives.reference_changes([], contract_references(installed.contract)),
            record_put,
        ]
    )
    return space.contracts.require(request.serial), record


def ended(contract: Contract, status: ContractStatus, reason: str) -> Contract:
    return replace(contract, status=status, ended_at=now_text(), end_reason=reason)


def end_contract_operations(space: Workspace, contract: Contract, status: ContractStatus, reason: str) -> list[Guarded]:
    """The contract ends (no more vending), its meter is taken off site, its tariff is no longer in use."""
    after = ended(contract, status, reason)
    return [
        space.contracts.save(contract, after),
        space.contracts.audit(status.value, contract, after),
        *space.meters.state_change_operations(contract.serial, (MeterState.IN_SERVICE,), REMOVED_FROM_SITE, reason),
    ]


def cancel_contract(space: Workspace, serial: str, request: CancelContractRequest) -> tuple[Contract, dict[str, Any]]:
    space.check_money(request)
    contract = space.contracts.require_active(serial)
    customer = space.open_customer(contract.customer_code)
    record, record_put = space.record(
        "cancel_contract",
        customer.code,
        {
            "serials": [serial],
            "reason": request.reason,
            "remaining_credit": to_minor(request.remaining_credit, space.decimals),
            "debt": contract.debt,
        },
        numbering=("cancel_contract",),
    )
    space.commit(
        [
            *end_contract_operations(
                space, contract, ContractStatus.CANCELLED, f"contract cancelled: {request.reason}"
            ),
            space.customers.unchanged(customer),
            *space.archives.reference_changes(contract_references(contract), []),
            record_put,
        ]
    )
    return space.contracts.require(serial), record
