"""Many reads in one round trip, for repositories that read one item at a time.

`PrefetchedStore(store, keys)` reads every key with one `batch_get`, then answers `get` for those keys from
what it read (each caller gets its own copy) and passes everything else (other keys, queries, writes) to the
store. Repositories built on it read as usual: a unit of work that knows its keys up front pays one round
trip. What it answers is as of the batch read: conditions on the writes catch anything that moved since.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Literal

from gridvend.store.items import Item, ItemStore, Page, WriteOp

Key = tuple[str, str]


class PrefetchedStore(ItemStore):
    def __init__(self, store: ItemStore, keys: Sequence[Key]) -> None:
        self._store = store
        self._read: dict[Key, bytes | None] = {}
        self._remember(keys, store.batch_get(keys))

    @property
    def underlying(self) -> ItemStore:
        return self._store

    def prefetched(self, key: Key) -> bool:
        return key in self._read

    def get(self, pk: str, sk: str) -> Item | None:
        key = (pk, sk)
        if key not in self._read:
            return self._store.get(pk, sk)
        packed = self._read[key]
        return _unpacked(packed) if packed is not None else None

    def batch_get(self, keys: Sequence[Key]) -> list[Item | None]:
        missing = [key for key in dict.fromkeys(keys) if key not in self._read]
        if missing:
            self._remember(missing, self._store.batch_get(missing))
        return [self.get(*key) for key in keys]

    def _remember(self, keys: Sequence[Key], items: Sequence[Item | None]) -> None:
        for key, item in zip(keys, items, strict=True):
            self._read[key] = _packed(item) if item is not None else None

    def query(
        self,
        partition: str,
        *,
        index: Literal["gsi1", "gsi2"] | None = None,
        sk_prefix: str | None = None,
        sk_between: tuple[str, str] | None = None,
        contains: tuple[str, str] | None = None,
        limit: int = 50,
        start_key: dict[str, str] | None = None,
        newest_first: bool = False,
    ) -> Page:
        return self._store.query(
            partition,
            index=index,
            sk_prefix=sk_prefix,
            sk_between=sk_between,
            contains=contains,
            limit=limit,
            start_key=start_key,
            newest_first=newest_first,
        )

    def transact(self, operations: Sequence[WriteOp]) -> None:
        self._store.transact(operations)

    def put_many(self, items: Sequence[Item]) -> None:
        self._store.put_many(items)


def _packed(item: Item) -> bytes:
    """Items are kept packed so that each reader gets its own copy (pickle copies in C, deepcopy in Python)."""
    return pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(packed: bytes) -> Item:
    item: Item = pickle.loads(packed)  # only what _packed made in this process
    return item
