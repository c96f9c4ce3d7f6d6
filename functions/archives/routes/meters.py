"""`/v1/meters`: register and list meters; `/v1/meters/<serial>`: read, change, and its state history."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, parse_model, query
from functions.common.routing import route
from gridvend.errors import InvalidInput
from gridvend.meters.schemas import READ_ONLY_FIELDS, MeterPatch, NewMeter
from gridvend.meters.serials import normal_serial
from gridvend.meters.service import MeterService
from gridvend.meters.states import MeterState
from gridvend.store.meters import MeterQuery

meter_routes = Blueprint(__name__)


def _meter_query(params: dict[str, str]) -> MeterQuery:
    status = params.get("status") or None
    if status is not None and status not in MeterState.__members__.values():
        raise InvalidInput.for_field("status", f"one of {', '.join(state.value for state in MeterState)}")
    return MeterQuery(
        state=MeterState(status) if status else None,
        branch_id=params.get("branch") or None,
        model_id=params.get("model") or None,
        concentrator_id=params.get("concentrator") or None,
        serial_prefix=normal_serial(params.get("q", "")) or None,
    )


@route(meter_routes, "/v1/meters", ["POST"])
def create_meter() -> Response:
    ctx = tenant_context(meter_routes.current_request)
    ctx.require("meters", "create")
    request = parse_model(NewMeter, json_object(meter_routes.current_request))
    return json_response(MeterService(tenant_store(ctx.tenant_id), ctx).create(request), status_code=201)


@route(meter_routes, "/v1/meters", ["GET"])
def list_meters() -> dict[str, Any]:
    ctx = tenant_context(meter_routes.current_request)
    ctx.require("meters", "view")
    params = query(meter_routes.current_request)
    meter_query = _meter_query(params)
    service = MeterService(tenant_store(ctx.tenant_id), ctx)
    start = decode_cursor(params, ctx.key_prefix, service.meters.plan(meter_query).partition)
    meters, next_key = service.page(meter_query, limit=page_size(params), start_key=start)
    return {"items": meters, "next_cursor": encode_cursor(next_key)}


@route(meter_routes, "/v1/meters/{serial}", ["GET"])
def get_meter(serial: str) -> dict[str, Any]:
    ctx = tenant_context(meter_routes.current_request)
    ctx.require("meters", "view")
    return MeterService(tenant_store(ctx.tenant_id), ctx).get(normal_serial(serial))


@route(meter_routes, "/v1/meters/{serial}", ["PATCH"])
def update_meter(serial: str) -> dict[str, Any]:
    ctx = tenant_context(meter_routes.current_request)
    ctx.require("meters", "update")
    changes = json_object(meter_routes.current_request)
    if normal_serial(str(changes.pop("serial", serial))) != normal_serial(serial):
        raise InvalidInput.for_field("serial", "a meter's serial cannot change")
    for read_only in READ_ONLY_FIELDS:
        changes.pop(read_only, None)
    patch = parse_model(MeterPatch, changes)
    return MeterService(tenant_store(ctx.tenant_id), ctx).update(normal_serial(serial), patch)


@route(meter_routes, "/v1/meters/{serial}/history", ["GET"])
def meter_history(serial: str) -> dict[str, Any]:
    ctx = tenant_context(meter_routes.current_request)
    ctx.require("meters", "view")
    return {"items": MeterService(tenant_store(ctx.tenant_id), ctx).history(normal_serial(serial))}
