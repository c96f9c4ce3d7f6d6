"""Creates a tenant with its first admin in one transaction, then its default base data. With a Cognito
identity directory the admin's pool user (and its group) is made first, so that a retry after a failure
finds it and carries on."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from gridvend.archives.kinds import archive_kind
from gridvend.archives.service import ArchiveService
from gridvend.auth.context import ADMIN_ROLE, TenantContext, system_context
from gridvend.auth.identity import IdentityDirectory, LocalDirectory
from gridvend.auth.passwords import check_password_policy, hash_password
from gridvend.config import Settings
from gridvend.errors import Conflict, FieldProblem
from gridvend.store.guarded import commit
from gridvend.store.items import ItemStore
from gridvend.store.tenants import TenantRegistry
from gridvend.store.users import Operator, OperatorRepository, new_operator_id
from gridvend.tenancy.settings import TenantIdField, TenantSettings
from tenants.defaults import DEFAULT_ARCHIVES

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=40, pattern=r"^[a-z0-9._-]+$")
]


class FirstAdmin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    password: Annotated[str, StringConstraints(min_length=8, max_length=128)]
    display_name: Annotated[str, StringConstraints(max_length=100)] = "Administrator"


class NewTenant(TenantSettings, TenantIdField):
    admin: FirstAdmin


def onboard_tenant(
    store: ItemStore, operator: TenantContext, request: NewTenant, directory: IdentityDirectory | None = None
) -> dict[str, Any]:
    """`directory` defaults to the local one (hashes in the table); the API passes the configured one."""
    directory = directory or LocalDirectory(Settings.from_env())
    check_password_policy(request.admin.password, "admin.password")
    settings = TenantSettings.model_validate(request.model_dump(exclude={"id", "admin"}))
    registry = TenantRegistry(store)
    if registry.get(request.id) is not None:  # before the directory, which must not touch an existing tenant
        raise Conflict(f"tenant '{request.id}' already exists", [FieldProblem("id", "already exists")])
    operations, record = registry.creation_operations(operator, request.id, settings)
    admin = Operator(
        user_id=new_operator_id(),
        username=request.admin.username,
        display_name=request.admin.display_name,
        password_hash=directory.stored_password_hash(request.admin.password),
        roles=[ADMIN_ROLE],
    )
    directory.add_operator(request.id, admin, request.admin.password)
    operations.append(OperatorRepository(store, request.id).creation_operation(admin))
    commit(store, operations)
    seed_default_archives(store, request.id, settings.decimals)
    return record


def seed_default_archives(store: ItemStore, tenant_id: str, decimals: int) -> None:
    ctx = system_context(tenant_id, "onboarding")
    archives = ArchiveService(store, ctx, decimals)
    for kind_name, records in DEFAULT_ARCHIVES.items():
        kind = archive_kind(kind_name)
        for payload in records:
            if archives.repository.get_by_code(kind.name, payload["code"]) is None:
                archives.create(kind, payload)


def platform_operator_record(username: str, password: str) -> Operator:
    return Operator(
        user_id=new_operator_id(),
        username=username,
        display_name="Platform operator",
        password_hash=hash_password(password),
        roles=["platform-operator"],
    )


__all__ = ["NewTenant", "onboard_tenant", "platform_operator_record", "seed_default_archives"]
