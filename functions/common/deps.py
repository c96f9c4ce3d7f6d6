"""Process-wide dependencies, created once per Lambda container (or local server).

Routes get their store with `tenant_store(ctx.tenant_id)`: in the cloud (GRIDVEND_TENANT_ROLE_ARN set) that
store signs its DynamoDB calls with credentials assumed for that tenant only; locally it is the one store.
`item_store()` is the store on the process's own credentials, for platform code that no tenant scope covers
(the tenant registry, onboarding) and for start-up jobs.
`identity_directory()` keeps passwords and signs tokens: GRIDVEND_IDENTITY=local (default: Argon2 hashes in the
table, the local issuer) or cognito (GRIDVEND_USER_POOL_ID, GRIDVEND_USER_POOL_CLIENT_ID).
"""

from __future__ import annotations

import functools
import os

import boto3

from functions.common.tenant_credentials import TenantStores
from gridvend.auth.cognito import CognitoDirectory
from gridvend.auth.context import validate_tenant_id
from gridvend.auth.identity import IdentityDirectory, LocalDirectory
from gridvend.config import Settings
from gridvend.store.dynamo import DynamoItemStore, configure_table
from gridvend.store.items import ItemStore

TENANT_ROLE_ARN_VARIABLE = "GRIDVEND_TENANT_ROLE_ARN"
IDENTITY_VARIABLE = "GRIDVEND_IDENTITY"
IDENTITY_MODES = ("local", "cognito")

_store_override: ItemStore | None = None


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


def _region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"


@functools.lru_cache(maxsize=1)
def _configured_table() -> str:
    configure_table(settings().table_name, os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None, _region())
    return settings().table_name


@functools.lru_cache(maxsize=1)
def _dynamo_store() -> DynamoItemStore:
    _configured_table()
    return DynamoItemStore()


@functools.lru_cache(maxsize=1)
def _tenant_stores() -> TenantStores | None:
    role_arn = os.environ.get(TENANT_ROLE_ARN_VARIABLE) or None
    if role_arn is None:
        return None
    _configured_table()
    return TenantStores(boto3.client("sts", region_name=_region()), role_arn)


def tenant_store(tenant_id: str) -> ItemStore:
    """The store for work done for one tenant (the tenant of the verified token, or the one named at login).
    Raises InvalidInput (field "tenant") for an id that is not a well-formed tenant id."""
    validate_tenant_id(tenant_id, "tenant")
    if _store_override is not None:
        return _store_override
    stores = _tenant_stores()
    return stores.store_for(tenant_id) if stores is not None else _dynamo_store()


def item_store() -> ItemStore:
    """The store on the process's own credentials: platform code only; tenant work uses tenant_store."""
    return _store_override if _store_override is not None else _dynamo_store()


@functools.lru_cache(maxsize=1)
def identity_directory() -> IdentityDirectory:
    mode = (os.environ.get(IDENTITY_VARIABLE) or "local").strip().lower()
    if mode == "local":
        return LocalDirectory(settings())
    if mode != "cognito":
        raise RuntimeError(f"{IDENTITY_VARIABLE} must be one of {', '.join(IDENTITY_MODES)}, not {mode!r}")
    pool_id = os.environ.get("GRIDVEND_USER_POOL_ID")
    client_id = os.environ.get("GRIDVEND_USER_POOL_CLIENT_ID")
    if not pool_id or not client_id:
        raise RuntimeError("cognito identity needs GRIDVEND_USER_POOL_ID and GRIDVEND_USER_POOL_CLIENT_ID")
    return CognitoDirectory(boto3.client("cognito-idp", region_name=_region()), pool_id, client_id)


def use_store(store: ItemStore | None) -> None:
    """Tests swap in the in-memory store (or reset with None)."""
    global _store_override
    _store_override = store


def reset() -> None:
    settings.cache_clear()
    _configured_table.cache_clear()
    _dynamo_store.cache_clear()
    _tenant_stores.cache_clear()
    identity_directory.cache_clear()
    use_store(None)
