"""What the IoT rule hands the ingest function, and how an uplink is read out of it.

The rule (template.yaml) selects, for every message on gv/+/+/up/+:
    SELECT topic() AS topic, clientid() AS client_id, timestamp() AS received_at,
           encode(*, 'base64') AS payload_b64 FROM 'gv/+/+/up/+'
and sends it to a queue whose batches reach the ingest function. The payload travels as base64 so
that a payload which is not JSON reaches ingest too, to be refused with a reason. The local router
builds the same records.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gridvend.iot.messages import MAX_PAYLOAD_BYTES, AckMessage, EventMessage, ReadingMessage, UplinkMessage
from gridvend.iot.topics import BadTopic, Channel, UplinkTopic, parse_uplink_topic

RULE_SQL = (
    "SELECT topic() AS topic, clientid() AS client_id, timestamp() AS received_at, "
    "encode(*, 'base64') AS payload_b64 FROM 'gv/+/+/up/+'"
)
_MODELS: dict[Channel, type[ReadingMessage | EventMessage | AckMessage]] = {
    Channel.READING: ReadingMessage,
    Channel.EVENT: EventMessage,
    Channel.ACK: AckMessage,
}


class RuleMessage(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    topic: str = Field(max_length=256)
    client_id: str = Field(default="", max_length=128)
    received_at: int = Field(ge=0)  # milliseconds since the epoch, the broker's clock
    payload_b64: str = Field(max_length=(MAX_PAYLOAD_BYTES * 4) // 3 + 4)


@dataclass(frozen=True)
class Uplink:
    topic: UplinkTopic
    message: UplinkMessage
    received_at_ms: int


class Rejected(Exception):
    """An uplink that can never be stored (retrying will not help); the reason goes to the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def rule_message(topic: str, payload: bytes, received_at_ms: int, client_id: str = "") -> dict[str, Any]:
    """The rule's output for one MQTT message (what the local router puts in each queue record)."""
    return {
        "topic": topic,
        "client_id": client_id,
        "received_at": received_at_ms,
        "payload_b64": base64.b64encode(payload).decode(),
    }


def read_uplink(record_body: str) -> Uplink:
    """One queue record's body into a typed uplink; Rejected names what is wrong with it."""
    try:
        envelope = RuleMessage.model_validate_json(record_body)
    except ValidationError as error:
        raise Rejected(f"not an IoT rule message: {_first_problem(error)}") from None
    try:
        topic = parse_uplink_topic(envelope.topic)
    except BadTopic as error:
        raise Rejected(str(error)) from None
    try:
        payload = base64.b64decode(envelope.payload_b64, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected("payload_b64 is not base64") from None
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise Rejected(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        raise Rejected("payload is not JSON") from None
    if not isinstance(document, dict):
        raise Rejected("payload is not a JSON object")
    try:
        message = _MODELS[topic.channel].model_validate(document)
    except ValidationError as error:
        raise Rejected(f"{topic.channel.value} payload: {_first_problem(error)}") from None
    return Uplink(topic, message, envelope.received_at)


def _first_problem(error: ValidationError) -> str:
    problem = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in problem["loc"]) or "payload"
    return f"{where}: {problem['msg']}"
