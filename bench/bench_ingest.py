"""Readings ingested per second into DynamoDB Local, next to a raw BatchWriteItem floor in the same run.

Run: PYTHONPATH=. .venv/bin/python bench/bench_ingest.py [--readings N] [--meters N] [--rounds N]
Prints figures only; it never passes or fails on speed.
  floor   the same reading items, already built as Python dicts, serialized and written with boto3
          BatchWriteItem (25 a call, no checks at all)
  ingest  queue events of 100 IoT-rule records through functions.ingest.handler.process_batch: the rule
          envelope read, the payload validated, the thing and meter checked, every reading stored with a
          conditional put (transactions of up to 100), so a redelivered message is stored once
Rounds alternate floor and ingest (fresh keys each time) so other load on the machine falls on both;
the best round of each is reported. The goal is ingest >= 0.7x the floor. Rollups are kept by the
table stream's consumer (functions/ingest/rollups.py), off this path; their rate is printed too.
DynamoDB Local is started for the run on a free loopback port and stopped by its pid.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer

from functions.ingest.handler import process_batch
from functions.ingest.rollups import TenantZones, update_rollups
from functions.ingest.service import Ingestor, Outcome, Status
from gridvend.ami.rollups import StoredReading
from gridvend.iot import obis
from gridvend.iot.messages import ReadingMessage
from gridvend.iot.rule_events import rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.readings import DEFAULT_RETENTION_DAYS, NewReading, reading_item
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from iot.router.queue_events import queue_event, queue_record

BATCH = 100


def _registers(index: int) -> dict[str, Decimal]:
    return {
        obis.ACTIVE_IMPORT: Decimal(1000 + index) / 10, obis.import_rate(1): Decimal(index) / 10,
        obis.ACTIVE_EXPORT: Decimal(0), obis.ACTIVE_POWER: Decimal(850), obis.VOLTAGE_L1: Decimal("230.1"),
        obis.CURRENT_L1: Decimal("3.9"), obis.CREDIT: Decimal("25.4"), obis.RELAY_STATE: Decimal(1),
    }


def _messages(tenant: str, meters: int, count: int, start: datetime) -> list[tuple[str, ReadingMessage]]:
    found = []
    for index in range(count):
        serial = f"0471{index % meters:07d}"
        at = start + timedelta(minutes=index // meters)
        message = ReadingMessage(msg_id=uuid.uuid4().hex, meter=serial, at=at, registers=_registers(index))
        found.append((serial, message))
    return found


def _floor(client: Any, table: str, tenant: str, messages: list[tuple[str, ReadingMessage]]) -> float:
    """The same items, from Python dicts to the table: serialized and sent with BatchWriteItem."""
    serializer = TypeSerializer()
    items = [
        reading_item(NewReading(tenant, f"MOD-{serial}", message.msg_id, StoredReading(
            serial, message.at, obis.stored_registers(dict(message.registers)))), DEFAULT_RETENTION_DAYS)
        for serial, message in messages
    ]
    started = time.perf_counter()
    for first in range(0, len(items), 25):
        pending = [
            {"PutRequest": {"Item": {name: serializer.serialize(value) for name, value in item.items()}}}
            for item in items[first : first + 25]
        ]
        while pending:
            reply = client.batch_write_item(RequestItems={table: pending})
            pending = reply.get("UnprocessedItems", {}).get(table, [])
    return len(items) / (time.perf_counter() - started)


def _ingest(ingestor: Ingestor, tenant: str, messages: list[tuple[str, ReadingMessage]]) -> float:
    received = int(datetime.now(UTC).timestamp() * 1000)
    events = []
    for first in range(0, len(messages), BATCH):
        records = [
            queue_record(rule_message(uplink_topic(tenant, f"MOD-{serial}", Channel.READING),
                                      message.model_dump_json().encode(), received))
            for serial, message in messages[first : first + BATCH]
        ]
        events.append(queue_event(records))
    started = time.perf_counter()
    for event in events:
        failures = process_batch(event, ingestor)["batchItemFailures"]
        assert not failures, failures
    return len(messages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=3000, help="readings per round")
    parser.add_argument("--meters", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    from infra.local.dynamodb_local import dynamodb_local_spec
    from infra.local.supervisor import Supervisor, start_on_free_port

    supervisor = Supervisor(Path(tempfile.mkdtemp(prefix="bench-ingest-")))
    try:
        service = start_on_free_port(supervisor, lambda port: dynamodb_local_spec(port=port))
        endpoint = f"http://{service.host}:{service.port}"
        table = f"bench-{uuid.uuid4().hex[:8]}"
        configure_table(table, endpoint)
        create_table_if_missing()
        store = DynamoItemStore()
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        from functions.ingest.directory import Directory
        from functions.ingest.network import NetworkTracker

        ingestor = Ingestor(store, Directory(store), NetworkTracker(store), lambda _: Outcome(Status.STORED))
        floors, ingests = [], []
        start = datetime.now(UTC) - timedelta(days=2)
        ingest_tenant = "ingestx"
        registry = ThingRegistry(store, ingest_tenant)
        for meter in range(arguments.meters):
            serial = f"0471{meter:07d}"
            registry.register(Thing(f"MOD-{serial}", ThingKind.MODULE, (serial,), f"{ingest_tenant}:MOD-{serial}"))
        # Steady state: every thing has been heard from once (its lookup cached, its network status written).
        _ingest(ingestor, ingest_tenant, _messages(ingest_tenant, arguments.meters, arguments.meters,
                                                   start - timedelta(hours=1)))
        print(f"{arguments.readings} readings a round from {arguments.meters} meters, {arguments.rounds} rounds")
        for round_number in range(arguments.rounds):
            floor_tenant = f"floor{round_number}x"
            moment = start + timedelta(hours=round_number)
            floors.append(_floor(client, table, floor_tenant, _messages(floor_tenant, arguments.meters,
                                                                         arguments.readings, moment)))
            ingests.append(_ingest(ingestor, ingest_tenant, _messages(ingest_tenant, arguments.meters,
                                                                       arguments.readings, moment)))
            print(f"  round {round_number + 1}: floor {floors[-1]:8.0f}/s   ingest {ingests[-1]:8.0f}/s")
        floor, ingest = max(floors), max(ingests)
        print(f"floor  (raw BatchWriteItem)           {floor:8.0f} readings/s")
        print(f"ingest (validated, checked, once-only) {ingest:8.0f} readings/s"
              f"   x{ingest / floor:.2f} of floor (goal >= 0.70)")
        readings = [
            (ingest_tenant, StoredReading(f"0471{index % arguments.meters:07d}",
                                                           start + timedelta(minutes=index // arguments.meters),
                                                           {obis.ACTIVE_IMPORT: index}))
            for index in range(arguments.readings)
        ]
        started = time.perf_counter()
        written = update_rollups(store, TenantZones(store), readings)
        rate = len(readings) / (time.perf_counter() - started)
        print(f"rollups (stream consumer, one batch)  {rate:8.0f} readings/s into {written} daily/monthly rollups")
        print(json.dumps({"floor_per_second": round(floor), "ingest_per_second": round(ingest),
                          "ratio": round(ingest / floor, 3)}))
    finally:
        supervisor.stop_all()


if __name__ == "__main__":
    main()
