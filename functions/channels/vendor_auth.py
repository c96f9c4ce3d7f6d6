"""Who calls the third-party vending API: the vendor whose API key is in the `X-Api-Key` header. The tenant is
the one the key names, and counts only once the key's secret matches the hash kept in that tenant's partition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalice.app import Request

from functions.common.deps import tenant_store
from functions.common.observability import observe_tenant
from gridvend.auth.context import TenantContext, system_context
from gridvend.channels.api_keys import parse_key, secret_matches
from gridvend.errors import Unauthenticated
from gridvend.store.channels import Agent, AgentRepository
from gridvend.store.items import ItemStore
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from gridvend.store.vendor_api import VendorApiRepository

API_KEY_HEADER = "x-api-key"
_REFUSED = "a valid, active API key is required in the X-Api-Key header"


@dataclass(frozen=True)
class VendorCaller:
    ctx: TenantContext
    store: ItemStore
    vendor: Agent
    decimals: int


def vendor_caller(request: Request) -> VendorCaller:
    headers: Any = request.headers or {}
    presented = parse_key(str(headers.get(API_KEY_HEADER) or ""))
    if presented is None:
        raise Unauthenticated(_REFUSED)
    store = tenant_store(presented.tenant_id)
    tenant = own_tenant_settings(store, presented.tenant_id)
    if tenant is None or tenant.get("status") != "active":
        raise Unauthenticated(_REFUSED)
    reader = system_context(presented.tenant_id, "vendor-api")
    key = VendorApiRepository(store, reader).key(presented.key_id)
    if (
        key is None
        or key["status"] != "active"
        or not secret_matches(presented.key_id, presented.secret, key["secret_hash"])
    ):
        raise Unauthenticated(_REFUSED)
    vendor = AgentRepository(store, reader).get(key["vendor"])
    if vendor is None or vendor.kind != "vendor" or vendor.status != "active":
        raise Unauthenticated(_REFUSED)
    ctx = TenantContext(
        tenant_id=presented.tenant_id,
        user_id=f"vendor:{vendor.agent_id}",
        username=f"vendor:{vendor.agent_id}",
        permissions=frozenset({"vending:create", "vending:view"}),
        sales_point_id=vendor.sales_point,
        extra=tenant_context_fields(tenant),
    )
    observe_tenant(ctx.tenant_id, ctx.username)
    return VendorCaller(ctx, store, vendor, int(tenant.get("decimals", 2)))
