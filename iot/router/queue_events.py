"""Queue (SQS) event records as Lambda receives them, built around IoT-rule messages."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:gridvend-uplinks"


def queue_record(body: dict[str, Any], receive_count: int = 1) -> dict[str, Any]:
    text = json.dumps(body)
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": uuid.uuid4().hex,
        "body": text,
        "attributes": {
            "ApproximateReceiveCount": str(receive_count),
            "SentTimestamp": str(body.get("received_at", 0)),
            "SenderId": "iot.amazonaws.com",
            "ApproximateFirstReceiveTimestamp": str(body.get("received_at", 0)),
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(text.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def queue_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}
