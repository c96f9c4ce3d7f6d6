"""Operators of a tenant: roles, sales point, barring; references keep roles and sales points in use."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gridvend.auth.context import ADMIN_ROLE, TenantContext
from gridvend.auth.identity import IdentityDirectory, LocalDirectory
from gridvend.auth.passwords import check_password_policy
from gridvend.config import Settings
from gridvend.errors import Forbidden, InvalidInput
from gridvend.store.archives import ArchiveRepository, Reference
from gridvend.store.guarded import Guarded
from gridvend.store.items import ItemStore
from gridvend.store.users import Operator, OperatorRepository, new_operator_id

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=40, pattern=r"^[a-z0-9._-]+$")
]
RoleId = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]


class OperatorFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    roles: Annotated[list[RoleId], Field(max_length=20)] = []
    sales_point_id: RoleId | None = None
    may_use_other_sales_points: bool = False
    barred: bool = False


class NewOperator(OperatorFields):
    username: Username
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


def _references(operator: Operator) -> list[Reference]:
    references = [
        Reference(f"roles[{position}]", "roles", role)
        for position, role in enumerate(dict.fromkeys(operator.roles))
        if role != ADMIN_ROLE
    ]
    if operator.sales_point_id:
        references.append(Reference("sales_point_id", "sales-points", operator.sales_point_id))
    return references


def _guard_admin_grant(ctx: TenantContext, roles: list[str]) -> None:
    if ADMIN_ROLE in roles and "*" not in ctx.permissions:
        raise Forbidden("only an administrator may grant the admin role")


class OperatorService:
    def __init__(self, store: ItemStore, ctx: TenantContext, directory: IdentityDirectory | None = None) -> None:
        """`directory` keeps passwords and sign-in identities (default: the local one, hashes in the table)."""
        self._ctx = ctx
        self._directory = directory or LocalDirectory(Settings.from_env())
        self._operators = OperatorRepository(store, ctx.tenant_id)
        self._archives = ArchiveRepository(store, ctx)

    def create(self, request: NewOperator) -> dict[str, Any]:
        check_password_policy(request.password)
        _guard_admin_grant(self._ctx, request.roles)
        operator = Operator(
            user_id=new_operator_id(),
            username=request.username,
            display_name=request.display_name,
            password_hash=self._directory.stored_password_hash(request.password),
            roles=list(dict.fromkeys(request.roles)),
            sales_point_id=request.sales_point_id,
            may_use_other_sales_points=request.may_use_other_sales_points,
            barred=request.barred,
        )
        self._operators.create(self._ctx, operator, self.reference_changes([], _references(operator)))
        # After the table, which refuses a taken username before the directory is touched. If this fails, a
        # password reset creates the missing directory user.
        self._directory.add_operator(self._ctx.tenant_id, operator, request.password)
        return operator.public()

    def get(self, username: str) -> dict[str, Any]:
        return self._operators.require(username).public()

    def update(self, username: str, changes: dict[str, Any]) -> dict[str, Any]:
        current = self._operators.require(username)
        shown = current.public()
        merged = {name: shown[name] for name in OperatorFields.model_fields} | changes
        fields = OperatorFields.model_validate(merged)
        _guard_admin_grant(self._ctx, [role for role in fields.roles if role not in current.roles])
        if current.user_id == self._ctx.user_id and fields.barred:
            raise InvalidInput.for_field("barred", "you cannot bar yourself")
        updated = replace(current, **(fields.model_dump() | {"roles": list(dict.fromkeys(fields.roles))}))
        extra = self.reference_changes(_references(current), _references(updated))
        saved = self._operators.save(self._ctx, current, updated, extra=extra)
        self._directory.update_operator(self._ctx.tenant_id, saved)
        if saved.tokens_valid_after != current.tokens_valid_after:
            self._directory.sign_out_everywhere(self._ctx.tenant_id, saved)
        return saved.public()

    def reset_password(self, username: str, reset: PasswordReset) -> None:
        check_password_policy(reset.password)
        current = self._operators.require(username)
        self._directory.set_password(self._ctx.tenant_id, current, reset.password)
        stored_hash = self._directory.stored_password_hash(reset.password)
        updated = replace(current, password_hash=stored_hash, failed_logins=0, locked_until=None)
        self._operators.save(self._ctx, current, updated, action="reset-password", revoke_tokens=True)
        self._directory.sign_out_everywhere(self._ctx.tenant_id, current)

    def reference_changes(self, old: list[Reference], new: list[Reference]) -> list[Guarded]:
        return self._archives.reference_changes(old, new)
