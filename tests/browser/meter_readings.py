"""Meter readings for the browser stack as the IoT router would store them: run in a process of its own (the API's
environment, so this test process keeps its own table setting), through the reading rollup consumer; the stack's
report stream consumer then turns the rollups into line-loss cells, as in the cloud.

    python -m tests.browser.meter_readings <tenant> '[[meter, iso UTC time, import Wh], ...]'
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def send(env: dict[str, str], tenant: str, readings: list[tuple[str, str, int]]) -> None:
    """Writes the readings' rollups to the stack's table (in a child process with the stack's environment)."""
    subprocess.run(
        [sys.executable, "-m", "tests.browser.meter_readings", tenant, json.dumps(readings)],
        cwd=REPOSITORY_ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        check=True,
        timeout=120,
    )


def main(tenant: str, readings_json: str) -> None:
    from functions.common.deps import item_store
    from functions.ingest.rollups import TenantZones
    from functions.ingest.rollups import process_stream_batch as roll_up
    from functions.streams.records import stream_event, stream_record
    from gridvend.ami.rollups import StoredReading
    from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT
    from gridvend.store.ami.readings import NewReading, reading_item

    store = item_store()
    items = [
        reading_item(NewReading(tenant, f"thing-{meter}", uuid.uuid4().hex,
                                StoredReading(meter, datetime.fromisoformat(at), {ACTIVE_IMPORT: imported,
                                                                                  ACTIVE_EXPORT: 0})), 90)
        for meter, at, imported in json.loads(readings_json)
    ]
    outcome = roll_up(stream_event([stream_record("INSERT", item) for item in items]), store, TenantZones(store))
    if outcome["batchItemFailures"]:
        raise SystemExit(f"rollups failed: {outcome['batchItemFailures']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
