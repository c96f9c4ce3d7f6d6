"""Shared set-up for the line-loss tests: a topology made through the archives API and meter readings sent
through the real stream consumers (raw reading -> daily/monthly rollups -> line-loss node cells)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from functions.ingest.rollups import TenantZones
from functions.ingest.rollups import process_stream_batch as roll_up
from functions.reports.line_loss_stream import process_stream_batch as count_loss
from functions.reports.topologies import TopologyCache
from functions.streams.records import stream_event, stream_record
from gridvend.ami.rollups import StoredReading
from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT
from gridvend.store.ami.readings import NewReading, reading_item
from tests.api.conftest import Api

# Meter serials of the test topology: one line (master M0) feeding two transformer areas and one consumer.
LINE_MASTER, AREA1_MASTER, AREA2_MASTER = "LL0", "LL1", "LL2"
AREA1_METERS, AREA2_METERS, LINE_METERS = ("C11", "C12"), ("C21",), ("C01",)


@dataclass
class Grid:
    tenant_id: str
    headers: dict[str, str]
    topology_id: str
    node_ids: dict[str, str] = field(default_factory=dict)  # code -> id


def create(api: Api, headers: dict[str, str], kind: str, body: dict[str, object]) -> str:
    reply = api.call("POST", f"/v1/archives/{kind}", body, headers)
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def build_grid(api: Api, tenant_id: str, headers: dict[str, str], prefix: str = "") -> Grid:
    topology_id = create(api, headers, "topologies", {"code": "TOPO", "name": "Feeder 1"})
    grid = Grid(tenant_id, headers, topology_id)
    line = create(api, headers, "topology-nodes", {
        "code": "L1", "name": "Line 1", "topology_id": topology_id, "level": "line",
        "master_meter": prefix + LINE_MASTER, "meters": [prefix + meter for meter in LINE_METERS],
    })
    grid.node_ids["L1"] = line
    for code, master, meters in (("A1", AREA1_MASTER, AREA1_METERS), ("A2", AREA2_MASTER, AREA2_METERS)):
        grid.node_ids[code] = create(api, headers, "topology-nodes", {
            "code": code, "name": f"Area {code}", "topology_id": topology_id, "level": "transformer",
            "parent_id": line, "master_meter": prefix + master, "meters": [prefix + meter for meter in meters],
        })
    return grid


def send_readings(api: Api, tenant_id: str, readings: list[tuple[str, datetime, int, int]],
                  *, twice: bool = False) -> None:
    """(meter, UTC time, import Wh, export Wh) readings through the rollup consumer, then every rollup it wrote
    through the line-loss consumer, as the table's stream would deliver them."""
    items = [
        reading_item(NewReading(tenant_id, f"thing-{meter}", uuid.uuid4().hex,
                                StoredReading(meter, at, {ACTIVE_IMPORT: imported, ACTIVE_EXPORT: exported})), 90)
        for meter, at, imported, exported in readings
    ]
    outcome = roll_up(stream_event([stream_record("INSERT", item) for item in items]), api.store,
                      TenantZones(api.store))
    assert outcome["batchItemFailures"] == []
    touched = {(meter, f"{at.astimezone(UTC):%Y-%m}") for meter, at, _, _ in readings}
    rollups = [api.store.get(f"T#{tenant_id}#RU#{meter}", f"M#{month}") for meter, month in sorted(touched)]
    event = stream_event([stream_record("MODIFY", item) for item in rollups if item is not None])
    for _ in range(2 if twice else 1):
        assert count_loss(event, api.store, TopologyCache(api.store))["batchItemFailures"] == []


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00")
