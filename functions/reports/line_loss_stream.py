"""The table stream's consumer that keeps the line-loss node cells: every change of a meter's monthly reading
rollup (written by functions.ingest.rollups) moves that meter's contribution to the nodes it feeds or measures.
A redelivered or out-of-date rollup changes nothing (see gridvend.reports.line_loss_store)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.deps import item_store
from functions.common.observability import observed
from functions.reports.topologies import TopologyCache
from gridvend.reports.line_loss import Contribution, Energy, month_energy
from gridvend.reports.line_loss_store import LineLossStore
from gridvend.store.items import ItemStore


@dataclass(frozen=True)
class MeterMonth:
    tenant_id: str
    meter: str
    month: str
    version: int
    energy: Energy


def meter_month_of(image: dict[str, Any] | None) -> MeterMonth | None:
    """The meter's month a stream record's new image carries, or None when it is no monthly rollup."""
    if not image or image.get("entity") != "rollup-month":
        return None
    head, tenant_id, kind, meter = [*str(image.get("pk", "")).split("#", 3), "", "", "", ""][:4]
    month = str(image.get("sk", ""))[2:]
    data = image.get("data")
    if head != "T" or kind != "RU" or not tenant_id or not meter or len(month) != 7 or not isinstance(data, dict):
        return None
    energy = month_energy(data.get("first") or {}, data.get("last") or {})
    return MeterMonth(tenant_id, meter, month, int(image.get("version", 1)), energy)


def apply_meter_month(store: ItemStore, topologies: TopologyCache, change: MeterMonth) -> bool:
    targets = topologies.of(change.tenant_id).targets_of(change.meter)
    ledger = LineLossStore(store, change.tenant_id)
    if not targets and ledger.contribution(change.meter, change.month) is None:
        return False
    return ledger.contribute(change.meter, change.month, Contribution(change.version, change.energy, targets))


def process_stream_batch(event: dict[str, Any], store: ItemStore, topologies: TopologyCache) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

    def handle(record: DynamoDBRecord) -> None:
        if record.dynamodb is None:
            return
        change = meter_month_of(record.dynamodb.new_image or None)
        if change is not None:
            apply_meter_month(store, topologies, change)

    with processor(records=event.get("Records", []), handler=handle):
        processor.process()
    return dict(processor.response())


@functools.lru_cache(maxsize=1)
def _topologies() -> TopologyCache:
    return TopologyCache(item_store())


@observed()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_stream_batch(event, item_store(), _topologies())
