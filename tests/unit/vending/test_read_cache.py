"""The per-process read cache of the vend's rarely changing records: per store, per tenant, short-lived."""

from __future__ import annotations

import functools
from collections.abc import Callable

from gridvend.auth.context import system_context
from gridvend.store.archives import ArchiveRepository
from gridvend.store.memory import MemoryItemStore
from gridvend.store.prefetch import PrefetchedStore
from gridvend.store.read_cache import ReadCache, read_cache
from tests.stores import unique_tenant


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting_loader(values: list[str]) -> tuple[list[int], Callable[[], str]]:
    calls = [0]

    def load() -> str:
        calls[0] += 1
        return values[min(calls[0], len(values)) - 1]

    return calls, load


def test_an_entry_is_loaded_once_until_it_expires() -> None:
    clock = Clock()
    cache = ReadCache(30, clock=clock)
    calls, load = counting_loader(["first", "second"])
    assert cache.remembered("t1", "tariffs", "R#1", load) == "first"
    clock.now += 29
    assert cache.remembered("t1", "tariffs", "R#1", load) == "first"
    assert calls == [1]
    clock.now += 2
    assert cache.remembered("t1", "tariffs", "R#1", load) == "second"
    assert calls == [2]


def test_tenants_never_share_entries() -> None:
    cache = ReadCache(30)
    cache.remembered("alpha", "tariffs", "R#1", lambda: {"price": "0.10"})
    assert cache.remembered("beta", "tariffs", "R#1", lambda: {"price": "9.99"}) == {"price": "9.99"}
    assert cache.peek("beta", "hints", "k") is None
    cache.keep("alpha", "hints", "k", "A")
    assert cache.peek("beta", "hints", "k") is None and cache.peek("alpha", "hints", "k") == "A"


def test_forget_drops_one_tenants_namespace_only() -> None:
    cache = ReadCache(30)
    for tenant in ("alpha", "beta"):
        cache.remembered(tenant, "tariffs", "R#1", lambda: "old")
    cache.remembered("alpha", "payment-terms", "C#CASH", lambda: "cash")
    cache.forget("alpha", "tariffs")
    assert cache.remembered("alpha", "tariffs", "R#1", lambda: "new") == "new"
    assert cache.remembered("beta", "tariffs", "R#1", lambda: "new") == "old"
    assert cache.remembered("alpha", "payment-terms", "C#CASH", lambda: "other") == "cash"


def test_a_load_that_raced_a_write_is_not_kept() -> None:
    cache = ReadCache(30)

    def load_while_written() -> str:
        cache.forget("alpha", "tariffs")  # the write commits while this read is on its way
        return "read before the write"

    assert cache.remembered("alpha", "tariffs", "R#1", load_while_written) == "read before the write"
    assert cache.remembered("alpha", "tariffs", "R#1", lambda: "fresh") == "fresh"


def test_callers_get_copies_and_the_size_is_bounded() -> None:
    cache = ReadCache(30, max_entries=3)
    first = cache.remembered("alpha", "kind", "a", lambda: {"fields": ["x"]})
    first["fields"].append("changed by a caller")
    assert cache.remembered("alpha", "kind", "a", lambda: {"fields": []}) == {"fields": ["x"]}
    for key in ("b", "c", "d"):
        cache.remembered("alpha", "kind", key, functools.partial(str, key))
    assert cache.remembered("alpha", "kind", "a", lambda: "loaded again") == "loaded again"


def test_a_zero_ttl_turns_the_cache_off() -> None:
    cache = ReadCache(0)
    calls, load = counting_loader(["v"])
    cache.remembered("alpha", "kind", "k", load)
    cache.remembered("alpha", "kind", "k", load)
    assert calls == [2]


def test_archive_writes_in_this_process_show_at_once_and_stores_keep_apart() -> None:
    store, other_store = MemoryItemStore(), MemoryItemStore()
    tenant = unique_tenant()
    archives = ArchiveRepository(store, system_context(tenant))
    created = archives.create("payment-terms", "CASH", "Cash", {"gives_change": True}, [])
    assert archives.recent_by_code("payment-terms", "CASH") == created
    updated = archives.update(created, "CASH", "Cash only", {"gives_change": False}, [], [])
    assert archives.recent_by_code("payment-terms", "CASH") == updated
    assert archives.recent("payment-terms", created.record_id) == updated
    assert ArchiveRepository(other_store, system_context(tenant)).recent_by_code("payment-terms", "CASH") is None
    assert read_cache(PrefetchedStore(store, [])) is read_cache(store)
