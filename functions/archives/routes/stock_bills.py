"""`/v1/stock-bills`: meter stock-in and stock-out bills; `/v1/stock-bills/<id>/check|uncheck` approve them
(the meters move when a bill is checked) or take the approval back."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, query
from functions.common.routing import route
from gridvend.auth.context import TenantContext
from gridvend.bills.model import Bill, BillStatus
from gridvend.bills.service import BillService
from gridvend.errors import InvalidInput
from gridvend.meters.serials import normal_serial
from gridvend.meters.stock_bills import STOCK_IN, STOCK_OUT, stock_bill_service

stock_bill_routes = Blueprint(__name__)
DIRECTIONS = {"in": STOCK_IN, "out": STOCK_OUT}
READ_ONLY_FIELDS = (
    "id", "type", "direction", "number", "status", "lines", "created_by", "created_at", "updated_at",
    "checked_by", "checked_at",
)


def _service(ctx: TenantContext) -> BillService:
    return stock_bill_service(tenant_store(ctx.tenant_id), ctx)


def _shown(bill: Bill) -> dict[str, Any]:
    return {"direction": "in" if bill.bill_type == STOCK_IN else "out", **bill.public()}


def _bill_type(direction: Any) -> str:
    if direction not in DIRECTIONS:
        raise InvalidInput.for_field("direction", "in or out")
    return DIRECTIONS[direction]


@route(stock_bill_routes, "/v1/stock-bills", ["POST"])
def create_stock_bill() -> Response:
    ctx = tenant_context(stock_bill_routes.current_request)
    ctx.require("stock-bills", "create")
    payload = json_object(stock_bill_routes.current_request)
    bill_type = _bill_type(payload.pop("direction", None))
    return json_response(_shown(_service(ctx).create(bill_type, payload)), status_code=201)


@route(stock_bill_routes, "/v1/stock-bills", ["GET"])
def list_stock_bills() -> dict[str, Any]:
    ctx = tenant_context(stock_bill_routes.current_request)
    ctx.require("stock-bills", "view")
    params = query(stock_bill_routes.current_request)
    service = _service(ctx)
    number = params.get("number", "").strip()
    if number:
        found = service.bills.by_number(number)
        return {"items": [_shown(found)] if found and found.bill_type in service.bill_types else [],
                "next_cursor": None}
    bill_type = _bill_type(params.get("direction"))
    status_text = params.get("status") or None
    if status_text is not None and status_text not in BillStatus.__members__.values():
        raise InvalidInput.for_field("status", "draft or checked")
    status = BillStatus(status_text) if status_text else None
    partition, _ = service.bills.list_partition(bill_type, status)
    start = decode_cursor(params, ctx.key_prefix, partition)
    serial = normal_serial(params.get("serial", "")) or None
    bills, next_key = service.page(bill_type, status, term=serial, limit=page_size(params), start_key=start)
    return {"items": [_shown(bill) for bill in bills], "next_cursor": encode_cursor(next_key)}


@route(stock_bill_routes, "/v1/stock-bills/{bill_id}", ["GET"])
def get_stock_bill(bill_id: str) -> dict[str, Any]:
    ctx = tenant_context(stock_bill_routes.current_request)
    ctx.require("stock-bills", "view")
    return _shown(_service(ctx).get(bill_id))


@route(stock_bill_routes, "/v1/stock-bills/{bill_id}", ["PATCH"])
def update_stock_bill(bill_id: str) -> dict[str, Any]:
    ctx = tenant_context(stock_bill_routes.current_request)
    ctx.require("stock-bills", "update")
    changes = json_object(stock_bill_routes.current_request)
    for read_only in READ_ONLY_FIELDS:
        changes.pop(read_only, None)
    expected_version = changes.get("version")
    if expected_version is not None and (not isinstance(expected_version, int) or isinstance(expected_version, bool)):
        raise InvalidInput.for_field("version", "must be a whole number")
    return _shown(_service(ctx).update(bill_id, changes))


@route(stock_bill_routes, "/v1/stock-bills/{bill_id}", ["DELETE"])
def delete_stock_bill(bill_id: str) -> Response:
    ctx = tenant_context(stock_bill_routes.current_request)
    ctx.require("stock-bills", "delete")
    _service(ctx).delete(bill_id)
    return Response(body="", status_code=204)


@route(stock_bill_routes, "/v1/stock-bills/{bill_id}/check", ["POST"])
def check_stock_bill(bill_id: str) -> dict[str, Any]:
    ctx = tenant_context(stock_bill_routes.current_request)
    return _shown(_service(ctx).check(bill_id))


@route(stock_bill_routes, "/v1/stock-bills/{bill_id}/uncheck", ["POST"])
def uncheck_stock_bill(bill_id: str) -> dict[str, Any]:
    ctx = tenant_context(stock_bill_routes.current_request)
    return _shown(_service(ctx).uncheck(bill_id))
