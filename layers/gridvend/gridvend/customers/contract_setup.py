"""What registering a meter to a customer takes, shared by the register bill and add-contract: the checks
on the meter, the contract record, and the writes that install the meter (in_service) with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from gridvend.customers.model import Contract, PayType
from gridvend.customers.presented import stored_request
from gridvend.customers.schemas import NewContract
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.ids import new_id
from gridvend.meters.model import Meter
from gridvend.meters.states import MeterState
from gridvend.money import to_minor
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import now_text
from gridvend.store.guarded import Guarded
from gridvend.store.meters import MeterRepository

# The tenant's practice decides whether meters are drawn from stock (out_for_installation) before they
# are registered, or registered straight from the warehouse: both are accepted.
REGISTRABLE_STATES = (MeterState.IN_WAREHOUSE, MeterState.OUT_FOR_INSTALLATION)


@dataclass(frozen=True)
class Installed:
    """A contract made for a meter, with what undoing it needs."""

    contract: Contract
    previous_record_id: str | None
    from_state: MeterState
    operations: list[Guarded]


def registrable_meter(meters: MeterRepository, contracts: ContractRepository, serial: str, field: str) -> Meter:
    """The meter exists in this tenant, is in stock, and has no active contract."""
    meter = meters.get(serial)
    if meter is None:
        raise InvalidInput.for_field(field, f"meter '{serial}' does not exist")
    if meter.state not in REGISTRABLE_STATES:
        wanted = " or ".join(state.value for state in REGISTRABLE_STATES)
        message = f"meter '{serial}' is {meter.state.value}, not {wanted}"
        raise Conflict(message, [FieldProblem(field, message)])
    latest = contracts.get(serial)
    if latest is not None and latest.status.value == "active":
        message = f"meter '{serial}' already has an active contract"
        raise Conflict(message, [FieldProblem(field, message)])
    return meter


def unique_serials(serials: list[str], field: str) -> None:
    first_seen: dict[str, int] = {}
    for position, serial in enumerate(serials):
        if serial in first_seen:
            raise InvalidInput.for_field(
                f"{field}[{position}].serial", f"listed twice (also at [{first_seen[serial]}])"
            )
        first_seen[serial] = position


def with_meter_ratio(request: NewContract, meter: Meter) -> NewContract:
    return request.model_copy(
        update={"ct_ratio": request.ct_ratio or meter.ct_ratio, "pt_ratio": request.pt_ratio or meter.pt_ratio}
    )


def new_contract(
    request: NewContract, customer_code: str, decimals: int, *, bill_id: str | None, today: dt.date
) -> Contract:
    terms = stored_request(request, decimals)
    moment = now_text()
    return Contract(
        contract_id=new_id(),
        serial=request.serial,
        customer_code=customer_code,
        tariff_id=request.tariff_id,
        record_id=new_id(),
        pay_type=PayType(request.pay_type),
        ct_ratio=int(request.ct_ratio or 1),
        pt_ratio=int(request.pt_ratio or 1),
        install_date=terms["install_date"] or today.isoformat(),
        start_date=terms["start_date"] or today.isoformat(),
        expiry_date=terms["expiry_date"],
        power_threshold_w=request.power_threshold_w,
        alarm_amount_1=terms["alarm_amount_1"],
        alarm_amount_2=terms["alarm_amount_2"],
        hoarding_limit=terms["hoarding_limit"],
        debt=to_minor(request.debt, decimals),
        remark=request.remark,
        register_bill_id=bill_id,
        created_at=moment,
        updated_at=moment,
    )


def install(
    meters: MeterRepository, contracts: ContractRepository, contract: Contract, reason: str, bill_id: str | None
) -> Installed:
    """The contract's writes and the meter's move to in_service, conditioned on both being as read here."""
    meter = meters.get(contract.serial)
    if meter is None:
        raise Conflict(f"meter '{contract.serial}' no longer exists")
    previous = contracts.get(contract.serial)
    operations = contracts.creation(contract, previous)
    stored = contract if previous is None else replace(contract, version=previous.version + 1)
    operations += meters.state_change_operations(
        contract.serial,
        REGISTRABLE_STATES,
        MeterState.IN_SERVICE,
        reason,
        bill_id=bill_id,
        install_date=contract.install_date,
        ct_ratio=contract.ct_ratio,
        pt_ratio=contract.pt_ratio,
    )
    operations.append(contracts.audit("create", None, stored))
    return Installed(stored, previous.record_id if previous else None, meter.state, operations)
