"""The local report stream poller against DynamoDB Local's real stream: vends sold through the API and monthly
reading rollups written to the table reach the sales and line-loss reports without any test feeding them.
(Replays are covered by the consumers' own tests: both skip what they counted before.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest

from functions.ingest.rollups import TenantZones
from functions.ingest.rollups import process_stream_batch as roll_up
from functions.streams.records import stream_event, stream_record
from gridvend.ami.rollups import StoredReading
from gridvend.iot.obis import ACTIVE_IMPORT
from gridvend.store.ami.readings import NewReading, reading_item
from infra.local.report_stream import report_handlers
from infra.local.table_stream import TableStreamPoller
from tests.api.conftest import Api
from tests.api.line_loss_setup import AREA1_MASTER, AREA1_METERS, at, build_grid
from tests.api.test_reports import pay_key, tenant_items
from tests.api.vending_setup import _master_key, install, open_shop
from tests.fixtures.local_services import LocalEndpoint

__all__ = ["_master_key"]


def poller_on(api: Api, dynamodb_local: LocalEndpoint, table: str) -> TableStreamPoller:
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    poller = TableStreamPoller(
        session.client("dynamodb", endpoint_url=dynamodb_local.endpoint_url),
        session.client("dynamodbstreams", endpoint_url=dynamodb_local.endpoint_url),
        table,
        report_handlers(api.store),
        start_at="LATEST",
    )
    poller.open()
    return poller


def readings_into_rollups(api: Api, tenant_id: str, readings: list[tuple[str, Any, int]]) -> None:
    items = [
        reading_item(NewReading(tenant_id, f"thing-{meter}", pay_key(),
                                StoredReading(meter, moment, {ACTIVE_IMPORT: watt_hours})), 90)
        for meter, moment, watt_hours in readings
    ]
    roll_up(stream_event([stream_record("INSERT", item) for item in items]), api.store, TenantZones(api.store))


@pytest.mark.parametrize("item_store", ["dynamodb"], indirect=True)
def test_the_poller_keeps_sales_and_line_loss_current_from_the_table_stream(
    api: Api, dynamodb_local: LocalEndpoint, dynamodb_table: str
) -> None:
    poller = poller_on(api, dynamodb_local, dynamodb_table)
    shop = open_shop(api)
    install(api, shop, "13000000001")
    for amount in ("30.00", "12.50"):
        assert shop.sell(api, "13000000001", pay_key(), amount=amount).status == 201
    grid = build_grid(api, shop.tenant_id, shop.headers)
    readings_into_rollups(api, shop.tenant_id, [
        (AREA1_MASTER, at("2026-03-02"), 1_000), (AREA1_MASTER, at("2026-03-20"), 41_000),
        (AREA1_METERS[0], at("2026-03-02"), 0), (AREA1_METERS[0], at("2026-03-21"), 30_500),
    ])

    assert poller.drain() > 0
    assert poller.failed_batches == 0

    receipts = [item["data"] for item in tenant_items(api.store, f"T#{shop.tenant_id}#VEND")]
    sales = api.call("GET", "/v1/reports/sales-annual", headers=shop.headers).body
    assert Decimal(sales["totals"]["sales_net"]) == sum(Decimal(r["breakdown"]["net_amount"]) for r in receipts)
    assert sales["totals"]["sales_count"] == 2
    loss = api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-03", headers=shop.headers).body
    area = {row["code"]: row for row in loss["rows"]}["A1"]
    assert (area["supplied_kwh"], area["downstream_kwh"], area["loss_kwh"]) == ("40.000", "30.500", "9.500")
