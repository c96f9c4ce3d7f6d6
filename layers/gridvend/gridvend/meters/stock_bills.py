"""Stock-in and stock-out bills: drafts name meters; checking moves them (or creates new ones) in one
transaction; unchecking moves them back while nothing else has moved them since."""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.bills.handler import CheckOutcome
from gridvend.bills.model import Bill, BillContent
from gridvend.bills.service import BillService, local_today
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.meters.identity import IDENTITY_FIELDS, StsIdentityInput, drn_problem, resolved_identity
from gridvend.meters.model import Meter
from gridvend.meters.service import MeterService
from gridvend.meters.states import MeterState
from gridvend.meters.stock_moves import (
    MeterCheck,
    check_listed_meters,
    draft_payload,
    move_back,
    move_meters,
    parsed,
    remove_created,
    requested_serials,
    require_branch,
)
from gridvend.meters.stock_schemas import (
    CONDITION_STATES,
    STOCK_IN_SOURCES,
    StockInKind,
    StockInRequest,
    StockOutKind,
    StockOutRequest,
)
from gridvend.store.archives import ArchiveRepository
from gridvend.store.guarded import Guarded
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository

STOCK_IN = "stock-in"
STOCK_OUT = "stock-out"
NEW_METER_ONLY_FIELDS = ("model_id", "factory_date", *(name for name in IDENTITY_FIELDS if name != "drn"))


def _header(request: StockInRequest | StockOutRequest, today: str) -> dict[str, Any]:
    header = request.model_dump(mode="json", exclude={"serials", "serial_range"}, exclude_none=True)
    header.setdefault("date", today)
    return header


class StockInHandler:
    bill_type = STOCK_IN
    numbering_codes: tuple[str, ...] = ("stock_in", "stock")

    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._ctx = ctx
        self._meters = MeterRepository(store, ctx)
        self._meter_service = MeterService(store, ctx)
        self._archives = ArchiveRepository(store, ctx)

    def prepare(self, payload: dict[str, Any]) -> BillContent:
        request = parsed(StockInRequest, payload)
        serials = requested_serials(request)
        require_branch(self._archives, request.branch_id, "branch_id")
        if request.kind is StockInKind.NEW:
            self._check_new(request, serials)
        else:
            given = [name for name in NEW_METER_ONLY_FIELDS if getattr(request, name) is not None]
            if given:
                raise InvalidInput.for_field(given[0], "only for new meters")
            check_listed_meters(self._meters, serials, STOCK_IN_SOURCES[request.kind], _arrives_at(request))
        header = _header(request, local_today(self._ctx).isoformat())
        return BillContent(header, [{"serial": serial} for serial in serials], serials, request.branch_id)

    def payload(self, bill: Bill, changes: dict[str, Any]) -> dict[str, Any]:
        return draft_payload(bill, changes)

    def check(self, bill: Bill) -> CheckOutcome:
        request = parsed(StockInRequest, draft_payload(bill, {}))
        to_state = CONDITION_STATES[request.condition]
        if request.kind is StockInKind.NEW:
            return self._create_meters(bill, request, to_state)
        reason = f"stock-in {request.kind.value} ({bill.number})"
        return move_meters(
            self._meters, bill, STOCK_IN_SOURCES[request.kind], to_state, reason, _arrives_at(request),
            branch_id=request.branch_id, transfer_to=None,
        )

    def uncheck(self, bill: Bill) -> list[Guarded]:
        if "created" in bill.effects:
            return remove_created(self._meters, bill)
        return move_back(self._meters, bill)

    def _check_new(self, request: StockInRequest, serials: list[str]) -> None:
        for name in ("model_id", "sgc"):
            if getattr(request, name) is None:
                raise InvalidInput.for_field(name, "required for new meters")
        assert request.model_id is not None
        self._meter_service.model_ratios(request.model_id)
        iin = request.iin or StsIdentityInput.model_fields["iin"].default
        for position, serial in enumerate(serials):
            problem = "the serial must be numeric: it is the meter's DRN" if not serial.isdigit() else None
            problem = problem or drn_problem(iin, serial)
            if problem is not None:
                raise InvalidInput.for_field(f"serials[{position}]", f"not a usable DRN: {problem}")
        existing = self._meters.existing_serials(serials)
        if existing:
            position = min(serials.index(serial) for serial in existing)
            message = f"meter '{serials[position]}' already exists"
            raise Conflict(message, [FieldProblem(f"serials[{position}]", message)])

    def _create_meters(self, bill: Bill, request: StockInRequest, to_state: MeterState) -> CheckOutcome:
        assert request.model_id is not None
        ct_ratio, pt_ratio = self._meter_service.model_ratios(request.model_id)
        given = StsIdentityInput.model_validate(
            {name: getattr(request, name) for name in IDENTITY_FIELDS if getattr(request, name, None) is not None}
        )
        base_date = self._meter_service.tenant_base_date()
        reason = f"stock-in new ({bill.number})"
        created = [
            Meter(
                serial=line["serial"],
                identity=resolved_identity(given, line["serial"], base_date),
                model_id=request.model_id,
                ct_ratio=ct_ratio,
                pt_ratio=pt_ratio,
                state=to_state,
                branch_id=request.branch_id,
                factory_date=request.factory_date.isoformat() if request.factory_date else None,
                history=(self._meters.first_entry(to_state, reason, bill.bill_id),),
                last_bill_id=bill.bill_id,
            )
            for line in bill.lines
        ]
        operations = self._meters.changes_operations([(None, meter) for meter in created])
        return CheckOutcome(operations, {"created": [meter.serial for meter in created], "to_state": to_state.value})


class StockOutHandler:
    bill_type = STOCK_OUT
    numbering_codes: tuple[str, ...] = ("stock_out", "stock")

    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._ctx = ctx
        self._meters = MeterRepository(store, ctx)
        self._archives = ArchiveRepository(store, ctx)

    def prepare(self, payload: dict[str, Any]) -> BillContent:
        request = parsed(StockOutRequest, payload)
        serials = requested_serials(request)
        require_branch(self._archives, request.branch_id, "branch_id")
        if request.kind is StockOutKind.TO_BRANCH:
            if request.to_branch_id is None:
                raise InvalidInput.for_field("to_branch_id", "required to stock out to another branch")
            if request.to_branch_id == request.branch_id:
                raise InvalidInput.for_field("to_branch_id", "must differ from branch_id")
            require_branch(self._archives, request.to_branch_id, "to_branch_id")
        elif request.to_branch_id is not None:
            raise InvalidInput.for_field("to_branch_id", "only for kind to_branch")
        check_listed_meters(self._meters, serials, (MeterState.IN_WAREHOUSE,), _stored_at(request.branch_id))
        header = _header(request, local_today(self._ctx).isoformat())
        return BillContent(header, [{"serial": serial} for serial in serials], serials, request.branch_id)

    def payload(self, bill: Bill, changes: dict[str, Any]) -> dict[str, Any]:
        return draft_payload(bill, changes)

    def check(self, bill: Bill) -> CheckOutcome:
        request = parsed(StockOutRequest, draft_payload(bill, {}))
        reason = f"stock-out {request.kind.value} ({bill.number})"
        if request.kind is StockOutKind.TO_BRANCH:
            to_state, changes = MeterState.IN_TRANSIT, {"transfer_to": request.to_branch_id}
        else:
            to_state, changes = MeterState.OUT_FOR_INSTALLATION, {}
        return move_meters(
            self._meters, bill, (MeterState.IN_WAREHOUSE,), to_state, reason, _stored_at(request.branch_id),
            **changes,
        )

    def uncheck(self, bill: Bill) -> list[Guarded]:
        return move_back(self._meters, bill)


def _arrives_at(request: StockInRequest) -> MeterCheck:
    def check(meter: Meter) -> str | None:
        if request.kind is StockInKind.TRANSFER_IN and meter.transfer_to != request.branch_id:
            return f"meter '{meter.serial}' is not in transit to this branch"
        return None

    return check


def _stored_at(branch_id: str) -> MeterCheck:
    def check(meter: Meter) -> str | None:
        if meter.branch_id != branch_id:
            return f"meter '{meter.serial}' is not in this branch's warehouse"
        return None

    return check


def stock_bill_service(store: ItemStore, ctx: TenantContext) -> BillService:
    """The generic bill service with the two stock bill types."""
    return BillService(store, ctx, [StockInHandler(store, ctx), StockOutHandler(store, ctx)])
