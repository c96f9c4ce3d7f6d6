"""Store fixtures shared by contract and API tests: the in-memory fake and DynamoDB Local."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from gridvend.store.items import ItemStore
from gridvend.store.memory import MemoryItemStore

STORE_KINDS = ["memory", "dynamodb"]


@pytest.fixture(scope="session")
def dynamodb_table(dynamodb_local: object) -> Iterator[str]:
    """One table in the session's DynamoDB Local; tests keep apart through unique tenant ids."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    table_name = f"gridvend-test-{uuid.uuid4().hex[:8]}"
    endpoint_url: str = dynamodb_local.endpoint_url  # type: ignore[attr-defined]
    configure_table(table_name, endpoint_url)
    create_table_if_missing()
    yield table_name


@pytest.fixture(params=STORE_KINDS)
def item_store(request: pytest.FixtureRequest) -> ItemStore:
    if request.param == "memory":
        return MemoryItemStore()
    table_name = request.getfixturevalue("dynamodb_table")
    configure_table(table_name, request.getfixturevalue("dynamodb_local").endpoint_url)
    return DynamoItemStore()


def unique_tenant(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"
