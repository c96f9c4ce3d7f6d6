"""`make up`'s demo, wired as infra/local/stack.py wires it (bootstrap, the local gateway serving template.yaml's
API, the IoT router, the demo topology's master meters, the 10-meter demo fleet and the report stream, each from the
spec `make up` uses) on the session's local services, then walked through over HTTP with the steps of
infra/local/demo_tour.py: a remote vend reaches the simulated meter, a relay command round-trips, the sale and the
fleet's readings reach the reports and the dashboard, the line-loss tree shows each node's loss, and the printed
self-service login works."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from functions.common import deps
from infra.local.api_server import api_server_spec
from infra.local.bootstrap import bootstrap
from infra.local.demo_feeder import demo_feeder_spec
from infra.local.demo_grid import LINE, TRANSFORMER
from infra.local.demo_guide import demo_logins
from infra.local.demo_self_service import DEMO_SELF_SERVICE_CODE, DEMO_SELF_SERVICE_METER
from infra.local.demo_tour import (
    DemoApi,
    eventually,
    finished_task,
    in_service_meters,
    line_loss_nodes,
    open_relay,
    report_rows,
    self_service_overview,
    sell_remotely,
    this_month_sales,
)
from infra.local.demo_vending import DEMO_METERS, MASTER_KEY_VARIABLE, ensure_master_key
from infra.local.environment import StackEndpoints, stack_environment
from infra.local.report_stream import report_stream_spec
from infra.local.supervisor import Supervisor, start_on_free_port
from iot.router.services import demo_fleet_spec, router_spec
from tests.fixtures.local_services import LocalEndpoint, MqttBroker

pytestmark = pytest.mark.e2e
IDENTITY_FIELDS = ("iin", "drn", "sgc", "ti", "krn", "key_type", "ea", "dkga", "base_date")
FAST_HASHING = {"GRIDVEND_ARGON2_TIME_COST": "1", "GRIDVEND_ARGON2_MEMORY_KIB": "8192"}


@pytest.fixture(scope="module")
def demo(dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint, mqtt_broker: MqttBroker,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApi]:
    state_dir = tmp_path_factory.mktemp("demo_stack")
    mqtt_broker.issue_cloud_client_cert()
    env = stack_environment(StackEndpoints(
        dynamodb_url=dynamodb_local.endpoint_url, moto_url=moto_server.endpoint_url, mqtt_host=mqtt_broker.host,
        mqtt_port=mqtt_broker.port, pki_dir=mqtt_broker.pki_dir, state_dir=state_dir,
    ), table_name=f"demostack-{uuid.uuid4().hex[:8]}")
    env.update(FAST_HASHING)
    env[MASTER_KEY_VARIABLE] = ensure_master_key(state_dir)
    supervisor = Supervisor(state_dir)
    saved_environment = dict(os.environ)  # bootstrap exports the stack's environment: undone after the module
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        deps.reset()
        try:
            bootstrap(env)
            api = start_on_free_port(supervisor, lambda port: api_server_spec(
                {**env, "GRIDVEND_API_URL": f"http://127.0.0.1:{port}"}, port=port))
            env["GRIDVEND_API_URL"] = f"http://{api.host}:{api.port}"
            for spec_on in (lambda port: router_spec(env, port), lambda port: demo_feeder_spec(env, port=port),
                            lambda port: demo_fleet_spec(env, port=port),
                            lambda port: report_stream_spec(env, port)):
                start_on_free_port(supervisor, spec_on)
            client = DemoApi(env["GRIDVEND_API_URL"])
            client.log_in()
            yield client
        finally:
            supervisor.stop_all()
            os.environ.clear()
            os.environ.update(saved_environment)
            deps.reset()


def test_the_demo_meters_are_in_service_with_their_sts_identity(demo: DemoApi) -> None:
    meters = in_service_meters(demo)

    assert [meter["serial"] for meter in meters] == DEMO_METERS
    assert all(field in meter for meter in meters for field in ("serial", *IDENTITY_FIELDS))
    assert {(meter["sgc"], meter["krn"], meter["key_type"], meter["base_date"]) for meter in meters} == {
        ("123456", 1, 2, 2014)}
    assert [meter["module_id"] for meter in meters] == [f"MOD-{serial}" for serial in DEMO_METERS]  # the fleet's


def test_a_remote_vend_reaches_the_simulated_meter_and_the_reports(demo: DemoApi) -> None:
    serial = DEMO_METERS[2]

    receipt = sell_remotely(demo, serial, "100.00")
    task, commands = finished_task(demo, receipt["delivery"]["task_id"])

    assert (task["kind"], task["status"]) == ("deliver_vend", "done")
    assert commands[0]["result"]["token_1"] == "accepted"
    assert Decimal(commands[0]["result"]["credit_kwh"]) >= Decimal(receipt["energy_kwh"])  # the meter's own credit
    sales = eventually(lambda: [row for row in report_rows(demo, "sales-daily")
                                if row["sales_count"] >= 1 and Decimal(row["sales_net"]) >= Decimal("100.00")],
                       "the sale in the daily sales report")
    assert sales[0]["sales_energy"] == receipt["energy_kwh"]
    assert eventually(lambda: this_month_sales(demo) if (this_month_sales(demo) or {}).get("sales_count") else None,
                      "the sale on the dashboard")["meters_billed"] >= 1


def test_a_relay_command_to_a_demo_meter_completes_with_its_acknowledgement(demo: DemoApi) -> None:
    task, commands = finished_task(demo, open_relay(demo, DEMO_METERS[3]))

    assert task["status"] == "done"
    assert commands[0]["result"]["relay"] == "open"
    assert [step["state"] for step in commands[0]["history"]] == ["queued", "sent", "acknowledged", "done"]


def test_the_fleets_readings_reach_the_energy_and_curve_reports(demo: DemoApi) -> None:
    serial = DEMO_METERS[4]

    energy = eventually(lambda: [row for row in report_rows(demo, "energy", f"meter={serial}") if row["readings"]],
                        "the meter's readings in the energy report")
    curve = eventually(lambda: report_rows(demo, "curve", f"meter={serial}"), "the meter's load curve")

    assert Decimal(energy[0]["import_kwh"]) >= 0 and curve[0]["value"] is not None


def test_the_line_loss_tree_shows_each_nodes_loss(demo: DemoApi) -> None:
    def settled() -> dict[str, dict[str, object]] | None:
        nodes = line_loss_nodes(demo)
        rates = {code: node["loss_rate"] for code, node in nodes.items()}
        if rates.keys() != {"L1", "T1"} or None in rates.values():
            return None
        # The masters read just after the meters below them: the figures lag behind by a reading at most.
        near = all(-2 <= Decimal(str(rates[node.code])) - 100 * node.loss_share <= 1 for node in (LINE, TRANSFORMER))
        return nodes if near else None

    nodes = eventually(settled, "the master meters' readings in the line-loss tree", timeout=60)

    assert nodes["T1"]["master_meter"] == TRANSFORMER.master_meter and nodes["T1"]["meters"] == len(DEMO_METERS)
    assert Decimal(str(nodes["L1"]["supplied_kwh"])) > Decimal(str(nodes["T1"]["supplied_kwh"])) > 0


def test_the_printed_self_service_login_opens_the_meter(demo: DemoApi) -> None:
    overview = self_service_overview(demo)

    assert (overview["meter"], overview["customer_name"]) == (DEMO_SELF_SERVICE_METER, "Demo customer 1")
    assert any(DEMO_SELF_SERVICE_METER in line and DEMO_SELF_SERVICE_CODE in line for line in demo_logins(None))
