"""Login, lockout and password change: plain functions over the store."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from gridvend.auth.context import PLATFORM_TENANT, TenantContext
from gridvend.auth.passwords import check_password_policy, hash_password, verify_password
from gridvend.auth.tokens import issue_access_token
from gridvend.config import Settings
from gridvend.errors import Forbidden, Locked, Unauthenticated
from gridvend.store.audit import utc_now
from gridvend.store.items import ItemStore
from gridvend.store.tenants import own_tenant_settings
from gridvend.store.users import Operator, OperatorRepository

BAD_CREDENTIALS = "tenant, username or password is wrong"


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this for unknown users keeps their failures as slow as a wrong password."""
    return hash_password("timing-equaliser-not-a-password")


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    tenant: Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True)]
    username: Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


def login(store: ItemStore, settings: Settings, request: LoginRequest, source: str) -> dict[str, Any]:
    operators = OperatorRepository(store, request.tenant)
    if request.tenant != PLATFORM_TENANT:
        tenant = own_tenant_settings(store, request.tenant)
        if tenant is None:
            verify_password(_dummy_hash(), request.password)
            raise Unauthenticated(BAD_CREDENTIALS)
        if tenant.get("status") != "active":
            operators.record_login(request.username, False, "tenant suspended", source)
            raise Forbidden("this tenant is suspended; its users cannot log in")
    operator = operators.get(request.username)
    if operator is None:
        verify_password(_dummy_hash(), request.password)
        operators.record_login(request.username, False, "unknown user", source)
        raise Unauthenticated(BAD_CREDENTIALS)
    now = utc_now()
    if operator.locked_until and operator.locked_until > now.isoformat():
        operators.record_login(operator.username, False, "locked", source)
        raise Locked(f"too many failed logins; try again after {operator.locked_until}")
    if operator.barred:
        operators.record_login(operator.username, False, "barred", source)
        raise Forbidden("this operator is barred from logging in")
    if not verify_password(operator.password_hash, request.password):
        failures = operator.failed_logins + 1
        locked_until = None
        if failures >= settings.login_failures_before_lockout:
            locked_until = (now + timedelta(minutes=settings.lockout_minutes)).isoformat()
            failures = 0
        operators.save(None, operator, replace(operator, failed_logins=failures, locked_until=locked_until))
        operators.record_login(operator.username, False, "wrong password", source)
        raise Unauthenticated(BAD_CREDENTIALS)
    if operator.failed_logins or operator.locked_until:
        operators.save(None, operator, replace(operator, failed_logins=0, locked_until=None))
    operators.record_login(operator.username, True, "ok", source)
    token, lifetime = issue_access_token(
        settings,
        subject=operator.user_id,
        tenant_id=request.tenant,
        username=operator.username,
        groups=operator.roles,
        sales_point_id=operator.sales_point_id,
    )
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "tenant": request.tenant,
        "username": operator.username,
    }


def change_password(store: ItemStore, ctx: TenantContext, change: PasswordChange) -> None:
    operators = OperatorRepository(store, ctx.tenant_id)
    operator: Operator = operators.require(ctx.username)
    if not verify_password(operator.password_hash, change.current_password):
        raise Forbidden("the current password is wrong")
    check_password_policy(change.new_password, "new_password")
    operators.save(
        ctx, operator, replace(operator, password_hash=hash_password(change.new_password)), action="change-password"
    )
