"""A small per-process cache of records that rarely change (archive records, a tenant's secure modules), so that
a vend need not read them from the table each time.

One cache per store object (the process keeps one store per tenant session), keyed by tenant first: an entry
of one tenant is never answered to another. Entries live GRIDVEND_READ_CACHE_SECONDS (default 30; 0 turns the
cache off) and the least recently used go first beyond MAX_ENTRIES. A write made through this process's
repositories drops its tenant's namespace at once (`forget`); writes by other processes show within the TTL.
It holds table records only: nothing that the table does not hold (never key material).
"""

from __future__ import annotations

import os
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from gridvend.store.items import ItemStore
from gridvend.store.prefetch import PrefetchedStore

TTL_VARIABLE = "GRIDVEND_READ_CACHE_SECONDS"
DEFAULT_TTL_SECONDS = 30.0
MAX_ENTRIES = 4096

Loaded = TypeVar("Loaded")
EntryKey = tuple[str, str, str]  # tenant, namespace, key


def configured_ttl() -> float:
    try:
        return max(0.0, float(os.environ.get(TTL_VARIABLE, DEFAULT_TTL_SECONDS)))
    except ValueError:
        return DEFAULT_TTL_SECONDS


class ReadCache:
    def __init__(
        self, ttl_seconds: float, max_entries: int = MAX_ENTRIES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[EntryKey, tuple[float, bytes]] = OrderedDict()
        self._generations: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def remembered(self, tenant_id: str, namespace: str, key: str, load: Callable[[], Loaded]) -> Loaded:
        """The value of the key (None included), loaded when absent or expired; the caller gets its own copy."""
        if self._ttl <= 0:
            return load()
        entry_key = (tenant_id, namespace, key)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(entry_key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(entry_key)
                return _unpacked(entry[1])
            generation = self._generations.get((tenant_id, namespace), 0)
        value = load()
        with self._lock:
            # A write forgotten while this load ran may have come after the load read: keep nothing then.
            if self._generations.get((tenant_id, namespace), 0) == generation:
                self._store_entry(entry_key, now + self._ttl, value)
        return value

    def _store_entry(self, entry_key: EntryKey, expires_at: float, value: Any) -> None:
        self._entries[entry_key] = (expires_at, _packed(value))
        self._entries.move_to_end(entry_key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def peek(self, tenant_id: str, namespace: str, key: str) -> Any:
        """What `keep` left under the key and has not expired, else None: for hints that a fresh read confirms."""
        with self._lock:
            entry = self._entries.get((tenant_id, namespace, key))
            return _unpacked(entry[1]) if entry is not None and entry[0] > self._clock() else None

    def keep(self, tenant_id: str, namespace: str, key: str, value: Any) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            self._store_entry((tenant_id, namespace, key), self._clock() + self._ttl, value)

    def forget(self, tenant_id: str, namespace: str) -> None:
        with self._lock:
            scope = (tenant_id, namespace)
            self._generations[scope] = self._generations.get(scope, 0) + 1
            for entry_key in [key for key in self._entries if key[:2] == scope]:
                del self._entries[entry_key]


def _packed(value: Any) -> bytes:
    """Entries are kept packed, so that no caller can change what another gets (pickle: a copy in C)."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(packed: bytes) -> Any:
    return pickle.loads(packed)  # only what _packed made in this process


_caches: weakref.WeakKeyDictionary[ItemStore, ReadCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def read_cache(store: ItemStore) -> ReadCache:
    """The cache of the store (of the store underneath, for a PrefetchedStore)."""
    if isinstance(store, PrefetchedStore):
        store = store.underlying
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = ReadCache(configured_ttl())
        return cache
