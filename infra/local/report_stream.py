"""`python -m infra.local.report_stream`: the local stand-in for the event source mappings of the report stream
consumers. It polls DynamoDB Local's table stream (DescribeStream, GetShardIterator, GetRecords) and hands each
batch, in Lambda's event shape, to the sales cells consumer (functions.streams.handler) and the line-loss consumer
(functions.reports.line_loss_stream), as the cloud does. The reading rollups consumer is fed by iot.router.

Under `make up` it reads every shard from its oldest record (TRIM_HORIZON): both consumers skip what they have
counted before, so a restart replays harmlessly and sales made while it was down still reach the reports.
A batch whose consumer fails is handed over again on the next poll, like a Lambda retry."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import boto3

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

log = logging.getLogger("gridvend.report_stream")
BatchHandler = Callable[[dict[str, Any]], dict[str, Any]]
StartAt = Literal["TRIM_HORIZON", "LATEST"]
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
HEALTH_PORT = 8013
RECORDS_PER_CALL = 1000
SHARD_REFRESH_POLLS = 20


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


class ReportStreamPoller:
    def __init__(self, dynamodb: Any, streams: Any, table_name: str, handlers: list[BatchHandler],
                 start_at: StartAt = "TRIM_HORIZON") -> None:
        self._dynamodb, self._streams = dynamodb, streams
        self._table_name = table_name
        self._handlers = handlers
        self._start_at: StartAt = start_at
        self._iterators: dict[str, str | None] = {}
        self._stream_arn = ""
        self._polls = 0
        self._idle = False
        self.delivered = 0
        self.failed_batches = 0

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
                # Keep the iterator: the same records come again on the next poll.
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER",
                    SequenceNumber=records[0]["dynamodb"]["SequenceNumber"],
                )["ShardIterator"]
                continue
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
                log.exception("a report stream consumer failed")
                failures = ["*"]
            if failures:
                log.warning("a report stream consumer reported %d failed records", len(failures))
                healthy = False
        if not healthy:
            self.failed_batches += 1
        return healthy


def report_handlers(store: Any) -> list[BatchHandler]:
    """The report consumers on one store, each with its own caches, as separate Lambdas would have."""
    from functions.reports.line_loss_stream import process_stream_batch as line_loss_batch
    from functions.reports.topologies import TopologyCache
    from functions.streams.handler import process_stream_batch as sales_batch
    from functions.streams.tenants import TenantFacts

    tenants, topologies = TenantFacts(store), TopologyCache(store)
    return [lambda event: sales_batch(event, store, tenants), lambda event: line_loss_batch(event, store, topologies)]


def report_stream_spec(env: Mapping[str, str], port: int = HEALTH_PORT) -> ServiceSpec:
    return ServiceSpec(
        name="report-stream",
        command=[sys.executable, "-m", "infra.local.report_stream", "--health-port", str(port)],
        port=port,
        host=LOOPBACK,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=60.0,
    )


def main(argv: list[str] | None = None) -> int:
    from iot.router.environment import local_env, table_store
    from iot.router.health import HealthPort

    parser = argparse.ArgumentParser(prog="python -m infra.local.report_stream", description=__doc__)
    parser.add_argument("--health-port", type=int, default=HEALTH_PORT, help="loopback port open once ready (0: none)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls that found nothing")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = local_env()
    session = boto3.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "local"),
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    endpoint = env["AWS_ENDPOINT_URL_DYNAMODB"]
    poller = ReportStreamPoller(
        session.client("dynamodb", endpoint_url=endpoint),
        session.client("dynamodbstreams", endpoint_url=endpoint),
        env["GRIDVEND_TABLE"],
        report_handlers(table_store(env)),
    )
    poller.open()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    health = HealthPort(LOOPBACK, arguments.health_port) if arguments.health_port else None
    if health:
        health.start()
    print(f"report stream: polling the stream of {env['GRIDVEND_TABLE']}", flush=True)
    try:
        while not stop.is_set():
            try:
                if poller.poll_once() == 0:
                    stop.wait(arguments.interval)
            except Exception:
                log.exception("report stream: polling failed; trying again")
                stop.wait(arguments.interval * 5)
    finally:
        if health:
            health.close()
    print(f"report stream: {poller.delivered} records handed, {poller.failed_batches} batches retried", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
