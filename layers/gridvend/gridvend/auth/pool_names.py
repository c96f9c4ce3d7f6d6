"""Names in the one Cognito user pool that all tenants share: each username and group carries its tenant
(`acme/admin`, `acme/cashier`), so two tenants can both have an `admin`. Tenant ids and usernames never hold
a '/', so the split is unambiguous and `acme/` can never be a prefix of a name of `acme2`."""

from __future__ import annotations

SEPARATOR = "/"


def tenant_prefix(tenant_id: str) -> str:
    return f"{tenant_id}{SEPARATOR}"


def pool_username(tenant_id: str, username: str) -> str:
    return f"{tenant_prefix(tenant_id)}{username}"


def pool_group(tenant_id: str, role: str) -> str:
    return f"{tenant_prefix(tenant_id)}{role}"


def name_within_tenant(tenant_id: str, name: str) -> str | None:
    """A name from a token as its tenant knows it: `acme/cashier` -> `cashier` for tenant acme, None for any
    other tenant. A name with no tenant part (the local issuer's tokens) is returned unchanged."""
    if SEPARATOR not in name:
        return name
    prefix = tenant_prefix(tenant_id)
    if not name.startswith(prefix) or len(name) == len(prefix):
        return None
    return name[len(prefix) :]
