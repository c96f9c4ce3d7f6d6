"""Everything the cloud runs around the devices, in one process on the local stack: the uplink router
into the ingest handler, the stream poller into the rollup consumer, and the periodic jobs (command
timeouts and retries, collection schedules)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3

from functions.commands.context import CommandContext
from functions.commands.sweeper import sweep
from functions.ingest.handler import build_ingestor, process_batch
from functions.ingest.rollups import TenantZones, process_stream_batch
from iot.router.router import UplinkRouter
from iot.router.stream import StreamPoller

log = logging.getLogger("gridvend.router")


class Periodic:
    def __init__(self, name: str, interval_seconds: float, job: Callable[[], Any]) -> None:
        self._interval, self._job = interval_seconds, job
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._job()
            except Exception:
                log.exception("periodic job failed")


class LocalCloud:
    def __init__(self, context: CommandContext, env: Mapping[str, str], sweep_seconds: float = 2.0,
                 sweep_tenants: list[str] | None = None) -> None:
        """sweep_tenants: the tenants whose commands the sweeper looks after (default: every active one)."""
        store = context.store
        ingestor = build_ingestor(store, context)
        zones = TenantZones(store)
        self.router = UplinkRouter(
            env["GRIDVEND_MQTT_HOST"], int(env["GRIDVEND_MQTT_PORT"]), Path(env["GRIDVEND_PKI_DIR"]),
            lambda event: process_batch(event, ingestor),
        )
        session = boto3.Session(
            aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "local"),
            aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "local"),
            region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        )
        endpoint = env["AWS_ENDPOINT_URL_DYNAMODB"]
        self.stream = StreamPoller(
            session.client("dynamodb", endpoint_url=endpoint),
            session.client("dynamodbstreams", endpoint_url=env.get("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", endpoint)),
            env["GRIDVEND_TABLE"],
            lambda event: process_stream_batch(event, store, zones),
        )
        self.jobs = [Periodic("command-sweeper", sweep_seconds, lambda: sweep(context, sweep_tenants))]

    def start(self) -> None:
        self.stream.start()
        self.router.start()
        for job in self.jobs:
            job.start()

    def stop(self) -> None:
        for job in self.jobs:
            job.stop()
        self.router.stop()
        self.stream.stop()
