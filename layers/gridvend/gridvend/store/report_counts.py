"""The dashboard's counters (what they count: gridvend.reports.counts), kept by the stream handler.

Access patterns:
- running totals:               pk=T#<t>#RPT#COUNT             sk=<counter key>          (tally_count)
- counters of a month:          pk=T#<t>#RPT#COUNT#<yyyy-mm>   sk=<counter key>          (tally_count)
- meters billed in a month:     pk=T#<t>#RPT#COUNT             sk=billed-meters|<yyyy-mm> (tally_count)
  and per project:                                               sk=billed-project|<yyyy-mm>|<project id>
- a meter billed in a month:    pk=T#<t>#RPT#BILLED#<yyyy-mm>  sk=<serial>   (counts the meter once a month)
- stream records applied:       pk=T#<t>#RPT#CSEEN             sk=<stream event id>  (TTL: redelivery window)
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from gridvend.reports.counts import CountChange
from gridvend.store.items import Condition, Increment, ItemStore, Put, TransactionConflict, WriteOp

SEEN_SECONDS = 2 * 86400  # a stream keeps records for 24 hours; redelivery comes within that
PAGE = 1000
TRANSACTION_ITEMS = 100  # DynamoDB's limit of items in one transaction


class CountRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#RPT#"

    def _partition(self, month: str | None) -> str:
        return f"{self._prefix}COUNT" if month is None else f"{self._prefix}COUNT#{month}"

    def apply(self, event_id: str, changes: Sequence[CountChange]) -> bool:
        """Adds one stream record's changes, once: False when this record was applied before."""
        return self._transact([event_id], changes)

    def apply_many(self, records: Sequence[tuple[str, Sequence[CountChange]]]) -> int:
        """Adds many records' changes in as few transactions as fit (each record's marker and the summed
        counters, at most TRANSACTION_ITEMS items); a transaction that meets a record applied before is
        taken apart into one per record. Returns how many records were applied now."""
        applied = 0
        chunk: list[tuple[str, Sequence[CountChange]]] = []
        keys: set[tuple[str | None, str]] = set()
        for event_id, changes in records:
            added = {(change.month, change.key) for change in changes} - keys
            if chunk and len(chunk) + 1 + len(keys) + len(added) > TRANSACTION_ITEMS:
                applied += self._chunk(chunk)
                chunk, keys, added = [], set(), {(change.month, change.key) for change in changes}
            chunk.append((event_id, changes))
            keys |= added
        return applied + (self._chunk(chunk) if chunk else 0)

    def _chunk(self, chunk: list[tuple[str, Sequence[CountChange]]]) -> int:
        try:
            if self._transact([event_id for event_id, _ in chunk], [c for _, changes in chunk for c in changes]):
                return len(chunk)
        except TransactionConflict:
            pass
        return sum(self.apply(event_id, changes) for event_id, changes in chunk)

    def _transact(self, event_ids: Sequence[str], changes: Sequence[CountChange]) -> bool:
        """One transaction: a marker per record (absent before) and every counter's summed change. False when
        the only record's marker was there already; a TransactionConflict when one of several was."""
        summed: dict[tuple[str | None, str], int] = {}
        for change in changes:
            summed[(change.month, change.key)] = summed.get((change.month, change.key), 0) + change.delta
        expires_at = int(time.time()) + SEEN_SECONDS
        operations: list[WriteOp] = [
            Put({"pk": f"{self._prefix}CSEEN", "sk": event_id, "entity": "report-count-source",
                 "expires_at": expires_at}, Condition.absent())
            for event_id in event_ids
        ]
        operations += [
            Increment(self._partition(month), key, {"tally_count": delta}, assign={"entity": "report-count"})
            for (month, key), delta in summed.items() if delta
        ]
        try:
            self._store.transact(operations)
        except TransactionConflict as conflict:
            if len(event_ids) == 1 and 0 in conflict.failed:
                return False
            raise
        return True

    def bill_meter(self, month: str, serial: str, project_id: str | None = None) -> bool:
        """Counts the meter as billed in the month (and in its point of collection's project), once: False
        when it was counted already."""
        keys = [f"billed-meters|{month}", *([f"billed-project|{month}|{project_id}"] if project_id else [])]
        try:
            self._store.transact([
                Put({"pk": f"{self._prefix}BILLED#{month}", "sk": serial, "entity": "report-billed-meter"},
                    Condition.absent()),
                *(Increment(self._partition(None), key, {"tally_count": 1}, assign={"entity": "report-count"})
                  for key in keys),
            ])
        except TransactionConflict as conflict:
            if 0 in conflict.failed:
                return False
            raise
        return True

    def totals(self) -> dict[str, int]:
        return self._counters(self._partition(None))

    def of_months(self, months: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for month in months:
            found.update(self._counters(self._partition(month)))
        return found

    def _counters(self, partition: str) -> dict[str, int]:
        counters: dict[str, int] = {}
        start: dict[str, str] | None = None
        while True:
            page = self._store.query(partition, limit=PAGE, start_key=start)
            counters.update((str(item["sk"]), int(item.get("tally_count", 0))) for item in page.items)
            if page.next_key is None:
                return counters
            start = page.next_key
