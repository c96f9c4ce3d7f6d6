"""Powertools idempotency records kept in our table, under the tenant's own keys (pk=T#<t>#IDEMPOTENCY),
so the leading-keys policy covers them and two tenants can never share a record."""

from __future__ import annotations

import datetime
from typing import Any

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from gridvend.store.items import Condition, Delete, ItemStore, Put, TransactionConflict


class ItemStorePersistenceLayer(BasePersistenceLayer):
    def __init__(self, store: ItemStore, tenant_prefix: str) -> None:
        super().__init__()
        self._store = store
        self._partition = f"{tenant_prefix}IDEMPOTENCY"

    def _item(self, record: DataRecord) -> dict[str, Any]:
        return {
            "pk": self._partition,
            "sk": record.idempotency_key,
            "entity": "idempotency",
            "expires_at": record.expiry_timestamp,
            "data": {
                "status": record.status,
                "in_progress_expiry": record.in_progress_expiry_timestamp,
                "response": record.response_data,
                "payload_hash": record.payload_hash,
            },
        }

    def _record(self, item: dict[str, Any]) -> DataRecord:
        data = item["data"]
        return DataRecord(
            idempotency_key=item["sk"],
            status=data["status"],
            expiry_timestamp=item.get("expires_at"),
            in_progress_expiry_timestamp=data.get("in_progress_expiry"),
            response_data=data.get("response") or "",
            payload_hash=data.get("payload_hash") or "",
        )

    def _get_record(self, idempotency_key: str) -> DataRecord:
        item = self._store.get(self._partition, idempotency_key)
        if item is None:
            raise IdempotencyItemNotFoundError
        return self._record(item)

    def _put_record(self, data_record: DataRecord) -> None:
        now = int(datetime.datetime.now().timestamp())
        try:
            # Absent items have no expiry, which `at_most` lets through; so do expired ones.
            self._store.transact([Put(self._item(data_record), Condition(at_most={"expires_at": now}))])
        except TransactionConflict as conflict:
            # Without the old record Powertools reads it through get_record, which checks the payload hash.
            raise IdempotencyItemAlreadyExistsError from conflict

    def _update_record(self, data_record: DataRecord) -> None:
        self._store.transact([Put(self._item(data_record))])

    def _delete_record(self, data_record: DataRecord) -> None:
        self._store.transact([Delete(self._partition, data_record.idempotency_key)])
