"""Login (public), password change, the signing keys and who-am-I."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import identity_directory, settings, tenant_store
from functions.common.requests import body_as
from functions.common.routing import route
from functions.tenants import service
from gridvend.auth.tokens import published_jwks
from gridvend.store.tenants import own_tenant_settings

auth_routes = Blueprint(__name__)


@route(auth_routes, "/v1/auth/login", ["POST"], public=True)  # public: no authorizer
def login() -> Response:
    request = auth_routes.current_request
    credentials = body_as(request, service.LoginRequest)
    source = (request.context or {}).get("identity", {}).get("sourceIp", "")
    # No token yet: the tenant named in the request scopes the store, and login looks only inside it.
    store = tenant_store(credentials.tenant)
    return json_response(service.login(store, settings(), credentials, source, identity_directory()))


@route(auth_routes, "/v1/auth/refresh", ["POST"], public=True)  # public: the refresh token is the credential
def refresh() -> Response:
    request = body_as(auth_routes.current_request, service.RefreshRequest)
    return json_response(service.refresh(tenant_store(request.tenant), request, identity_directory()))


@route(auth_routes, "/v1/auth/jwks.json", ["GET"], public=True)  # public: the verification keys
def jwks() -> dict[str, Any]:
    return published_jwks(settings())


@route(auth_routes, "/v1/auth/password", ["POST"])
def change_password() -> Response:
    ctx = tenant_context(auth_routes.current_request)
    change = body_as(auth_routes.current_request, service.PasswordChange)
    service.change_password(tenant_store(ctx.tenant_id), ctx, change, identity_directory())
    return Response(body="", status_code=204)


@route(auth_routes, "/v1/me", ["GET"])
def who_am_i() -> dict[str, Any]:
    ctx = tenant_context(auth_routes.current_request)
    return {
        "tenant": ctx.tenant_id,
        "user_id": ctx.user_id,
        "username": ctx.username,
        "roles": sorted(ctx.roles),
        "permissions": sorted(ctx.permissions),
        "sales_point_id": ctx.sales_point_id,
        "settings": own_tenant_settings(tenant_store(ctx.tenant_id), ctx.tenant_id),
    }
