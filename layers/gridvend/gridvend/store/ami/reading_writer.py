"""Writing raw readings in bulk, each a conditional put (stored only if its key is new), in transactions
of up to 100. On DynamoDB the transaction goes straight to the low-level client (the readings are the
hot path: PynamoDB's per-item model building would cost more than DynamoDB itself); elsewhere through
ItemStore.transact. Same semantics either way, and the contract test runs both."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from gridvend.store.items import Condition, Item, ItemStore, Put, TransactionConflict, TransactionRaced

TRANSACTION_LIMIT = 100
RACE_RETRIES = 5
_serializer = TypeSerializer()
Transact = Callable[[list[Item]], list[int]]  # writes items (each only if new); returns positions that existed


def put_new_items(store: ItemStore, items: Sequence[Item]) -> list[bool]:
    """Writes each item unless its key exists; True where it was new. Keys repeated in `items` count as
    written once (the first)."""
    transact = _dynamo_transact(store) or _store_transact(store)
    is_new = [False] * len(items)
    pending: list[int] = []
    seen: set[tuple[str, str]] = set()
    for position, item in enumerate(items):
        key = (item["pk"], item["sk"])
        if key not in seen:  # one transaction may not name an item twice
            seen.add(key)
            pending.append(position)
    for start in range(0, len(pending), TRANSACTION_LIMIT):
        chunk = pending[start : start + TRANSACTION_LIMIT]
        for attempt in range(RACE_RETRIES + len(chunk)):
            if not chunk:
                break
            try:
                existed = transact([items[position] for position in chunk])
            except TransactionRaced:
                if attempt >= RACE_RETRIES:
                    raise
                time.sleep(0.05 * (attempt + 1))
                continue
            if not existed:
                for position in chunk:
                    is_new[position] = True
                break
            gone = {chunk[index] for index in existed}
            chunk = [position for position in chunk if position not in gone]
    return is_new


def _store_transact(store: ItemStore) -> Transact:
    def transact(items: list[Item]) -> list[int]:
        try:
            store.transact([Put(item, Condition.absent()) for item in items])
        except TransactionConflict as conflict:
            return conflict.failed
        return []

    return transact


def _dynamo_transact(store: ItemStore) -> Transact | None:
    model = getattr(store, "model", None)
    if model is None or not hasattr(model, "_get_connection"):
        return None
    client: Any = model._get_connection().connection.client
    table: str = model.Meta.table_name

    def transact(items: list[Item]) -> list[int]:
        request = [
            {"Put": {"TableName": table, "Item": _wire(item), "ConditionExpression": "attribute_not_exists(pk)"}}
            for item in items
        ]
        try:
            client.transact_write_items(TransactItems=request)
        except client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons") or []
            failed = [index for index, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"]
            if failed:
                return failed
            if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
                raise TransactionRaced from error
            raise
        return []

    return transact


def _wire(item: Item) -> dict[str, Any]:
    return {name: _value(value) for name, value in item.items() if value is not None}


def _value(value: Any) -> dict[str, Any]:
    """DynamoDB's wire form of the JSON-like values items hold (boto3's TypeSerializer for the rest)."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": {str(name): _value(member) for name, member in value.items() if member is not None}}
    if isinstance(value, list | tuple):
        return {"L": [_value(member) for member in value]}
    return dict(_serializer.serialize(value))
