"""DynamoDB stream records in the wire shape Lambda receives, made from items: for tests, the local stream
poller's replays and the benchmark (the same handler then reads them as it reads the real stream)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from gridvend.clock import utc_now
from gridvend.store.items import Item

_serializer = TypeSerializer()


def wire_image(item: Item) -> dict[str, Any]:
    return {name: _serializer.serialize(_wire_value(value)) for name, value in item.items()}


def _wire_value(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _wire_value(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_wire_value(inner) for inner in value]
    return value


def stream_record(event_name: str, new_item: Item | None, old_item: Item | None = None,
                  at: datetime | None = None) -> dict[str, Any]:
    keys_of = new_item or old_item or {}
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": int((at or utc_now()).timestamp()),
        "Keys": wire_image({"pk": keys_of["pk"], "sk": keys_of["sk"]}),
        "SequenceNumber": str(uuid.uuid4().int)[:21],
        "SizeBytes": 100,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new_item is not None:
        body["NewImage"] = wire_image(new_item)
    if old_item is not None:
        body["OldImage"] = wire_image(old_item)
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": body,
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/gridvend/stream/local",
    }


def stream_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}
