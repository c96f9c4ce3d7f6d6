"""`/v1/operators`: the tenant's users, their roles, sales point and barring."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.archives.operators_service import NewOperator, OperatorService, PasswordReset
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import identity_directory, tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, json_object, page_size, query
from functions.common.routing import route
from gridvend.auth.context import TenantContext
from gridvend.store.users import OperatorRepository, users_partition

operator_routes = Blueprint(__name__)


def _service(ctx: TenantContext) -> OperatorService:
    return OperatorService(tenant_store(ctx.tenant_id), ctx, identity_directory())


@route(operator_routes, "/v1/operators", ["GET"])
def list_operators() -> dict[str, Any]:
    ctx = tenant_context(operator_routes.current_request)
    ctx.require("operators", "view")
    params = query(operator_routes.current_request)
    start = decode_cursor(params, ctx.key_prefix, users_partition(ctx.tenant_id))
    operators, next_key = OperatorRepository(tenant_store(ctx.tenant_id), ctx.tenant_id).page(
        limit=page_size(params), start_key=start, contains=params.get("q") or None
    )
    return {"items": [operator.public() for operator in operators], "next_cursor": encode_cursor(next_key)}


@route(operator_routes, "/v1/operators", ["POST"])
def create_operator() -> Response:
    ctx = tenant_context(operator_routes.current_request)
    ctx.require("operators", "create")
    request = body_as(operator_routes.current_request, NewOperator)
    return json_response(_service(ctx).create(request), status_code=201)


@route(operator_routes, "/v1/operators/{username}", ["GET"])
def get_operator(username: str) -> dict[str, Any]:
    ctx = tenant_context(operator_routes.current_request)
    ctx.require("operators", "view")
    return _service(ctx).get(username)


@route(operator_routes, "/v1/operators/{username}", ["PUT", "PATCH"])
def update_operator(username: str) -> dict[str, Any]:
    ctx = tenant_context(operator_routes.current_request)
    ctx.require("operators", "update")
    return _service(ctx).update(username, json_object(operator_routes.current_request))


@route(operator_routes, "/v1/operators/{username}/password", ["POST"])
def reset_password(username: str) -> Response:
    ctx = tenant_context(operator_routes.current_request)
    ctx.require("operators", "update")
    _service(ctx).reset_password(username, body_as(operator_routes.current_request, PasswordReset))
    return Response(body="", status_code=204)
