"""`/v1/register-bills`: register customers with their meter contracts (checked to take effect);
`/v1/customers`: search, read, change customer information, add contracts, close the account."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.archives.customers_service import (
    customer_with_contracts,
    decimals_of,
    register_bill_service,
    search_customers,
    search_partition,
    shown_record,
    workspace,
)
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, parse_model, query
from functions.common.routing import route
from gridvend.auth.context import TenantContext
from gridvend.bills.model import BillStatus
from gridvend.customers.changes import add_contract, change_customer
from gridvend.customers.closing import close_account
from gridvend.customers.presented import shown_contract
from gridvend.customers.registration import BILL_TYPE, shown_register_bill
from gridvend.customers.schemas import AddContractRequest, CloseAccountRequest
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput
from gridvend.meters.serials import normal_serial
from gridvend.store.customers import normal_code

customer_routes = Blueprint(__name__)
BILL_EDITABLE = ("customer", "contracts", "payment", "version")


def _context(module: str, action: str) -> TenantContext:
    ctx = tenant_context(customer_routes.current_request)
    ctx.require(module, action)
    return ctx


def _space(ctx: TenantContext) -> Workspace:
    return workspace(tenant_store(ctx.tenant_id), ctx)


@route(customer_routes, "/v1/register-bills", ["POST"])
def create_register_bill() -> Response:
    ctx = _context("register-bills", "create")
    payload = json_object(customer_routes.current_request)
    bill = register_bill_service(tenant_store(ctx.tenant_id), ctx).create(BILL_TYPE, payload)
    return json_response(shown_register_bill(bill, decimals_of(ctx)), status_code=201)


@route(customer_routes, "/v1/register-bills", ["GET"])
def list_register_bills() -> dict[str, Any]:
    ctx = _context("register-bills", "view")
    params = query(customer_routes.current_request)
    service = register_bill_service(tenant_store(ctx.tenant_id), ctx)
    status_text = params.get("status") or None
    if status_text is not None and status_text not in BillStatus.__members__.values():
        raise InvalidInput.for_field("status", "draft or checked")
    status = BillStatus(status_text) if status_text else None
    partition, _ = service.bills.list_partition(BILL_TYPE, status)
    start = decode_cursor(params, ctx.key_prefix, partition)
    term = normal_serial(params.get("serial", "")) or normal_code(params.get("code", "")) or None
    bills, next_key = service.page(BILL_TYPE, status, term=term, limit=page_size(params), start_key=start)
    shown = [shown_register_bill(bill, decimals_of(ctx)) for bill in bills]
    return {"items": shown, "next_cursor": encode_cursor(next_key)}


@route(customer_routes, "/v1/register-bills/{bill_id}", ["GET"])
def get_register_bill(bill_id: str) -> dict[str, Any]:
    ctx = _context("register-bills", "view")
    bill = register_bill_service(tenant_store(ctx.tenant_id), ctx).get(bill_id)
    return shown_register_bill(bill, decimals_of(ctx))


@route(customer_routes, "/v1/register-bills/{bill_id}", ["PATCH"])
def update_register_bill(bill_id: str) -> dict[str, Any]:
    ctx = _context("register-bills", "update")
    changes = {k: v for k, v in json_object(customer_routes.current_request).items() if k in BILL_EDITABLE}
    version = changes.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise InvalidInput.for_field("version", "must be a whole number")
    bill = register_bill_service(tenant_store(ctx.tenant_id), ctx).update(bill_id, changes)
    return shown_register_bill(bill, decimals_of(ctx))


@route(customer_routes, "/v1/register-bills/{bill_id}", ["DELETE"])
def delete_register_bill(bill_id: str) -> Response:
    ctx = _context("register-bills", "delete")
    register_bill_service(tenant_store(ctx.tenant_id), ctx).delete(bill_id)
    return Response(body="", status_code=204)


@route(customer_routes, "/v1/register-bills/{bill_id}/check", ["POST"])
def check_register_bill(bill_id: str) -> dict[str, Any]:
    ctx = tenant_context(customer_routes.current_request)
    bill = register_bill_service(tenant_store(ctx.tenant_id), ctx).check(bill_id)
    return shown_register_bill(bill, decimals_of(ctx))


@route(customer_routes, "/v1/register-bills/{bill_id}/uncheck", ["POST"])
def uncheck_register_bill(bill_id: str) -> dict[str, Any]:
    ctx = tenant_context(customer_routes.current_request)
    bill = register_bill_service(tenant_store(ctx.tenant_id), ctx).uncheck(bill_id)
    return shown_register_bill(bill, decimals_of(ctx))


@route(customer_routes, "/v1/customers", ["GET"])
def list_customers() -> dict[str, Any]:
    ctx = _context("customers", "view")
    params = query(customer_routes.current_request)
    space = _space(ctx)
    start = decode_cursor(params, ctx.key_prefix, search_partition(space, params))
    customers, next_key = search_customers(space, params, limit=page_size(params), start_key=start)
    return {"items": [customer.public() for customer in customers], "next_cursor": encode_cursor(next_key)}


@route(customer_routes, "/v1/customers/{code}", ["GET"])
def get_customer(code: str) -> dict[str, Any]:
    space = _space(_context("customers", "view"))
    return customer_with_contracts(space, space.customers.require(code))


@route(customer_routes, "/v1/customers/{code}", ["PATCH"])
def change_customer_information(code: str) -> dict[str, Any]:
    space = _space(_context("customers", "update"))
    changes = json_object(customer_routes.current_request)
    version = changes.pop("version", None)
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise InvalidInput.for_field("version", "must be a whole number")
    if "code" in changes and normal_code(str(changes.pop("code"))) != normal_code(code):
        raise InvalidInput.for_field("code", "a customer's code cannot change")
    return customer_with_contracts(space, change_customer(space, code, changes, version))


@route(customer_routes, "/v1/customers/{code}/contracts", ["POST"])
def add_meter_contract(code: str) -> Response:
    space = _space(_context("contracts", "create"))
    request = parse_model(AddContractRequest, json_object(customer_routes.current_request))
    contract, record = add_contract(space, code, request)
    body = {"contract": shown_contract(contract, space.decimals), "record": shown_record(record, space.decimals)}
    return json_response(body, status_code=201)


@route(customer_routes, "/v1/customers/{code}/operations", ["GET"])
def customer_operations(code: str) -> dict[str, Any]:
    space = _space(_context("customers", "view"))
    params = query(customer_routes.current_request)
    operation = params.get("type") or None
    partition, _ = space.records.partition_for(normal_code(code), operation)
    start = decode_cursor(params, space.ctx.key_prefix, partition)
    records, next_key = space.records.page(
        customer_code=code, operation=operation, limit=page_size(params), start_key=start
    )
    return {"items": [shown_record(r, space.decimals) for r in records], "next_cursor": encode_cursor(next_key)}


@route(customer_routes, "/v1/customers/{code}/close", ["POST"])
def close_customer_account(code: str) -> dict[str, Any]:
    space = _space(_context("customers", "close"))
    request = parse_model(CloseAccountRequest, json_object(customer_routes.current_request))
    customer, record = close_account(space, code, request)
    return {"customer": customer_with_contracts(space, customer), "record": shown_record(record, space.decimals)}
