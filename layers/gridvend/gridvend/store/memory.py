"""In-memory ItemStore: the same semantics as DynamoDB for what the repositories use. For fast unit tests."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from typing import Any, Literal

from gridvend.store.items import (
    INDEXES,
    Check,
    Condition,
    Delete,
    Increment,
    Item,
    ItemStore,
    Page,
    Put,
    TransactionConflict,
    WriteOp,
)


def _holds(condition: Condition | None, current: Item | None) -> bool:
    if condition is None:
        return True
    if condition.must_exist is True and current is None:
        return False
    if condition.must_exist is False and current is not None:
        return False
    for name, expected in condition.equals.items():
        if current is None or current.get(name) != expected:
            return False
    for name, ceiling in condition.at_most.items():
        value = 0 if current is None else current.get(name, 0)
        if value > ceiling:
            return False
    for name, floor in condition.at_least.items():
        if current is None or name not in current or current[name] < floor:
            return False
    return True


class MemoryItemStore(ItemStore):
    def __init__(self) -> None:
        self._items: dict[tuple[str, str], Item] = {}
        self._lock = threading.Lock()

    def get(self, pk: str, sk: str) -> Item | None:
        found = self._items.get((pk, sk))
        return copy.deepcopy(found) if found is not None else None

    def batch_get(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        with self._lock:
            return [self.get(pk, sk) for pk, sk in keys]

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
        pk_name, sk_name = INDEXES[index] if index else ("pk", "sk")

        def position(item: Item) -> tuple[str, str, str]:
            return str(item[sk_name]), str(item["pk"]), str(item["sk"])

        matching = [
            item
            for item in self._items.values()
            if item.get(pk_name) == partition
            and sk_name in item
            and (sk_prefix is None or str(item[sk_name]).startswith(sk_prefix))
            and (sk_between is None or sk_between[0] <= str(item[sk_name]) <= sk_between[1])
            and (contains is None or contains[1] in str(item.get(contains[0], "")))
        ]
        matching.sort(key=position, reverse=newest_first)
        if start_key is not None:
            after = (start_key[sk_name], start_key["pk"], start_key["sk"])
            matching = [item for item in matching if (position(item) < after) == newest_first]
            matching = [item for item in matching if position(item) != after]
        returned = matching[:limit]
        next_key = None
        if len(matching) > limit:
            last = returned[-1]
            next_key = {"pk": last["pk"], "sk": last["sk"], pk_name: last[pk_name], sk_name: str(last[sk_name])}
        return Page([copy.deepcopy(item) for item in returned], next_key)

    def transact(self, operations: Sequence[WriteOp]) -> None:
        with self._lock:
            failed = [
                position
                for position, operation in enumerate(operations)
                if not _holds(operation.condition, self._items.get(_key_of(operation)))
            ]
            if failed:
                raise TransactionConflict(failed)
            for operation in operations:
                self._apply(operation)

    def put_many(self, items: Sequence[Item]) -> None:
        with self._lock:
            for item in items:
                self._items[(item["pk"], item["sk"])] = copy.deepcopy(item)

    def _apply(self, operation: WriteOp) -> None:
        key = _key_of(operation)
        if isinstance(operation, Put):
            self._items[key] = copy.deepcopy(operation.item)
        elif isinstance(operation, Delete):
            self._items.pop(key, None)
        elif isinstance(operation, Increment):
            current: dict[str, Any] = self._items.setdefault(key, {"pk": key[0], "sk": key[1]})
            for name, amount in operation.amounts.items():
                current[name] = current.get(name, 0) + amount
            current.update(copy.deepcopy(operation.assign))

    def all_items(self) -> list[Item]:
        return [copy.deepcopy(item) for item in self._items.values()]


def _key_of(operation: WriteOp) -> tuple[str, str]:
    if isinstance(operation, Put):
        return operation.item["pk"], operation.item["sk"]
    if isinstance(operation, Delete | Increment | Check):
        return operation.pk, operation.sk
    raise TypeError(type(operation).__name__)
