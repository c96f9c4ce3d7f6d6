"""The dashboard's counters from the table stream (gridvend.reports.counts says what each change moves).
Each record is applied once, keyed by its stream event id, a batch's records together in few transactions.
A sale also marks its meter billed that month, in the project of the meter's point of collection (seed 004:
top 10 billing sites)."""

from __future__ import annotations

from collections import defaultdict

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from gridvend.reports.counts import CountChange, billed_meter, count_changes
from gridvend.store.items import ItemStore
from gridvend.store.report_counts import CountRepository

KNOWN_BILLED_LIMIT = 200_000
# (store, tenant, month, serial) known billed: most sales are of a meter billed already that month, and this
# spares them the failing conditional write (the marker item stays the truth; this only skips known work).
_known_billed: set[tuple[int, str, str, str]] = set()


class DashboardCounts:
    """Collects a batch's counter changes (`record`) and writes them in few transactions (`flush`)."""

    def __init__(self, store: ItemStore) -> None:
        self._store = store
        self._pending: dict[str, dict[str, list[CountChange]]] = defaultdict(dict)

    def record(self, record: DynamoDBRecord) -> bool:
        """Takes one stream record; True when it moves a counter (the billed meters at once, the others at
        `flush`)."""
        if record.dynamodb is None or record.event_name is None or not record.event_id:
            return False
        event_name = record.event_name.name
        new_image = record.dynamodb.new_image or None
        old_image = record.dynamodb.old_image or None
        moved = False
        found = count_changes(event_name, old_image, new_image)
        if found is not None:
            tenant_id, changes = found
            self._pending[tenant_id][record.event_id] = changes
            moved = True
        billed = billed_meter(event_name, new_image)
        if billed is not None and (id(self._store), *billed) not in _known_billed:
            tenant_id, month, serial = billed
            point = self._store.get(f"T#{tenant_id}#POC", f"M#{serial}")
            project = str((point or {}).get("data", {}).get("project_id") or "") or None
            moved = CountRepository(self._store, tenant_id).bill_meter(month, serial, project) or moved
            if len(_known_billed) >= KNOWN_BILLED_LIMIT:
                _known_billed.clear()
            _known_billed.add((id(self._store), *billed))
        return moved

    def flush(self) -> int:
        """Writes the changes taken since the last flush; returns how many records counted now (a record
        counted before, as in a batch delivered again, counts nothing)."""
        pending, self._pending = self._pending, defaultdict(dict)
        return sum(CountRepository(self._store, tenant_id).apply_many(list(records.items()))
                   for tenant_id, records in pending.items())
