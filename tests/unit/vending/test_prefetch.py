"""Reads of a sale in one round trip: PrefetchedStore answers its keys from one batch read, everything else from
the store."""

from __future__ import annotations

from collections.abc import Sequence

from gridvend.store.items import Item
from gridvend.store.memory import MemoryItemStore
from gridvend.store.prefetch import PrefetchedStore


class CountingStore(MemoryItemStore):
    def __init__(self) -> None:
        super().__init__()
        self.gets = 0
        self.batches = 0

    def get(self, pk: str, sk: str) -> Item | None:
        self.gets += 1
        return super().get(pk, sk)

    def batch_get(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        self.batches += 1
        return [MemoryItemStore.get(self, pk, sk) for pk, sk in keys]


def test_prefetched_keys_cost_one_round_trip_and_others_go_to_the_store() -> None:
    store = CountingStore()
    store.put_many([{"pk": "T#p#A", "sk": "1", "data": {"n": 1}}, {"pk": "T#p#A", "sk": "2", "data": {"n": 2}}])
    reads = PrefetchedStore(store, [("T#p#A", "1"), ("T#p#A", "missing")])
    first, again = reads.get("T#p#A", "1"), reads.get("T#p#A", "1")
    assert first == again == {"pk": "T#p#A", "sk": "1", "data": {"n": 1}}
    assert reads.get("T#p#A", "missing") is None
    assert (store.batches, store.gets) == (1, 0)
    assert first is not None and again is not None and first is not again  # each reader its own copy
    first["data"]["n"] = 99
    assert reads.get("T#p#A", "1") == {"pk": "T#p#A", "sk": "1", "data": {"n": 1}}
    assert reads.get("T#p#A", "2") is not None and store.gets == 1  # not prefetched: read as usual


def test_answers_are_as_of_the_batch_and_writes_go_through() -> None:
    store = CountingStore()
    store.put({"pk": "T#p#A", "sk": "1", "version": 1})
    reads = PrefetchedStore(store, [("T#p#A", "1")])
    reads.put({"pk": "T#p#A", "sk": "1", "version": 2})
    assert store.get("T#p#A", "1") == {"pk": "T#p#A", "sk": "1", "version": 2}
    assert reads.get("T#p#A", "1") == {"pk": "T#p#A", "sk": "1", "version": 1}  # conditions catch such moves
