"""The table stream's consumer that keeps daily and monthly rollups per meter, in the tenant's local
time. Every newly inserted raw reading is merged into its meter's day and month; merging is idempotent,
so a batch the stream delivers again changes nothing. Powertools reads the batch; the rollups of one
meter and period are written once per batch, with an optimistic version (read again on a conflict)."""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.deps import item_store
from functions.common.observability import observed
from gridvend.ami.rollups import Rollup, StoredReading, day_mark, merge, month_mark
from gridvend.store.ami.readings import PeriodKind, RollupRepository, stored_reading
from gridvend.store.items import ItemStore
from gridvend.store.tenants import own_tenant_settings
from gridvend.tenancy.calendar import TenantCalendar, zone_named

WRITE_ATTEMPTS = 8
ZONE_CACHE_SECONDS = 300.0
TenantReading = tuple[str, StoredReading]


class TenantZones:
    def __init__(self, store: ItemStore, clock: Callable[[], float] = time.monotonic) -> None:
        self._store, self._clock = store, clock
        self._zones: dict[str, tuple[float, ZoneInfo]] = {}

    def of(self, tenant_id: str) -> ZoneInfo:
        cached = self._zones.get(tenant_id)
        if cached and self._clock() - cached[0] < ZONE_CACHE_SECONDS:
            return cached[1]
        settings = own_tenant_settings(self._store, tenant_id) or {}
        zone = zone_named(str(settings.get("timezone") or ""))
        self._zones[tenant_id] = (self._clock(), zone)
        return zone


def reading_of_image(image: dict[str, Any]) -> TenantReading | None:
    """(tenant, reading) of a stream record's new image, or None when it is not a raw reading."""
    if image.get("entity") != "reading":
        return None
    pk = str(image.get("pk", ""))
    head, tenant_id, kind, *_ = [*pk.split("#", 3), "", "", ""]
    if head != "T" or kind != "RD" or not tenant_id:
        return None
    return tenant_id, stored_reading(image)


def update_rollups(store: ItemStore, zones: TenantZones, readings: Iterable[TenantReading]) -> int:
    """Merges the readings into their rollups; returns how many rollups were written."""
    groups: dict[tuple[str, str, PeriodKind, str], list[tuple[StoredReading, int]]] = defaultdict(list)
    for tenant_id, reading in readings:
        calendar = TenantCalendar(zones.of(tenant_id))
        local = calendar.local(reading.at)
        groups[(tenant_id, reading.meter, "day", calendar.day_key(local))].append((reading, day_mark(local)))
        groups[(tenant_id, reading.meter, "month", calendar.month_key(local))].append((reading, month_mark(local)))
    for (tenant_id, meter, kind, period), members in groups.items():
        _write(RollupRepository(store, tenant_id), meter, kind, period, members)
    return len(groups)


def _write(repository: RollupRepository, meter: str, kind: PeriodKind, period: str,
           members: list[tuple[StoredReading, int]]) -> None:
    for _ in range(WRITE_ATTEMPTS):
        rollup, version = repository.get(meter, kind, period)
        merged: Rollup = rollup
        for reading, mark in members:
            merged = merge(merged, reading, mark)
        if merged == rollup and version > 0:
            return
        if repository.put(merged, kind, version):
            return
    raise RuntimeError(f"rollup {meter} {period} kept changing under us")


@functools.lru_cache(maxsize=1)
def _zones() -> TenantZones:
    return TenantZones(item_store())


def process_stream_batch(event: dict[str, Any], store: ItemStore, zones: TenantZones) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    readings: list[TenantReading] = []

    def read(record: DynamoDBRecord) -> None:
        if record.event_name is not DynamoDBRecordEventName.INSERT or record.dynamodb is None:
            return
        found = reading_of_image(record.dynamodb.new_image)
        if found is not None:
            readings.append(found)

    with processor(records=event.get("Records", []), handler=read):
        processor.process()
    update_rollups(store, zones, readings)
    return dict(processor.response())


@observed()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_stream_batch(event, item_store(), _zones())
