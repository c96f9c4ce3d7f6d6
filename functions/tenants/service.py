"""Login, lockout, password change and tenant suspension: plain functions over the store and the identity
directory (gridvend.auth.identity: local hashes and issuer, or Cognito)."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from gridvend.auth.context import PLATFORM_TENANT, TenantContext
from gridvend.auth.identity import IdentityDirectory, SignedIn
from gridvend.auth.passwords import check_password_policy, hash_password, verify_password
from gridvend.clock import utc_now
from gridvend.config import Settings
from gridvend.errors import Forbidden, Locked, Unauthenticated
from gridvend.store.items import ItemStore
from gridvend.store.tenants import TenantRegistry, own_tenant_settings
from gridvend.store.users import Operator, OperatorRepository
from gridvend.tenancy.settings import TenantStatus

BAD_CREDENTIALS = "tenant, username or password is wrong"
SIGN_IN_AGAIN = "this session has ended; sign in again"


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this for unknown users keeps their failures as slow as a wrong password."""
    return hash_password("timing-equaliser-not-a-password")


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    tenant: Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True)]
    username: Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    tenant: Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True)]
    username: Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True)]
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


def login(
    store: ItemStore, settings: Settings, request: LoginRequest, source: str, directory: IdentityDirectory
) -> dict[str, Any]:
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
    signed_in = directory.sign_in(request.tenant, operator, request.password)
    if signed_in is None:
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
    return _token_answer(signed_in, request.tenant, operator)


def refresh(store: ItemStore, request: RefreshRequest, directory: IdentityDirectory) -> dict[str, Any]:
    """A new access token for the refresh token given at sign-in, while the operator may still sign in."""
    if request.tenant != PLATFORM_TENANT:
        tenant = own_tenant_settings(store, request.tenant)
        if tenant is None or tenant.get("status") != "active":
            raise Unauthenticated(SIGN_IN_AGAIN)
    operator = OperatorRepository(store, request.tenant).get(request.username)
    if operator is None or operator.barred or (operator.locked_until or "") > utc_now().isoformat():
        raise Unauthenticated(SIGN_IN_AGAIN)
    signed_in = directory.refresh(request.tenant, operator, request.refresh_token)
    if signed_in is None:
        raise Unauthenticated(SIGN_IN_AGAIN)
    return _token_answer(signed_in, request.tenant, operator)


def _token_answer(signed_in: SignedIn, tenant_id: str, operator: Operator) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "access_token": signed_in.access_token,
        "token_type": "Bearer",
        "expires_in": signed_in.expires_in,
        "tenant": tenant_id,
        "username": operator.username,
    }
    if signed_in.refresh_token:
        answer["refresh_token"] = signed_in.refresh_token
    return answer


def change_password(store: ItemStore, ctx: TenantContext, change: PasswordChange, directory: IdentityDirectory) -> None:
    operators = OperatorRepository(store, ctx.tenant_id)
    operator: Operator = operators.require(ctx.username)
    if directory.sign_in(ctx.tenant_id, operator, change.current_password) is None:
        raise Forbidden("the current password is wrong")
    check_password_policy(change.new_password, "new_password")
    directory.set_password(ctx.tenant_id, operator, change.new_password)
    stored_hash = directory.stored_password_hash(change.new_password)
    operators.save(ctx, operator, replace(operator, password_hash=stored_hash), action="change-password",
                   revoke_tokens=True)
    directory.sign_out_everywhere(ctx.tenant_id, operator)


def set_tenant_status(
    store: ItemStore, directory: IdentityDirectory, operator: TenantContext, tenant_id: str, status: TenantStatus
) -> dict[str, Any]:
    """Suspends or resumes a tenant: its record, then its operators in the directory (disabled while
    suspended, so that they cannot get a token there either)."""
    record = TenantRegistry(store).set_status(operator, tenant_id, status)
    directory.set_tenant_enabled(tenant_id, status == TenantStatus.ACTIVE)
    return record
