"""Installer work orders (seed 004 §4.3): meters in stock are assigned to an installer for a day; in the
field the installer scans the meter and its module, enters the point of collection and the CT/PT ratio,
and completes the order. Installers see and act on their own orders only."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from gridvend.archives.fields import Text
from gridvend.customers.contract_setup import REGISTRABLE_STATES, unique_serials
from gridvend.customers.points import NewPoint, PointDetails, point_operations
from gridvend.customers.schemas import Strict
from gridvend.customers.work_order_model import WorkOrder, WorkOrderState
from gridvend.customers.workspace import Workspace
from gridvend.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from gridvend.ids import new_id
from gridvend.meters.binding import BindingService
from gridvend.meters.devices import DeviceKind
from gridvend.meters.schemas import Ratio, Serial
from gridvend.store.contracts import WorkOrderRepository
from gridvend.store.customers import now_text
from gridvend.store.devices import DeviceRepository
from gridvend.store.guarded import Guarded
from gridvend.store.users import OperatorRepository

MODULE = "work-orders"
MAX_METERS_PER_ASSIGNMENT = 30  # three writes each, in one transaction of at most 100
Username = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=40)]
DeviceSn = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class AssignRequest(Strict):
    installer: Username
    date: dt.date
    serials: Annotated[list[Serial], Field(min_length=1, max_length=MAX_METERS_PER_ASSIGNMENT)]
    remark: Text = ""


class CompletionRequest(Strict):
    meter_sn: Serial  # scanned on site: must be the order's meter
    module_sn: DeviceSn | None = None  # scanned on site: the communication module fitted to it
    ct_ratio: Ratio | None = None
    pt_ratio: Ratio | None = None
    point: PointDetails
    remark: Text = ""


class CancelRequest(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def orders(space: Workspace) -> WorkOrderRepository:
    return WorkOrderRepository(space.store, space.ctx)


def sees_all(space: Workspace) -> bool:
    return space.ctx.can(MODULE, "view")


def visible(space: Workspace, order_id: str) -> WorkOrder:
    """An order the caller may see: any order with work-orders:view, else only their own."""
    order = orders(space).get(order_id)
    if order is None or not (sees_all(space) or order.installer == space.ctx.username):
        raise NotFound(f"work order '{order_id}' does not exist")
    return order


def assign(space: Workspace, request: AssignRequest) -> list[WorkOrder]:
    space.ctx.require(MODULE, "create")
    installer = OperatorRepository(space.store, space.ctx.tenant_id).get(request.installer)
    if installer is None or installer.barred:
        raise InvalidInput.for_field("installer", f"'{request.installer}' is not an active operator of this tenant")
    unique_serials(request.serials, "serials")
    moment = now_text()
    made: list[WorkOrder] = []
    operations: list[Guarded] = []
    for position, serial in enumerate(request.serials):
        meter = space.meters.get(serial)
        if meter is None:
            raise InvalidInput.for_field(f"serials[{position}]", f"meter '{serial}' does not exist")
        if meter.state not in REGISTRABLE_STATES:
            message = f"meter '{serial}' is {meter.state.value}, not in stock"
            raise Conflict(message, [FieldProblem(f"serials[{position}]", message)])
        order = WorkOrder(
            order_id=new_id(),
            serial=serial,
            installer=installer.username,
            assigned_date=request.date.isoformat(),
            remark=request.remark,
            assigned_by=space.ctx.username,
            created_at=moment,
            updated_at=moment,
        )
        operations += orders(space).creation(order)
        operations.append(orders(space).audit("assign", None, order))
        made.append(order)
    space.commit(operations)
    return made


def _acting(space: Workspace, order_id: str) -> WorkOrder:
    """The open order the caller may work on: their own (work-orders:execute) or any (work-orders:update)."""
    order = visible(space, order_id)
    own = order.installer == space.ctx.username and space.ctx.can(MODULE, "execute")
    if not (own or space.ctx.can(MODULE, "update")):
        raise Forbidden(f"permission {MODULE}:execute on your own orders, or {MODULE}:update, is needed")
    if not order.is_open:
        raise Conflict(f"work order '{order_id}' is {order.state.value}")
    return order


def start(space: Workspace, order_id: str) -> WorkOrder:
    order = _acting(space, order_id)
    if order.state is WorkOrderState.IN_PROGRESS:
        return order
    started = replace(order, state=WorkOrderState.IN_PROGRESS, started_at=now_text())
    space.commit([*orders(space).save(order, started), orders(space).audit("start", order, started)])
    return visible(space, order_id)


def cancel(space: Workspace, order_id: str, request: CancelRequest) -> WorkOrder:
    space.ctx.require(MODULE, "update")
    order = _acting(space, order_id)
    cancelled = replace(order, state=WorkOrderState.CANCELLED, finished_at=now_text(), cancel_reason=request.reason)
    space.commit([*orders(space).save(order, cancelled), orders(space).audit("cancel", order, cancelled)])
    return visible(space, order_id)


def complete(space: Workspace, order_id: str, request: CompletionRequest) -> WorkOrder:
    order = _acting(space, order_id)
    if request.meter_sn != order.serial:
        raise InvalidInput.for_field("meter_sn", f"this order installs meter '{order.serial}'")
    meter = space.meters.require(order.serial)
    if request.module_sn is not None:
        _check_module(space, order.serial, request.module_sn, meter.module_id)
    point_request = NewPoint.model_validate({**request.point.model_dump(), "serial": order.serial})
    point, operations = point_operations(space, point_request, prefix="point.", extra={"module_sn": request.module_sn})
    operations += _ratio_operations(space, order.serial, request)
    completion: dict[str, Any] = {
        "meter_sn": request.meter_sn,
        "module_sn": request.module_sn,
        "ct_ratio": request.ct_ratio or meter.ct_ratio,
        "pt_ratio": request.pt_ratio or meter.pt_ratio,
        "point": point,
        "remark": request.remark,
    }
    done = replace(order, state=WorkOrderState.COMPLETED, finished_at=now_text(), completion=completion)
    space.commit([*operations, *orders(space).save(order, done), orders(space).audit("complete", order, done)])
    if request.module_sn is not None and meter.module_id != request.module_sn:
        BindingService(space.store, space.ctx).bind(order.serial, request.module_sn)
    return visible(space, order_id)


def _check_module(space: Workspace, serial: str, module_sn: str, bound_module: str | None) -> None:
    """The binding that follows the completion must not fail: check it before anything is written."""
    device = DeviceRepository(space.store, space.ctx).get(module_sn)
    if device is None or device.kind is not DeviceKind.MODULE:
        raise InvalidInput.for_field("module_sn", f"there is no communication module '{module_sn}'")
    if device.meter_serial not in (None, serial):
        raise Conflict(
            f"module '{module_sn}' is fitted to meter '{device.meter_serial}'",
            [FieldProblem("module_sn", "fitted to another meter")],
        )
    if bound_module not in (None, module_sn):
        raise Conflict(
            f"meter '{serial}' already has module '{bound_module}'", [FieldProblem("module_sn", "meter has a module")]
        )


def _ratio_operations(space: Workspace, serial: str, request: CompletionRequest) -> list[Guarded]:
    """The CT/PT ratio set on site goes to the meter, and to its contract if it has an active one."""
    if request.ct_ratio is None and request.pt_ratio is None:
        return []
    meter = space.meters.require(serial)
    ct, pt = request.ct_ratio or meter.ct_ratio, request.pt_ratio or meter.pt_ratio
    operations: list[Guarded] = []
    if (ct, pt) != (meter.ct_ratio, meter.pt_ratio):
        operations += space.meters.changes_operations([(meter, replace(meter, ct_ratio=ct, pt_ratio=pt))])
    contract = space.contracts.get(serial)
    if (
        contract is not None
        and contract.status.value == "active"
        and (ct, pt) != (contract.ct_ratio, contract.pt_ratio)
    ):
        operations.append(space.contracts.save(contract, replace(contract, ct_ratio=ct, pt_ratio=pt)))
    return operations
