"""`python -m infra.local.report_stream`: the local stand-in for the event source mappings of the report stream
consumers. It polls DynamoDB Local's table stream (DescribeStream, GetShardIterator, GetRecords) and hands each
batch, in Lambda's event shape, to the sales cells consumer (functions.streams.handler) and the line-loss consumer
(functions.reports.line_loss_stream), as the cloud does. The reading rollups consumer is fed by iot.router.

Under `make up` it reads every shard from its oldest record (TRIM_HORIZON): both consumers skip what they have
counted before, so a restart replays harmlessly and sales made while it was down still reach the reports.
A batch whose consumer fails is handed over again on the next poll, like a Lambda retry."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec
from infra.local.table_stream import BatchHandler, PollingThread, TableStreamPoller

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
HEALTH_PORT = 8013


def report_handlers(store: Any) -> list[BatchHandler]:
    """The report consumers on one store, each with its own caches, as separate Lambdas would have."""
    from functions.reports.line_loss_stream import process_stream_batch as line_loss_batch
    from functions.reports.topologies import TopologyCache
    from functions.streams.handler import process_stream_batch as sales_batch
    from functions.streams.tenants import TenantFacts

    tenants, topologies = TenantFacts(store), TopologyCache(store)
    return [lambda event: sales_batch(event, store, tenants), lambda event: line_loss_batch(event, store, topologies)]


def report_stream_spec(env: Mapping[str, str], port: int = HEALTH_PORT) -> ServiceSpec:
    return ServiceSpec(
        name="report-stream",
        command=[sys.executable, "-m", "infra.local.report_stream", "--health-port", str(port)],
        port=port,
        host=LOOPBACK,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=60.0,
    )


def main(argv: list[str] | None = None) -> int:
    from iot.router.environment import local_env, table_store
    from iot.router.health import HealthPort

    parser = argparse.ArgumentParser(prog="python -m infra.local.report_stream", description=__doc__)
    parser.add_argument("--health-port", type=int, default=HEALTH_PORT, help="loopback port open once ready (0: none)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls that found nothing")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = local_env()
    session = boto3.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "local"),
        region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
    )
    endpoint = env["AWS_ENDPOINT_URL_DYNAMODB"]
    poller = TableStreamPoller(
        session.client("dynamodb", endpoint_url=endpoint),
        session.client("dynamodbstreams", endpoint_url=endpoint),
        env["GRIDVEND_TABLE"],
        report_handlers(table_store(env)),
    )
    poller.open()
    polling = PollingThread(poller, arguments.interval)
    signal.signal(signal.SIGTERM, lambda *_: polling.request_stop())
    signal.signal(signal.SIGINT, lambda *_: polling.request_stop())
    health = HealthPort(LOOPBACK, arguments.health_port) if arguments.health_port else None
    if health:
        health.start()
    print(f"report stream: polling the stream of {env['GRIDVEND_TABLE']}", flush=True)
    try:
        polling.run()
    finally:
        if health:
            health.close()
    print(f"report stream: {poller.delivered} records handed, {poller.failed_batches} batches retried", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
