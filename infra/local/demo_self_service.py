"""A self-service login a person can try on `make up`'s page: demo meter 58000000001 with a known code. The code is
demo data like admin/admin123 (the tenant normally issues a random one, shown once). Idempotent: the code is issued
again only when it no longer opens the meter (another code was issued, or too many wrong tries locked it)."""

from __future__ import annotations

from gridvend.auth.context import system_context
from gridvend.auth.passwords import hash_password, verify_password
from gridvend.store.items import ItemStore
from gridvend.store.self_service import MAX_FAILED_LOGINS, SelfServiceCodeRepository

DEMO_SELF_SERVICE_METER = "58000000001"
DEMO_SELF_SERVICE_CODE = "DEMO2026"


def ensure_demo_self_service_code(store: ItemStore, tenant_id: str) -> None:
    codes = SelfServiceCodeRepository(store, system_context(tenant_id, "bootstrap"))
    found = codes.code(DEMO_SELF_SERVICE_METER)
    if found is not None:
        code_hash, failures = found
        if failures < MAX_FAILED_LOGINS and verify_password(code_hash, DEMO_SELF_SERVICE_CODE):
            return
    codes.issue(DEMO_SELF_SERVICE_METER, hash_password(DEMO_SELF_SERVICE_CODE))
