"""`/v1/devices`: modules, concentrators, SIM cards and HHUs; `/v1/meters/<serial>/bind|unbind` ties a
module or concentrator to a meter."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, json_object, page_size, query
from functions.common.routing import route
from gridvend.meters.binding import BindingService
from gridvend.meters.device_service import DeviceService
from gridvend.meters.devices import DeviceId, device_kind
from gridvend.meters.serials import normal_serial

device_routes = Blueprint(__name__)


class BindRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device_id: DeviceId


@route(device_routes, "/v1/devices", ["POST"])
def create_device() -> Response:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("devices", "create")
    created = DeviceService(tenant_store(ctx.tenant_id), ctx).create(json_object(device_routes.current_request))
    return json_response(created, status_code=201)


@route(device_routes, "/v1/devices", ["GET"])
def list_devices() -> dict[str, Any]:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("devices", "view")
    params = query(device_routes.current_request)
    kind = device_kind(params["kind"]) if params.get("kind") else None
    service = DeviceService(tenant_store(ctx.tenant_id), ctx)
    partition, _ = service.devices.list_partition(kind)
    start = decode_cursor(params, ctx.key_prefix, partition)
    prefix = params.get("q", "").strip().upper()
    devices, next_key = service.page(kind, prefix, limit=page_size(params), start_key=start)
    return {"items": devices, "next_cursor": encode_cursor(next_key)}


@route(device_routes, "/v1/devices/{device_id}", ["GET"])
def get_device(device_id: str) -> dict[str, Any]:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("devices", "view")
    return DeviceService(tenant_store(ctx.tenant_id), ctx).get(device_id.upper())


@route(device_routes, "/v1/devices/{device_id}", ["PATCH"])
def update_device(device_id: str) -> dict[str, Any]:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("devices", "update")
    changes = json_object(device_routes.current_request)
    return DeviceService(tenant_store(ctx.tenant_id), ctx).update(device_id.upper(), changes)


@route(device_routes, "/v1/devices/{device_id}", ["DELETE"])
def delete_device(device_id: str) -> Response:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("devices", "delete")
    DeviceService(tenant_store(ctx.tenant_id), ctx).delete(device_id.upper())
    return Response(body="", status_code=204)


@route(device_routes, "/v1/meters/{serial}/bind", ["POST"])
def bind_device(serial: str) -> dict[str, Any]:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("meters", "update")
    request = body_as(device_routes.current_request, BindRequest)
    return BindingService(tenant_store(ctx.tenant_id), ctx).bind(normal_serial(serial), request.device_id)


@route(device_routes, "/v1/meters/{serial}/unbind", ["POST"])
def unbind_device(serial: str) -> dict[str, Any]:
    ctx = tenant_context(device_routes.current_request)
    ctx.require("meters", "update")
    request = body_as(device_routes.current_request, BindRequest)
    return BindingService(tenant_store(ctx.tenant_id), ctx).unbind(normal_serial(serial), request.device_id)
