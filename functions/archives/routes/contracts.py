"""`/v1/contracts/<serial>`: a meter's contract: read it, change its terms, cancel it, replace the meter,
change its pay type. `/v1/points-of-collection`: where customers' meters sit on the network."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.archives.customers_service import shown_record, workspace
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, parse_model, query
from functions.common.routing import route
from gridvend.auth.context import TenantContext
from gridvend.customers.changes import cancel_contract, change_contract
from gridvend.customers.model import Contract
from gridvend.customers.pay_type import change_pay_type
from gridvend.customers.points import create_point, delete_point, parsed_point, update_point
from gridvend.customers.presented import shown_contract
from gridvend.customers.replacement import replace_meter
from gridvend.customers.schemas import CancelContractRequest, PayTypeChangeRequest, ReplacementRequest
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput
from gridvend.meters.serials import normal_serial
from gridvend.store.contracts import PointRepository
from gridvend.store.customers import normal_code

contract_routes = Blueprint(__name__)


def _space(module: str, action: str) -> Workspace:
    ctx: TenantContext = tenant_context(contract_routes.current_request)
    ctx.require(module, action)
    return workspace(tenant_store(ctx.tenant_id), ctx)


def _outcome(space: Workspace, contract: Contract, record: dict[str, Any]) -> dict[str, Any]:
    return {"contract": shown_contract(contract, space.decimals), "record": shown_record(record, space.decimals)}


@route(contract_routes, "/v1/contracts/{serial}", ["GET"])
def get_contract(serial: str) -> dict[str, Any]:
    space = _space("contracts", "view")
    contract = space.contracts.require(normal_serial(serial))
    customer = space.customers.require(contract.customer_code)
    return {**shown_contract(contract, space.decimals), "customer": customer.public()}


@route(contract_routes, "/v1/contracts/{serial}", ["PATCH"])
def change_contract_information(serial: str) -> dict[str, Any]:
    space = _space("contracts", "update")
    changes = json_object(contract_routes.current_request)
    version = changes.pop("version", None)
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise InvalidInput.for_field("version", "must be a whole number")
    if "serial" in changes and normal_serial(str(changes.pop("serial"))) != normal_serial(serial):
        raise InvalidInput.for_field("serial", "a contract's meter changes by a replacement")
    return shown_contract(change_contract(space, normal_serial(serial), changes, version), space.decimals)


@route(contract_routes, "/v1/contracts/{serial}/cancel", ["POST"])
def cancel_meter_contract(serial: str) -> dict[str, Any]:
    space = _space("contracts", "cancel")
    request = parse_model(CancelContractRequest, json_object(contract_routes.current_request))
    return _outcome(space, *cancel_contract(space, normal_serial(serial), request))


@route(contract_routes, "/v1/contracts/{serial}/replace", ["POST"])
def replace_contract_meter(serial: str) -> dict[str, Any]:
    space = _space("contracts", "replace")
    request = parse_model(ReplacementRequest, json_object(contract_routes.current_request))
    return _outcome(space, *replace_meter(space, normal_serial(serial), request))


@route(contract_routes, "/v1/contracts/{serial}/pay-type", ["POST"])
def change_contract_pay_type(serial: str) -> dict[str, Any]:
    space = _space("contracts", "change-pay-type")
    request = parse_model(PayTypeChangeRequest, json_object(contract_routes.current_request))
    return _outcome(space, *change_pay_type(space, normal_serial(serial), request))


@route(contract_routes, "/v1/points-of-collection", ["POST"])
def create_point_of_collection() -> Response:
    space = _space("points-of-collection", "create")
    request = parsed_point(json_object(contract_routes.current_request))
    return json_response(create_point(space, request), status_code=201)


@route(contract_routes, "/v1/points-of-collection", ["GET"])
def list_points_of_collection() -> dict[str, Any]:
    space = _space("points-of-collection", "view")
    params = query(contract_routes.current_request)
    customer = normal_code(params.get("customer", "")) or None
    grid = params.get("grid") or None
    points = PointRepository(space.store, space.ctx)
    partition, _ = points.list_partition(customer, grid)
    start = decode_cursor(params, space.ctx.key_prefix, partition)
    found, next_key = points.page(customer, grid, limit=page_size(params), start_key=start)
    return {"items": found, "next_cursor": encode_cursor(next_key)}


@route(contract_routes, "/v1/points-of-collection/{serial}", ["GET"])
def get_point_of_collection(serial: str) -> dict[str, Any]:
    space = _space("points-of-collection", "view")
    return PointRepository(space.store, space.ctx).require(normal_serial(serial))


@route(contract_routes, "/v1/points-of-collection/{serial}", ["PATCH"])
def change_point_of_collection(serial: str) -> dict[str, Any]:
    space = _space("points-of-collection", "update")
    changes = json_object(contract_routes.current_request)
    version = changes.pop("version", None)
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise InvalidInput.for_field("version", "must be a whole number")
    for read_only in ("serial", "created_at", "created_by", "updated_at", "module_sn"):
        changes.pop(read_only, None)
    return update_point(space, normal_serial(serial), changes, version)


@route(contract_routes, "/v1/points-of-collection/{serial}", ["DELETE"])
def delete_point_of_collection(serial: str) -> Response:
    space = _space("points-of-collection", "delete")
    delete_point(space, normal_serial(serial))
    return Response(body="", status_code=204)
