"""Ingest of device uplinks: each one is checked against the thing that published it (the tenant and
thing come from the topic), then stored once. Readings go in bulk (conditional puts in transactions of
up to 100), events one by one with their alarm, acknowledgements through the command tasks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from functions.ingest.directory import Directory
from functions.ingest.network import NetworkTracker
from gridvend.ami.events import event_type
from gridvend.ami.rollups import StoredReading
from gridvend.iot.messages import AckMessage, EventCode, EventMessage, ReadingMessage
from gridvend.iot.obis import stored_registers
from gridvend.iot.rule_events import Uplink
from gridvend.store.ami.events import NewEvent, add_event
from gridvend.store.ami.readings import DEFAULT_RETENTION_DAYS, NewReading, add_readings
from gridvend.store.items import ItemStore

FUTURE_TOLERANCE = timedelta(hours=1)  # a meter clock may run this far ahead of the broker's


class Status(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    status: Status
    reason: str = ""


STORED = Outcome(Status.STORED)
DUPLICATE = Outcome(Status.DUPLICATE)
AckHandler = Callable[[Uplink], Outcome]
EventListener = Callable[[NewEvent], None]  # called once per newly stored event


def rejected(reason: str) -> Outcome:
    return Outcome(Status.REJECTED, reason)


class Ingestor:
    def __init__(
        self,
        store: ItemStore,
        directory: Directory,
        network: NetworkTracker,
        on_ack: AckHandler,
        event_listeners: Sequence[EventListener] = (),
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self._store = store
        self._directory = directory
        self._network = network
        self._on_ack = on_ack
        self._event_listeners = tuple(event_listeners)
        self._retention_days = retention_days

    def ingest(self, uplinks: Sequence[Uplink]) -> list[Outcome]:
        """One outcome per uplink, in order. Storage errors propagate (the batch is retried)."""
        outcomes: list[Outcome | None] = [None] * len(uplinks)
        readings: list[tuple[int, NewReading]] = []
        for position, uplink in enumerate(uplinks):
            refusal = self._refusal(uplink)
            if refusal is not None:
                outcomes[position] = refusal
                continue
            message = uplink.message
            if isinstance(message, ReadingMessage):
                readings.append((position, self._new_reading(uplink, message)))
            elif isinstance(message, EventMessage):
                outcomes[position] = self._event(uplink, message)
            elif isinstance(message, AckMessage):
                outcomes[position] = self._on_ack(uplink)
        if readings:
            fresh = add_readings(self._store, [new for _, new in readings], self._retention_days)
            for (position, _), is_new in zip(readings, fresh, strict=True):
                outcomes[position] = STORED if is_new else DUPLICATE
        return [outcome or rejected("not handled") for outcome in outcomes]

    def _refusal(self, uplink: Uplink) -> Outcome | None:
        topic, message = uplink.topic, uplink.message
        thing = self._directory.thing(topic.tenant_id, topic.thing_id)
        if thing is None:
            return rejected(f"thing {topic.thing_id} is not registered in tenant {topic.tenant_id}")
        if not thing.serves(message.meter):
            return rejected(f"meter {message.meter} is not served by thing {topic.thing_id} of this tenant")
        received = datetime.fromtimestamp(uplink.received_at_ms / 1000, UTC)
        if message.at > received + FUTURE_TOLERANCE:
            return rejected(f"time {message.at.isoformat()} is ahead of the broker's clock")
        return None

    def _new_reading(self, uplink: Uplink, message: ReadingMessage) -> NewReading:
        reading = StoredReading(message.meter, message.at, stored_registers(dict(message.registers)))
        return NewReading(uplink.topic.tenant_id, uplink.topic.thing_id, message.msg_id, reading)

    def _event(self, uplink: Uplink, message: EventMessage) -> Outcome:
        tenant_id, thing_id = uplink.topic.tenant_id, uplink.topic.thing_id
        kind = event_type(message.code.value, self._directory.event_types(tenant_id))
        at = message.at
        if message.code is EventCode.MODULE_OFFLINE and message.detail.get("will"):
            # A last will was written at connect time; the broker sends it when the link drops.
            at = max(at, datetime.fromtimestamp(uplink.received_at_ms / 1000, UTC))
        new = NewEvent(
            tenant_id, thing_id, message.msg_id, message.meter, at, kind, message.value, dict(message.detail)
        )
        if not add_event(self._store, new):
            return DUPLICATE
        self._network.event(new)
        for listener in self._event_listeners:
            listener(new)
        return STORED
