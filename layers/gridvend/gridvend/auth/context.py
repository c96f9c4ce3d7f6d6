"""Who is acting and for which tenant: built once from the verified token, passed everywhere else."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gridvend.errors import Forbidden, InvalidInput
from gridvend.tenancy.calendar import TenantCalendar

PLATFORM_TENANT = "platform"
PLATFORM_OPERATOR_ROLE = "platform-operator"
ADMIN_ROLE = "admin"
TENANT_ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")


def validate_tenant_id(tenant_id: str, field_name: str = "id") -> str:
    if not TENANT_ID_PATTERN.match(tenant_id):
        raise InvalidInput.for_field(
            field_name, "3-32 characters: lower-case letters, digits and hyphens, starting with a letter"
        )
    return tenant_id


@dataclass(frozen=True)
class TenantContext:
    tenant_id: str
    user_id: str
    username: str
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    sales_point_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def key_prefix(self) -> str:
        """Every table key of this tenant starts with this; the trailing '#' stops `acme` matching `acme2`."""
        return f"T#{self.tenant_id}#"

    @property
    def calendar(self) -> TenantCalendar:
        """The tenant's days and months (its time zone, carried in from its settings)."""
        return TenantCalendar.named(self.extra.get("timezone"))

    @property
    def is_platform_operator(self) -> bool:
        return self.tenant_id == PLATFORM_TENANT and PLATFORM_OPERATOR_ROLE in self.roles

    def can(self, module: str, action: str) -> bool:
        granted = self.permissions
        return "*" in granted or f"{module}:{action}" in granted or f"{module}:*" in granted

    def require(self, module: str, action: str) -> None:
        if not self.can(module, action):
            raise Forbidden(f"permission {module}:{action} is needed")

    def require_platform_operator(self) -> None:
        if not self.is_platform_operator:
            raise Forbidden("only a platform operator may do this")


def system_context(tenant_id: str, reason: str = "system") -> TenantContext:
    """A context for jobs the platform runs inside one tenant (onboarding, stream handlers)."""
    return TenantContext(tenant_id=tenant_id, user_id=reason, username=reason, permissions=frozenset({"*"}))
