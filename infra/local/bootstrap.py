"""Creates the table, the platform operator and the demo tenant with a little base data. Idempotent."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from functions.common import deps
from functions.common.deps import identity_directory
from gridvend.archives.kinds import archive_kind
from gridvend.archives.service import ArchiveService
from gridvend.auth.context import PLATFORM_OPERATOR_ROLE, PLATFORM_TENANT, TenantContext, system_context
from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from gridvend.store.items import ItemStore
from gridvend.store.tenants import TenantRegistry
from gridvend.store.users import OperatorRepository
from infra.local.demo_grid import DEMO_TOPOLOGY
from infra.local.demo_self_service import ensure_demo_self_service_code
from infra.local.demo_vending import MASTER_KEY_VARIABLE, ensure_master_key, seed_demo_vending
from infra.local.gateway.deployment import deploy_locally
from tenants.onboarding import FirstAdmin, NewTenant, onboard_tenant, platform_operator_record

PLATFORM_LOGIN = ("platform", "platform123")
DEMO_TENANT = "demo"
DEMO_TIMEZONE = "Africa/Nairobi"
DEMO_ADMIN = ("admin", "admin123")

DEMO_ARCHIVES: list[tuple[str, dict[str, Any]]] = [
    ("regions", {"code": "NBO", "name": "Nairobi"}),
    ("branches", {"code": "BR01", "name": "Central branch", "address": "1 Grid Road"}),
    ("sales-points", {"code": "SP01", "name": "Central office counter", "branch_id": "@branches:BR01"}),
    ("charge-items", {"code": "SVC", "name": "Service charge", "method": "per_times", "amount": "1.00", "taxed": True}),
    (
        "customer-types",
        {"code": "RES", "name": "Residential", "vat_percent": "16", "charge_item_ids": ["@charge-items:SVC"]},
    ),
    ("tariffs", {"code": "T1", "name": "Domestic single price", "type": "single", "price": "0.25"}),
    ("meter-models", {"code": "SP-1P", "name": "Single-phase STS prepaid", "phase": "single", "prepaid": True}),
    ("vend-amounts", {"code": "A10", "name": "10", "amount": "10.00"}),
    ("vend-amounts", {"code": "A50", "name": "50", "amount": "50.00"}),
    *DEMO_TOPOLOGY,
]


def _resolve(archives: ArchiveService, value: Any) -> Any:
    """Replaces `@kind:CODE` with the id of that record."""
    if isinstance(value, list):
        return [_resolve(archives, element) for element in value]
    if isinstance(value, str) and value.startswith("@"):
        kind_name, _, code = value[1:].partition(":")
        found = archives.repository.get_by_code(kind_name, code)
        if found is None:
            raise LookupError(f"demo data refers to missing {kind_name} {code}")
        return found.record_id
    return value


def ensure_platform_operator(store: ItemStore) -> None:
    operators = OperatorRepository(store, PLATFORM_TENANT)
    if operators.get(PLATFORM_LOGIN[0]) is None:
        operators.create(system_context(PLATFORM_TENANT, "bootstrap"), platform_operator_record(*PLATFORM_LOGIN))
    ensure_pool_user(store, PLATFORM_TENANT, *PLATFORM_LOGIN)


def ensure_pool_user(store: ItemStore, tenant_id: str, username: str, password: str) -> None:
    """The operator's user in the identity directory, with its password and roles: the user pool lives in moto,
    which forgets it when the stack stops, while the table keeps the operator."""
    operator = OperatorRepository(store, tenant_id).require(username)
    identity_directory().add_operator(tenant_id, operator, password)


def ensure_demo_tenant(store: ItemStore) -> None:
    if TenantRegistry(store).get(DEMO_TENANT) is None:
        operator = TenantContext(
            tenant_id=PLATFORM_TENANT,
            user_id="bootstrap",
            username="bootstrap",
            roles=frozenset({PLATFORM_OPERATOR_ROLE}),
        )
        request = NewTenant(
            id=DEMO_TENANT,
            name="Demo Power Ltd",
            currency="KES",
            decimals=2,
            timezone=DEMO_TIMEZONE,
            languages=["en", "fr", "zh"],
            region_levels=3,
            warn_amount=Decimal("5000"),
            sts_base_date=2014,
            admin=FirstAdmin(username=DEMO_ADMIN[0], password=DEMO_ADMIN[1]),
        )
        onboard_tenant(store, operator, request, identity_directory())
    ensure_pool_user(store, DEMO_TENANT, *DEMO_ADMIN)
    archives = ArchiveService(store, system_context(DEMO_TENANT, "bootstrap"), decimals=2)
    for kind_name, payload in DEMO_ARCHIVES:
        if archives.repository.get_by_code(kind_name, payload["code"]) is None:
            resolved = {name: _resolve(archives, value) for name, value in payload.items()}
            archives.create(archive_kind(kind_name), resolved)


def bootstrap(env: dict[str, str]) -> None:
    """`env` is the stack's environment. The stack is deployed locally first (user pool, KMS key, buckets,
    master-key parameter), and `env` gains the master key and the template's identity and key settings, so what
    runs after this signs operators in through the same pool, and wraps keys with the same key service, as the
    API."""
    env.setdefault(MASTER_KEY_VARIABLE, ensure_master_key(Path(env["GRIDVEND_STATE_DIR"])))
    env.update(deploy_locally(env).shared_environment())
    os.environ.update(env)
    deps.reset()
    configure_table(env["GRIDVEND_TABLE"], env["AWS_ENDPOINT_URL_DYNAMODB"], env.get("AWS_DEFAULT_REGION", "us-east-1"))
    create_table_if_missing()
    store = DynamoItemStore()
    ensure_platform_operator(store)
    ensure_demo_tenant(store)
    serials = seed_demo_vending(DEMO_TENANT, *DEMO_ADMIN)
    ensure_demo_self_service_code(store, DEMO_TENANT)
    print(f"demo meters in service (STS test key, base date 2014): {', '.join(serials)}")
