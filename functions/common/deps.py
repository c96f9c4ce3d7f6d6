"""Process-wide dependencies, created once per Lambda container (or local server)."""

from __future__ import annotations

import functools
import os

from gridvend.config import Settings
from gridvend.store.dynamo import DynamoItemStore, configure_table
from gridvend.store.items import ItemStore

_store_override: ItemStore | None = None


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@functools.lru_cache(maxsize=1)
def _dynamo_store() -> DynamoItemStore:
    configure_table(
        settings().table_name,
        os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
        os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    return DynamoItemStore()


def item_store() -> ItemStore:
    return _store_override if _store_override is not None else _dynamo_store()


def use_store(store: ItemStore | None) -> None:
    """Tests swap in the in-memory store (or reset with None)."""
    global _store_override
    _store_override = store


def reset() -> None:
    settings.cache_clear()
    _dynamo_store.cache_clear()
    use_store(None)
