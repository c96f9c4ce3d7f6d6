"""The shared local stream poller: Lambda-shaped records, a failed batch handed again, and a batch that keeps
failing passed over after MAX_ATTEMPTS so one bad record cannot stop the shard."""

from __future__ import annotations

from typing import Any

from infra.local.table_stream import MAX_ATTEMPTS, TableStreamPoller, lambda_record

ARN = "arn:aws:dynamodb:local:000000000000:table/t/stream/1"


class FakeStreams:
    """One open shard holding `records`; an iterator is the index of the next record to hand."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def describe_table(self, **call: str) -> dict[str, Any]:
        return {"Table": {"LatestStreamArn": ARN}}

    def describe_stream(self, **call: str) -> dict[str, Any]:
        return {"StreamDescription": {"Shards": [{"ShardId": "s1", "SequenceNumberRange": {}}]}}

    def get_shard_iterator(self, **call: str) -> dict[str, Any]:
        at_sequence = call["ShardIteratorType"] == "AT_SEQUENCE_NUMBER"
        return {"ShardIterator": call["SequenceNumber"] if at_sequence else "0"}

    def get_records(self, **call: Any) -> dict[str, Any]:
        start = int(call["ShardIterator"])
        batch = self.records[start:start + 2]
        return {"Records": batch, "NextShardIterator": str(start + len(batch))}


def record(number: int) -> dict[str, Any]:
    image = {"pk": {"S": f"T#t#X{number}"}, "data": {}, "tags": {"M": {"inner": {}}}}
    return {"eventID": f"e{number}", "eventName": "INSERT",
            "dynamodb": {"SequenceNumber": str(number), "NewImage": image}}


def test_records_come_in_lambdas_shape_with_empty_maps_typed_again() -> None:
    shaped = lambda_record(record(0), ARN)
    assert shaped["eventSourceARN"] == ARN and shaped["eventSource"] == "aws:dynamodb"
    assert shaped["dynamodb"]["NewImage"]["data"] == {"M": {}}
    assert shaped["dynamodb"]["NewImage"]["tags"] == {"M": {"inner": {"M": {}}}}


def test_a_failed_batch_comes_again_and_then_the_next_one() -> None:
    streams = FakeStreams([record(n) for n in range(4)])
    seen: list[list[str]] = []
    failures = iter([True, False, False])

    def consumer(event: dict[str, Any]) -> dict[str, Any]:
        seen.append([r["eventID"] for r in event["Records"]])
        return {"batchItemFailures": [{"itemIdentifier": "x"}] if next(failures) else []}

    poller = TableStreamPoller(streams, streams, "t", [consumer])
    poller.open()
    poller.drain()
    assert seen == [["e0", "e1"], ["e0", "e1"], ["e2", "e3"]]
    assert poller.delivered == 4 and poller.failed_batches == 1 and poller.skipped_batches == 0


def test_a_batch_that_always_fails_is_passed_over_after_max_attempts() -> None:
    streams = FakeStreams([record(n) for n in range(3)])
    attempts: list[str] = []

    def consumer(event: dict[str, Any]) -> dict[str, Any]:
        first = event["Records"][0]["eventID"]
        attempts.append(first)
        if first == "e0":
            raise ValueError("a record this consumer can never take")
        return {"batchItemFailures": []}

    poller = TableStreamPoller(streams, streams, "t", [consumer])
    poller.open()
    for _ in range(MAX_ATTEMPTS + 3):
        poller.poll_once()
    assert attempts.count("e0") == MAX_ATTEMPTS and attempts[-1] == "e2"
    assert poller.skipped_batches == 1
