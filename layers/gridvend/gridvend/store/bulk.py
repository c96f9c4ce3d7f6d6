"""Helpers for bulk work on one partition: which of many keys are already stored."""

from __future__ import annotations

from collections.abc import Iterable

from gridvend.store.items import ItemStore

STORED_KEYS_PAGE = 1000


def stored_keys(store: ItemStore, partition: str, sk_prefix: str, wanted: Iterable[str]) -> set[str]:
    """Which of `wanted` are stored as `<sk_prefix><key>` in the partition: one ranged query from the lowest
    wanted key to the highest, instead of a read per key."""
    keys = set(wanted)
    if not keys:
        return set()
    found: set[str] = set()
    start_key: dict[str, str] | None = None
    while True:
        page = store.query(
            partition,
            sk_between=(f"{sk_prefix}{min(keys)}", f"{sk_prefix}{max(keys)}"),
            limit=STORED_KEYS_PAGE,
            start_key=start_key,
        )
        found.update(item["sk"].removeprefix(sk_prefix) for item in page.items)
        if page.next_key is None:
            return found & keys
        start_key = page.next_key
