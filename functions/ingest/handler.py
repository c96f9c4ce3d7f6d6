"""The ingest Lambda: batches from the uplink queue (fed by the IoT rule), processed with Powertools'
batch processor. Phase one reads every record (a record that can never be stored is logged with its
reason and dropped: a retry would not help); phase two stores the batch in bulk. A storage failure
fails the batch, which the queue delivers again: redelivered messages change nothing. Each batch
records IngestLagSeconds: how long its oldest uplink took from the device's clock to this function."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.deps import item_store
from functions.common.observability import add_metric, logger, observed
from functions.ingest.directory import Directory
from functions.ingest.network import NetworkTracker
from functions.ingest.service import Ingestor, Outcome, Status
from gridvend.clock import utc_now
from gridvend.iot.rule_events import Rejected, Uplink, read_uplink
from gridvend.store.items import ItemStore

if TYPE_CHECKING:
    from functions.commands.context import CommandContext


def build_ingestor(store: ItemStore, context: CommandContext | None = None) -> Ingestor:
    """The ingestor over `store`; acknowledgements reach commands through `context` (default: the
    process's, from the environment)."""
    from functions.commands.wiring import ack_handler, event_listeners

    return Ingestor(
        store, Directory(store), NetworkTracker(store), ack_handler(store, context), event_listeners(store, context)
    )


@functools.lru_cache(maxsize=1)
def default_ingestor() -> Ingestor:
    return build_ingestor(item_store())


def process_batch(event: dict[str, Any], ingestor: Ingestor) -> dict[str, Any]:
    """The partial batch response for one queue event."""
    processor = BatchProcessor(event_type=EventType.SQS)
    readable: dict[str, Uplink] = {}

    def read(record: SQSRecord) -> None:
        try:
            readable[record.message_id] = read_uplink(record.body)
        except Rejected as refusal:
            logger.warning("uplink rejected", extra={"reason": refusal.reason, "queue_message_id": record.message_id})

    with processor(records=event.get("Records", []), handler=read):
        processor.process()
    message_ids = list(readable)
    uplinks = [readable[message_id] for message_id in message_ids]
    _record_lag(uplinks)
    outcomes = ingestor.ingest(uplinks)
    for message_id, outcome in zip(message_ids, outcomes, strict=True):
        _log(readable[message_id], outcome, message_id)
    return dict(processor.response())


def _record_lag(uplinks: list[Uplink]) -> None:
    """The batch's largest lag: now minus the oldest device time in it (0 when a device's clock runs ahead)."""
    if uplinks:
        oldest = min(uplink.message.at for uplink in uplinks)
        add_metric("IngestLagSeconds", max(0.0, (utc_now() - oldest).total_seconds()), MetricUnit.Seconds)


def _log(uplink: Uplink, outcome: Outcome, queue_message_id: str) -> None:
    if outcome.status is not Status.REJECTED:
        return
    logger.warning(
        "uplink rejected",
        extra={
            "reason": outcome.reason,
            "tenant_id": uplink.topic.tenant_id,
            "thing_id": uplink.topic.thing_id,
            "channel": uplink.topic.channel.value,
            "msg_id": uplink.message.msg_id,
            "queue_message_id": queue_message_id,
        },
    )


@observed()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_batch(event, default_ingestor())
