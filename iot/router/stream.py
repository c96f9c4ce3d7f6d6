"""DynamoDB Local's table stream, polled and handed to a stream consumer in Lambda's event shape, as
the event source mapping does in the cloud. Shards open at start are read from their latest record;
shards that appear later (DynamoDB rolls shards over) from their first."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

log = logging.getLogger("gridvend.router.stream")
BatchHandler = Callable[[dict[str, Any]], dict[str, Any]]
SHARD_REFRESH_SECONDS = 10.0
RECORDS_PER_CALL = 1000


def lambda_stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = created.timestamp()
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", "us-east-1"),
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


class StreamPoller:
    def __init__(self, dynamodb: Any, streams: Any, table_name: str, handle_batch: BatchHandler,
                 interval_seconds: float = 0.5) -> None:
        self._dynamodb, self._streams = dynamodb, streams
        self._table_name = table_name
        self._handle_batch = handle_batch
        self._interval = interval_seconds
        self._iterators: dict[str, str | None] = {}
        self._stream_arn = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)
        self.delivered = 0

    def start(self) -> None:
        self._stream_arn = self._dynamodb.describe_table(TableName=self._table_name)["Table"]["LatestStreamArn"]
        self._refresh_shards(first_time=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _refresh_shards(self, first_time: bool) -> None:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
        for shard in description["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id in self._iterators:
                continue
            closed = "EndingSequenceNumber" in shard["SequenceNumberRange"]
            if first_time and closed:
                self._iterators[shard_id] = None
                continue
            position = "LATEST" if first_time else "TRIM_HORIZON"
            self._iterators[shard_id] = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType=position
            )["ShardIterator"]

    def poll_once(self) -> int:
        delivered = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            reply = self._streams.get_records(ShardIterator=iterator, Limit=RECORDS_PER_CALL)
            records = reply.get("Records", [])
            if records:
                event = {"Records": [lambda_stream_record(record, self._stream_arn) for record in records]}
                self._handle_batch(event)  # raising leaves the iterator here: the batch comes again
                delivered += len(records)
            self._iterators[shard_id] = reply.get("NextShardIterator")
        self.delivered += delivered
        return delivered

    def _run(self) -> None:
        refreshed = time.monotonic()
        while not self._stop.is_set():
            try:
                if time.monotonic() - refreshed > SHARD_REFRESH_SECONDS:
                    self._refresh_shards(first_time=False)
                    refreshed = time.monotonic()
                if self.poll_once() == 0:
                    self._stop.wait(self._interval)
            except Exception:
                log.exception("stream poller: a batch failed; trying again")
                self._stop.wait(self._interval * 4)
