"""`/v1/work-orders`: assign stock meters to installers; installers start and complete their own orders
(meter + module scanned, point of collection, CT/PT ratio); managers see and cancel any."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.archives.customers_service import workspace
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, parse_model, query
from functions.common.routing import route
from gridvend.customers import work_orders
from gridvend.customers.work_order_model import WorkOrderState
from gridvend.customers.work_orders import AssignRequest, CancelRequest, CompletionRequest
from gridvend.customers.workspace import Workspace
from gridvend.errors import Forbidden, InvalidInput

work_order_routes = Blueprint(__name__)


def _space() -> Workspace:
    ctx = tenant_context(work_order_routes.current_request)
    if not (ctx.can(work_orders.MODULE, "view") or ctx.can(work_orders.MODULE, "execute")):
        raise Forbidden(f"permission {work_orders.MODULE}:view or {work_orders.MODULE}:execute is needed")
    return workspace(tenant_store(ctx.tenant_id), ctx)


@route(work_order_routes, "/v1/work-orders", ["POST"])
def assign_work_orders() -> Response:
    space = _space()
    request = parse_model(AssignRequest, json_object(work_order_routes.current_request))
    made = work_orders.assign(space, request)
    return json_response({"items": [order.public() for order in made]}, status_code=201)


@route(work_order_routes, "/v1/work-orders", ["GET"])
def list_work_orders() -> dict[str, Any]:
    space = _space()
    params = query(work_order_routes.current_request)
    state_text = params.get("state") or None
    if state_text is not None and state_text not in WorkOrderState.__members__.values():
        raise InvalidInput.for_field("state", f"one of {', '.join(state.value for state in WorkOrderState)}")
    state = WorkOrderState(state_text) if state_text else None
    installer = (params.get("installer") or "").strip().lower() or None
    if not work_orders.sees_all(space):
        installer = space.ctx.username  # an installer sees their own orders only
    repository = work_orders.orders(space)
    partition, _ = repository.list_partition(installer, state)
    start = decode_cursor(params, space.ctx.key_prefix, partition)
    found, next_key = repository.page(installer, state, limit=page_size(params), start_key=start)
    return {"items": [order.public() for order in found], "next_cursor": encode_cursor(next_key)}


@route(work_order_routes, "/v1/work-orders/{order_id}", ["GET"])
def get_work_order(order_id: str) -> dict[str, Any]:
    return work_orders.visible(_space(), order_id).public()


@route(work_order_routes, "/v1/work-orders/{order_id}/start", ["POST"])
def start_work_order(order_id: str) -> dict[str, Any]:
    return work_orders.start(_space(), order_id).public()


@route(work_order_routes, "/v1/work-orders/{order_id}/complete", ["POST"])
def complete_work_order(order_id: str) -> dict[str, Any]:
    space = _space()
    request = parse_model(CompletionRequest, json_object(work_order_routes.current_request))
    return work_orders.complete(space, order_id, request).public()


@route(work_order_routes, "/v1/work-orders/{order_id}/cancel", ["POST"])
def cancel_work_order(order_id: str) -> dict[str, Any]:
    space = _space()
    request = parse_model(CancelRequest, json_object(work_order_routes.current_request))
    return work_orders.cancel(space, order_id, request).public()
