"""The authorizer (verifies the bearer token) and the one place that builds the TenantContext."""

from __future__ import annotations

import time
from typing import Any

from chalice.app import AuthRequest, AuthResponse, ChaliceAuthorizer, Request

from functions.common.deps import settings, tenant_store
from functions.common.observability import observe_tenant
from gridvend.auth.context import ADMIN_ROLE, PLATFORM_OPERATOR_ROLE, PLATFORM_TENANT, TenantContext
from gridvend.auth.tokens import verify_access_token
from gridvend.errors import Forbidden, Unauthenticated
from gridvend.store.archives import ArchiveRepository
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from gridvend.store.users import Operator, OperatorRepository

PERMISSION_CACHE_SECONDS = 30.0
# How long a process trusts what it read of an operator: a token ends within this after the operator is barred,
# loses a role or gets a new password (the bound is 60 s).
OPERATOR_CACHE_SECONDS = 30.0
_permission_cache: dict[tuple[str, tuple[str, ...]], tuple[float, frozenset[str]]] = {}
_operator_cache: dict[tuple[str, str], tuple[float, Operator | None]] = {}


def _authorize(auth_request: AuthRequest) -> AuthResponse:
    header = auth_request.token or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return AuthResponse(routes=[], principal_id="anonymous")
    try:
        claims = verify_access_token(settings(), token.strip())
    except Unauthenticated:
        return AuthResponse(routes=[], principal_id="anonymous")
    return AuthResponse(routes=["*"], principal_id=claims.subject, context=claims.authorizer_context())


jwt_authorizer = ChaliceAuthorizer("gridvend_jwt", _authorize)


def _role_permissions(ctx_tenant: str, role_ids: tuple[str, ...]) -> frozenset[str]:
    cache_key = (ctx_tenant, role_ids)
    cached = _permission_cache.get(cache_key)
    if cached and time.monotonic() - cached[0] < PERMISSION_CACHE_SECONDS:
        return cached[1]
    reader = TenantContext(tenant_id=ctx_tenant, user_id="authorizer", username="authorizer")
    roles = ArchiveRepository(tenant_store(ctx_tenant), reader)
    granted: set[str] = set()
    for role_id in role_ids:
        record = roles.get("roles", role_id)
        if record is not None:
            granted.update(record.data.get("permissions", []))
    permissions = frozenset(granted)
    _permission_cache[cache_key] = (time.monotonic(), permissions)
    return permissions


def tenant_context(request: Request) -> TenantContext:
    authorizer: dict[str, Any] = (request.context or {}).get("authorizer") or {}
    tenant_id = authorizer.get("tenant_id")
    if not tenant_id:
        raise Unauthenticated("a valid bearer token is required")
    groups = tuple(group for group in str(authorizer.get("groups", "")).split(",") if group)
    username = str(authorizer.get("username", ""))
    observe_tenant(tenant_id, username)
    _require_current_token(tenant_id, username, authorizer)
    if tenant_id == PLATFORM_TENANT:
        permissions = frozenset({"platform:*"}) if PLATFORM_OPERATOR_ROLE in groups else frozenset()
        extra: dict[str, str] = {}
    else:
        tenant = own_tenant_settings(tenant_store(tenant_id), tenant_id)
        if tenant is None or tenant.get("status") != "active":
            raise Forbidden("this tenant is suspended or does not exist")
        permissions = frozenset({"*"}) if ADMIN_ROLE in groups else _role_permissions(tenant_id, groups)
        extra = tenant_context_fields(tenant)
    return TenantContext(
        tenant_id=tenant_id,
        user_id=str(authorizer.get("principalId", "")),
        username=username,
        roles=frozenset(groups),
        permissions=permissions,
        sales_point_id=authorizer.get("sales_point_id") or None,
        extra=extra,
    )


def _operator(tenant_id: str, username: str) -> Operator | None:
    cache_key = (tenant_id, username)
    cached = _operator_cache.get(cache_key)
    if cached and time.monotonic() - cached[0] < OPERATOR_CACHE_SECONDS:
        return cached[1]
    operator = OperatorRepository(tenant_store(tenant_id), tenant_id).get(username)
    _operator_cache[cache_key] = (time.monotonic(), operator)
    return operator


def _require_current_token(tenant_id: str, username: str, authorizer: dict[str, Any]) -> None:
    """A token outlives nothing that ended it: its operator must still exist, not be barred, and not have had its
    tokens revoked (role, sales point or password changed) after the token was issued."""
    operator = _operator(tenant_id, username)
    issued_at = int(str(authorizer.get("issued_at") or 0))
    if operator is None or not operator.accepts_token_issued_at(issued_at):
        raise Unauthenticated("this token is no longer valid; sign in again")


def clear_permission_cache() -> None:
    _permission_cache.clear()
    _operator_cache.clear()


__all__ = ["clear_permission_cache", "jwt_authorizer", "tenant_context"]
