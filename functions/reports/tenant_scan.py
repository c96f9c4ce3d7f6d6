"""Every item of one tenant, for backups and restores: a parallel-segment Scan with a key-prefix filter over the
table (the only way to reach every partition of a tenant). It runs on the function's own credentials: a
LeadingKeys-scoped tenant session cannot Scan. The in-memory store is read whole (tests)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pynamodb.attributes import MapAttribute

from gridvend.store.dynamo import DynamoItemStore, TableItem
from gridvend.store.items import Item, ItemStore
from gridvend.store.memory import MemoryItemStore
from gridvend.store.read_cache import read_cache

SEGMENTS = 4


def tenant_items(store: ItemStore, tenant_id: str) -> Iterator[Item]:
    prefix = f"T#{tenant_id}#"
    if isinstance(store, MemoryItemStore):
        yield from (item for item in store.all_items() if str(item["pk"]).startswith(prefix))
        return
    if not isinstance(store, DynamoItemStore):
        raise TypeError(f"cannot scan a {type(store).__name__}")
    model = store.model
    for segment in range(SEGMENTS):
        for found in model.scan(model.pk.startswith(prefix), segment=segment, total_segments=SEGMENTS):
            yield _item(found)


def _item(model: TableItem) -> Item:
    item: Item = {}
    for name in TableItem.get_attributes():
        value: Any = getattr(model, name)
        if value is None:
            continue
        if isinstance(value, MapAttribute):
            value = value.as_dict()
        if isinstance(value, float):
            value = Decimal(str(value))
        item[name] = value
    return item


def forget_cached_reads(store: ItemStore, tenant_id: str, namespaces: list[str]) -> None:
    """After writing around the repositories (a restore), drop what the store's read cache holds of them."""
    cache = read_cache(store)
    for namespace in namespaces:
        cache.forget(tenant_id, namespace)
