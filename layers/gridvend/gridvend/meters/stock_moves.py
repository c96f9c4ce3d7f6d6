"""What stock bills share: reading their meters from a request, moving existing meters when a bill is
checked (remembering where each was), and moving them back when it is unchecked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gridvend.bills.handler import CheckOutcome
from gridvend.bills.model import Bill
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.meters.model import Meter
from gridvend.meters.serials import RangeTooLong, SerialRangeError, expand_range
from gridvend.meters.states import MeterState
from gridvend.meters.stock_schemas import LIMIT_REASON, MAX_METERS_PER_BILL, StockLines
from gridvend.store.archives import ArchiveRepository
from gridvend.store.guarded import Guarded
from gridvend.store.meters import MeterRepository, wrong_state
from gridvend.validation import invalid_input_from

Request = TypeVar("Request", bound=BaseModel)
LINE_FIELDS = ("serials", "serial_range")
# Checks a meter against the bill before it moves; returns the problem, or None when it may move.
MeterCheck = Callable[[Meter], str | None]


def parsed(model: type[Request], payload: dict[str, Any]) -> Request:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise invalid_input_from(error) from None


def requested_serials(request: StockLines) -> list[str]:
    if (request.serials is None) == (request.serial_range is None):
        raise InvalidInput.for_field("serials", "give either serials (a list) or serial_range ({from, to})")
    if request.serial_range is not None:
        try:
            return expand_range(request.serial_range.first, request.serial_range.last, MAX_METERS_PER_BILL)
        except RangeTooLong as error:
            reason = f"the range holds {error.count} meters; {LIMIT_REASON}"
            raise InvalidInput.for_field("serial_range", reason) from None
        except SerialRangeError as error:
            raise InvalidInput.for_field("serial_range", str(error)) from None
    serials = request.serials or []
    if not serials:
        raise InvalidInput.for_field("serials", "name at least one meter")
    if len(serials) > MAX_METERS_PER_BILL:
        raise InvalidInput.for_field("serials", f"the list holds {len(serials)} meters; {LIMIT_REASON}")
    first_seen: dict[str, int] = {}
    for position, serial in enumerate(serials):
        if serial in first_seen:
            raise InvalidInput.for_field(f"serials[{position}]", f"listed twice (also at [{first_seen[serial]}])")
        first_seen[serial] = position
    return serials


def draft_payload(bill: Bill, changes: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {**bill.header, "serials": [line["serial"] for line in bill.lines]}
    if any(name in changes for name in LINE_FIELDS):
        payload.pop("serials")
    return {**payload, **changes}


def require_branch(archives: ArchiveRepository, branch_id: str, field_name: str) -> None:
    if archives.get("branches", branch_id) is None:
        raise InvalidInput.for_field(field_name, f"branches '{branch_id}' does not exist")


def check_listed_meters(
    meters: MeterRepository, serials: list[str], from_states: tuple[MeterState, ...], check: MeterCheck
) -> None:
    """At draft time: every meter exists in this tenant and could move now."""
    for position, serial in enumerate(serials):
        meter = meters.get(serial)
        if meter is None:
            raise InvalidInput.for_field(f"serials[{position}]", f"meter '{serial}' does not exist")
        problem = _problem(meter, from_states, check)
        if problem is not None:
            raise Conflict(problem, [FieldProblem(f"serials[{position}]", problem)])


def move_meters(
    meters: MeterRepository,
    bill: Bill,
    from_states: tuple[MeterState, ...],
    to_state: MeterState,
    reason: str,
    check: MeterCheck,
    **changes: Any,
) -> CheckOutcome:
    moves: list[tuple[Meter | None, Meter | None]] = []
    before: dict[str, dict[str, Any]] = {}
    for line in bill.lines:
        meter = meters.get(line["serial"])
        if meter is None:
            raise Conflict(f"meter '{line['serial']}' no longer exists")
        problem = _problem(meter, from_states, check)
        if problem is not None:
            raise Conflict(problem, [FieldProblem("serials", problem)])
        moves.append((meter, meters.moved(meter, to_state, reason, bill.bill_id, **changes)))
        before[meter.serial] = {
            "state": meter.state.value,
            "branch_id": meter.branch_id,
            "transfer_to": meter.transfer_to,
        }
    return CheckOutcome(meters.changes_operations(moves), {"moved": before, "to_state": to_state.value})


def move_back(meters: MeterRepository, bill: Bill) -> list[Guarded]:
    moves: list[tuple[Meter | None, Meter | None]] = []
    for serial, before in bill.effects.get("moved", {}).items():
        meter = _unmoved_since(meters, bill, serial)
        restored = meters.moved(
            meter,
            MeterState(before["state"]),
            f"bill {bill.number} unchecked",
            branch_id=before.get("branch_id"),
            transfer_to=before.get("transfer_to"),
        )
        moves.append((meter, restored))
    return meters.changes_operations(moves)


def remove_created(meters: MeterRepository, bill: Bill) -> list[Guarded]:
    removals: list[tuple[Meter | None, Meter | None]] = []
    for serial in bill.effects.get("created", []):
        meter = _unmoved_since(meters, bill, serial)
        if meter.module_id or meter.concentrator_id:
            raise Conflict(f"meter '{serial}' has been bound to a device since bill {bill.number} was checked")
        removals.append((meter, None))
    return meters.changes_operations(removals)


def _unmoved_since(meters: MeterRepository, bill: Bill, serial: str) -> Meter:
    meter = meters.get(serial)
    if meter is None or meter.state.value != bill.effects.get("to_state") or meter.last_bill_id != bill.bill_id:
        now = meter.state.value if meter else "gone"
        raise Conflict(f"meter '{serial}' has moved on since bill {bill.number} was checked (now {now})")
    return meter


def _problem(meter: Meter, from_states: tuple[MeterState, ...], check: MeterCheck) -> str | None:
    if meter.state not in from_states:
        return wrong_state(meter, from_states).detail
    return check(meter)
