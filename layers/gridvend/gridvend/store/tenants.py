"""The tenant registry (platform partition) and each tenant's own copy of its settings."""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import PLATFORM_TENANT, TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, NotFound
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, ItemStore, Put, WriteOp
from gridvend.tenancy.settings import TenantSettings, TenantStatus

REGISTRY_PARTITION = f"T#{PLATFORM_TENANT}#TENANT"


def settings_key(tenant_id: str) -> tuple[str, str]:
    return f"T#{tenant_id}#SETTINGS", "TENANT"


def tenant_record(tenant_id: str, settings: TenantSettings, status: TenantStatus, created_at: str) -> dict[str, Any]:
    return {
        "id": tenant_id,
        **settings.model_dump(mode="json"),
        "status": status.value,
        "created_at": created_at,
    }


class TenantRegistry:
    """Platform-operator view: every tenant. Tenant functions read only their own settings item."""

    def __init__(self, store: ItemStore) -> None:
        self._store = store

    def creation_operations(
        self, operator: TenantContext, tenant_id: str, settings: TenantSettings
    ) -> tuple[list[Guarded], dict[str, Any]]:
        record = tenant_record(tenant_id, settings, TenantStatus.ACTIVE, utc_now().isoformat(timespec="seconds"))
        exists = Conflict(f"tenant '{tenant_id}' already exists", [FieldProblem("id", "already exists")])
        pk, sk = settings_key(tenant_id)
        operations = [
            Guarded(
                Put(
                    {"pk": REGISTRY_PARTITION, "sk": tenant_id, "entity": "tenant", "data": record}, Condition.absent()
                ),
                exists,
            ),
            Guarded(Put({"pk": pk, "sk": sk, "entity": "tenant-settings", "data": record}, Condition.absent()), exists),
            Guarded(audit_put(operator, AuditEntry("create", "tenant", tenant_id, None, record))),
        ]
        return operations, record

    def get(self, tenant_id: str) -> dict[str, Any] | None:
        item = self._store.get(REGISTRY_PARTITION, tenant_id)
        return item["data"] if item else None

    def list(
        self, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(REGISTRY_PARTITION, limit=limit, start_key=start_key)
        return [item["data"] for item in page.items], page.next_key

    def set_status(self, operator: TenantContext, tenant_id: str, status: TenantStatus) -> dict[str, Any]:
        before = self.get(tenant_id)
        if before is None:
            raise NotFound(f"tenant '{tenant_id}' does not exist")
        after = {**before, "status": status.value}
        pk, sk = settings_key(tenant_id)
        operations: list[WriteOp] = [
            Put({"pk": REGISTRY_PARTITION, "sk": tenant_id, "entity": "tenant", "data": after}, Condition.present()),
            Put({"pk": pk, "sk": sk, "entity": "tenant-settings", "data": after}, Condition.present()),
            audit_put(operator, AuditEntry(status.value, "tenant", tenant_id, before, after)),
        ]
        commit(self._store, operations)
        return after


def own_tenant_settings(store: ItemStore, tenant_id: str) -> dict[str, Any] | None:
    item = store.get(*settings_key(tenant_id))
    return item["data"] if item else None


CONTEXT_FIELDS = ("name", "currency", "decimals", "timezone", "region_levels", "warn_amount")


def tenant_context_fields(settings: dict[str, Any]) -> dict[str, str]:
    """The settings a request needs (TenantContext.extra), taken once from the settings record."""
    return {name: str(settings[name]) for name in CONTEXT_FIELDS if name in settings}
