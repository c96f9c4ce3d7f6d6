"""The table stream's consumer that keeps the sales report cells: every sale, correction and refund adds to
its day and month cell once (a change applied before is skipped, so a batch delivered again changes
nothing). Powertools reads the batch and reports the records that failed, which the stream sends again."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.deps import item_store
from functions.common.observability import observed
from functions.streams.counts import DashboardCounts
from functions.streams.tenants import TenantFacts
from gridvend.auth.context import system_context
from gridvend.clock import utc_now
from gridvend.reports.facts import SalesChange, sales_change_of
from gridvend.store.customers import CustomerRepository
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.reports import SalesRollupRepository
from gridvend.tenancy.calendar import TenantCalendar


class SalesCells:
    """Turns stream records into cell changes, with the meter's model and the customer's type added."""

    def __init__(self, store: ItemStore, tenants: TenantFacts) -> None:
        self._store = store
        self._tenants = tenants
        self._models: dict[tuple[str, str], str] = {}
        self._types: dict[tuple[str, str], str] = {}

    def record(self, record: DynamoDBRecord) -> bool:
        """Applies one stream record; True when it changed the cells."""
        if record.dynamodb is None or record.event_name is None:
            return False
        new_image = record.dynamodb.new_image or None
        if not new_image or "entity" not in new_image:
            return False
        old_image = record.dynamodb.old_image or None
        seconds = record.dynamodb.approximate_creation_date_time
        changed_at = datetime.fromtimestamp(int(seconds), UTC) if seconds else utc_now()
        return self.change(record.event_name.name, old_image, new_image, changed_at)

    def change(self, event_name: str, old_image: dict[str, Any] | None, new_image: dict[str, Any],
               changed_at: datetime) -> bool:
        tenant_id = str(new_image.get("pk", "")).split("#")[1:2]
        if not tenant_id:
            return False
        decimals, zone = self._tenants.of(tenant_id[0])
        changed_on = TenantCalendar(zone).day_key(changed_at)
        change = sales_change_of(event_name, old_image, new_image, decimals, changed_on)
        return change is not None and self.apply(change)

    def apply(self, change: SalesChange) -> bool:
        ctx = system_context(change.tenant_id, "streams")
        dims = {
            "sales_point": change.sales_point,
            "operator": change.operator,
            "customer_type": self._customer_type(change),
            "meter_model": self._meter_model(change),
        }
        return SalesRollupRepository(self._store, ctx).apply(change.source, change.local_date, dims, change.measures)

    def _meter_model(self, change: SalesChange) -> str:
        key = (change.tenant_id, change.meter)
        if key not in self._models:
            meter = MeterRepository(self._store, system_context(change.tenant_id, "streams")).get(change.meter)
            self._models[key] = meter.model_id if meter else "-"
        return self._models[key]

    def _customer_type(self, change: SalesChange) -> str:
        key = (change.tenant_id, change.customer_code)
        if key not in self._types:
            customers = CustomerRepository(self._store, system_context(change.tenant_id, "streams"))
            customer = customers.get(change.customer_code) if change.customer_code else None
            self._types[key] = customer.customer_type_id if customer else "-"
        return self._types[key]


def process_stream_batch(event: dict[str, Any], store: ItemStore, tenants: TenantFacts) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    cells = SalesCells(store, tenants)
    counts = DashboardCounts(store)

    def handle(record: DynamoDBRecord) -> None:
        cells.record(record)
        counts.record(record)

    with processor(records=event.get("Records", []), handler=handle):
        processor.process()
    counts.flush()
    return dict(processor.response())


@functools.lru_cache(maxsize=1)
def _tenants() -> TenantFacts:
    return TenantFacts(item_store())


@observed()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_stream_batch(event, item_store(), _tenants())
