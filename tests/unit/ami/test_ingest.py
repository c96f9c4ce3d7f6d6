"""The ingest service on the in-memory store: what it stores, what it refuses and why, and that a
redelivered message changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from functions.ingest.directory import Directory
from functions.ingest.handler import process_batch
from functions.ingest.network import NetworkTracker
from functions.ingest.service import Ingestor, Outcome, Status
from gridvend.iot import obis
from gridvend.iot.messages import EventCode, EventMessage, ReadingMessage
from gridvend.iot.rule_events import Uplink, read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.events import EventRepository
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from gridvend.store.memory import MemoryItemStore
from iot.router.queue_events import queue_event, queue_record

SERIAL = "04710000001"


@pytest.fixture
def store() -> MemoryItemStore:
    store = MemoryItemStore()
    ThingRegistry(store, "acme").register(Thing("MOD-1", ThingKind.MODULE, (SERIAL,), "acme:MOD-1"))
    ThingRegistry(store, "other").register(Thing("MOD-9", ThingKind.MODULE, ("04710000009",), "other:MOD-9"))
    return store


def _ingestor(store: MemoryItemStore) -> Ingestor:
    return Ingestor(store, Directory(store), NetworkTracker(store), lambda uplink: Outcome(Status.STORED))


def _body(tenant: str, thing: str, channel: Channel, message: Any, received: datetime | None = None) -> str:
    moment = received or datetime.now(UTC)
    return json.dumps(rule_message(uplink_topic(tenant, thing, channel), message.model_dump_json().encode(),
                                   int(moment.timestamp() * 1000)))


def _uplink(*args: Any) -> Uplink:
    return read_uplink(_body(*args))


def _reading(meter: str = SERIAL, at: datetime | None = None, msg_id: str = "reading-0001") -> ReadingMessage:
    return ReadingMessage(msg_id=msg_id, meter=meter, at=at or datetime.now(UTC) - timedelta(minutes=1),
                          registers={obis.ACTIVE_IMPORT: Decimal("1.5")})


def _raw_readings(store: MemoryItemStore) -> list[dict[str, Any]]:
    return [item for item in store.all_items() if item.get("entity") == "reading"]


def test_a_redelivered_reading_is_stored_once(store: MemoryItemStore) -> None:
    uplink = _uplink("acme", "MOD-1", Channel.READING, _reading())

    first = _ingestor(store).ingest([uplink, uplink])
    later = _ingestor(store).ingest([uplink])

    assert [outcome.status for outcome in first + later] == [Status.STORED, Status.DUPLICATE, Status.DUPLICATE]
    assert len(_raw_readings(store)) == 1


@pytest.mark.parametrize(
    ("tenant", "thing", "meter", "reason"),
    [
        ("acme", "MOD-404", SERIAL, "thing MOD-404 is not registered in tenant acme"),
        ("acme", "MOD-1", "04710000009", "meter 04710000009 is not served by thing MOD-1"),
        ("other", "MOD-9", SERIAL, f"meter {SERIAL} is not served by thing MOD-9"),
    ],
)
def test_a_message_naming_what_its_thing_does_not_serve_is_refused(
    store: MemoryItemStore, tenant: str, thing: str, meter: str, reason: str
) -> None:
    outcome = _ingestor(store).ingest([_uplink(tenant, thing, Channel.READING, _reading(meter))])[0]

    assert outcome.status is Status.REJECTED and outcome.reason.startswith(reason)
    assert _raw_readings(store) == []


def test_a_reading_from_the_future_is_refused(store: MemoryItemStore) -> None:
    ahead = _reading(at=datetime.now(UTC) + timedelta(hours=2))
    outcome = _ingestor(store).ingest([_uplink("acme", "MOD-1", Channel.READING, ahead)])[0]
    assert outcome.status is Status.REJECTED and "ahead of the broker's clock" in outcome.reason


def test_an_alarm_event_raises_one_alarm_even_when_redelivered(store: MemoryItemStore) -> None:
    tamper = EventMessage(msg_id="event-0001", meter=SERIAL, at=datetime.now(UTC), code=EventCode.TAMPER)
    uplink = _uplink("acme", "MOD-1", Channel.EVENT, tamper)

    outcomes = _ingestor(store).ingest([uplink]) + _ingestor(store).ingest([uplink])

    alarms, _ = EventRepository(store, "acme").open_alarms(limit=10, start_key=None)
    assert [outcome.status for outcome in outcomes] == [Status.STORED, Status.DUPLICATE]
    assert [(alarm["code"], alarm["severity"]) for alarm in alarms] == [("tamper", 5)]


def test_the_queue_handler_drops_unreadable_records_and_stores_the_rest(store: MemoryItemStore) -> None:
    good = json.loads(_body("acme", "MOD-1", Channel.READING, _reading(msg_id="reading-0002")))
    event = queue_event([queue_record({"garbage": True}), queue_record(good)])

    response = process_batch(event, _ingestor(store))

    assert response == {"batchItemFailures": []}
    assert [item["data"]["msg_id"] for item in _raw_readings(store)] == ["reading-0002"]
