"""Platform operators manage tenants: create (with first admin), list, show, suspend, resume."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import identity_directory, item_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from functions.tenants.service import set_tenant_status
from gridvend.errors import NotFound
from gridvend.store.tenants import REGISTRY_PARTITION, TenantRegistry
from gridvend.tenancy.settings import TenantStatus
from tenants.onboarding import NewTenant, onboard_tenant

platform_routes = Blueprint(__name__)


@route(platform_routes, "/v1/platform/tenants", ["POST"])
def create_tenant() -> Response:
    ctx = tenant_context(platform_routes.current_request)
    ctx.require_platform_operator()
    request = body_as(platform_routes.current_request, NewTenant)
    return json_response(onboard_tenant(item_store(), ctx, request, identity_directory()), status_code=201)


@route(platform_routes, "/v1/platform/tenants", ["GET"])
def list_tenants() -> dict[str, Any]:
    ctx = tenant_context(platform_routes.current_request)
    ctx.require_platform_operator()
    params = query(platform_routes.current_request)
    start = decode_cursor(params, ctx.key_prefix, REGISTRY_PARTITION)
    tenants, next_key = TenantRegistry(item_store()).list(limit=page_size(params), start_key=start)
    return {"items": tenants, "next_cursor": encode_cursor(next_key)}


@route(platform_routes, "/v1/platform/tenants/{tenant_id}", ["GET"])
def show_tenant(tenant_id: str) -> dict[str, Any]:
    ctx = tenant_context(platform_routes.current_request)
    ctx.require_platform_operator()
    found = TenantRegistry(item_store()).get(tenant_id)
    if found is None:
        raise NotFound(f"tenant '{tenant_id}' does not exist")
    return found


@route(platform_routes, "/v1/platform/tenants/{tenant_id}/suspend", ["POST"])
def suspend_tenant(tenant_id: str) -> dict[str, Any]:
    ctx = tenant_context(platform_routes.current_request)
    ctx.require_platform_operator()
    return set_tenant_status(item_store(), identity_directory(), ctx, tenant_id, TenantStatus.SUSPENDED)


@route(platform_routes, "/v1/platform/tenants/{tenant_id}/resume", ["POST"])
def resume_tenant(tenant_id: str) -> dict[str, Any]:
    ctx = tenant_context(platform_routes.current_request)
    ctx.require_platform_operator()
    return set_tenant_status(item_store(), identity_directory(), ctx, tenant_id, TenantStatus.ACTIVE)
