"""DynamoDB Local's table stream read as a Lambda event source mapping would: DescribeStream, GetShardIterator
and GetRecords, each batch handed to the consumers in Lambda's event shape. One poller serves every local
stand-in (the report stream and the IoT router's rollups).

A batch that a consumer fails (raises, or names failed records) comes again on the next poll, up to
MAX_ATTEMPTS as the template's MaximumRetryAttempts; then it is logged and passed over so that one bad record
cannot stop a shard for good. The consumers skip what they counted before, so the retried batch harms nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

log = logging.getLogger("gridvend.table_stream")
BatchHandler = Callable[[dict[str, Any]], dict[str, Any]]
StartAt = Literal["TRIM_HORIZON", "LATEST"]
RECORDS_PER_CALL = 1000
SHARD_REFRESH_POLLS = 20
MAX_ATTEMPTS = 10


def _attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """botocore parses an empty map {"M": {}} into {}: give it back its type, at any depth."""
    if not value:
        return {"M": {}}
    if "M" in value:
        return {"M": {name: _attribute_value(inner) for name, inner in value["M"].items()}}
    if "L" in value:
        return {"L": [_attribute_value(inner) for inner in value["L"]]}
    return value


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda delivers it (epoch seconds for the creation time, the stream's ARN)."""
    change = dict(record["dynamodb"])
    for image in ("Keys", "NewImage", "OldImage"):
        if image in change:
            change[image] = {name: _attribute_value(value) for name, value in change[image].items()}
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", "us-east-1"),
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


class TableStreamPoller:
    def __init__(self, dynamodb: Any, streams: Any, table_name: str, handlers: list[BatchHandler],
                 start_at: StartAt = "TRIM_HORIZON") -> None:
        self._dynamodb, self._streams = dynamodb, streams
        self._table_name = table_name
        self._handlers = handlers
        self._start_at: StartAt = start_at
        self._iterators: dict[str, str | None] = {}
        self._attempts: dict[str, int] = {}
        self._stream_arn = ""
        self._polls = 0
        self._idle = False
        self.delivered = 0
        self.failed_batches = 0
        self.skipped_batches = 0

    def open(self) -> None:
        self._stream_arn = self._dynamodb.describe_table(TableName=self._table_name)["Table"]["LatestStreamArn"]
        self._refresh_shards(self._start_at)

    def _refresh_shards(self, position: StartAt) -> None:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            closed = "EndingSequenceNumber" in shard["SequenceNumberRange"]
            if closed and position == "LATEST":
                self._iterators[shard_id] = None
                continue
            self._iterators[shard_id] = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType=position
            )["ShardIterator"]

    def poll_once(self) -> int:
        """Reads each open shard once and hands what came to every consumer; the number of records handed."""
        self._polls += 1
        if self._idle or self._polls % SHARD_REFRESH_POLLS == 0:
            self._refresh_shards("TRIM_HORIZON")  # shards born since: from their first record
        delivered = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            reply = self._streams.get_records(ShardIterator=iterator, Limit=RECORDS_PER_CALL)
            records = reply.get("Records", [])
            if records and not self._deliver({"Records": [lambda_record(r, self._stream_arn) for r in records]}):
                attempts = self._attempts.get(shard_id, 0) + 1
                if attempts < MAX_ATTEMPTS:
                    self._attempts[shard_id] = attempts
                    self._iterators[shard_id] = self._streams.get_shard_iterator(
                        StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER",
                        SequenceNumber=records[0]["dynamodb"]["SequenceNumber"],
                    )["ShardIterator"]
                    continue
                log.error("a stream batch of %d records failed %d times; passed over", len(records), attempts)
                self.skipped_batches += 1
            self._attempts.pop(shard_id, None)
            delivered += len(records)
            self._iterators[shard_id] = reply.get("NextShardIterator")
        self.delivered += delivered
        self._idle = delivered == 0
        return delivered

    def drain(self, max_polls: int = 50) -> int:
        """Polls until two polls in a row bring nothing (or max_polls); the number of records handed."""
        total, empty = 0, 0
        for _ in range(max_polls):
            got = self.poll_once()
            total += got
            empty = empty + 1 if got == 0 else 0
            if empty == 2:
                return total
        return total

    def _deliver(self, event: dict[str, Any]) -> bool:
        healthy = True
        for handler in self._handlers:
            try:
                failures = handler(event).get("batchItemFailures") or []
            except Exception:
                log.exception("a stream consumer failed")
                failures = ["*"]
            if failures:
                log.warning("a stream consumer reported %d failed records", len(failures))
                healthy = False
        if not healthy:
            self.failed_batches += 1
        return healthy


class PollingThread:
    """Runs a poller until stopped: polls back to back while records come, waits `interval_seconds` when idle."""

    def __init__(self, poller: TableStreamPoller, interval_seconds: float = 0.5) -> None:
        self.poller = poller
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="table-stream", daemon=True)

    def start(self) -> None:
        self.poller.open()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def request_stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.poller.poll_once() == 0:
                    self._stop.wait(self._interval)
            except Exception:
                log.exception("table stream: polling failed; trying again")
                self._stop.wait(self._interval * 5)
