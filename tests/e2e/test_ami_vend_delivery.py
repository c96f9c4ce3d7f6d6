"""A vend sold through the API goes straight to the meter: the stack as `make up` runs it (DynamoDB Local with
its stream, mosquitto with mutual TLS, moto as the IoT control plane and shadows, the local router into ingest,
the API through combined_app) and a fleet of 20 simulated meters that start with no credit.

`POST /v1/vends` with `"deliver": "remote"` raises the meter's credit by exactly the receipt's energy,
consumption drains it, at zero the relay opens and the events arrive, a second vend closes it again; relay
commands sent through the API round-trip with their acknowledgements. (test_ami_fleet.py covers duplicated
uplinks and other tenants' certificates on the same kind of stack.)"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from chalice.test import Client

from functions.commands.context import CommandContext, use_context
from functions.common import deps
from functions.common.auth import clear_permission_cache
from functions.local_api import combined_app
from gridvend.auth.context import system_context
from gridvend.iot.messages import EventCode
from gridvend.iot.mqtt_publisher import MqttPublisher
from gridvend.iot.publishing import IotShadowStore
from gridvend.store.ami.events import EventRepository
from gridvend.store.ami.firmware import S3ObjectStore
from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from gridvend.store.users import OperatorRepository
from infra.local.environment import StackEndpoints, stack_environment
from iot.provisioning.provision import Provisioner
from iot.router.local_cloud import LocalCloud
from iot.sim.fleet import Fleet, FleetConfig
from iot.sim.link import Credentials
from tenants.onboarding import platform_operator_record
from tests.api.conftest import Api
from tests.api.vending_setup import TEST_MASTER_KEY, Shop, install, open_shop
from tests.e2e.test_ami_fleet import eventually
from tests.fixtures.local_services import LocalEndpoint, MqttBroker

pytestmark = pytest.mark.e2e

FLEET_SIZE = 20
PLATFORM_PASSWORD = "platform-pass-1"
BACKLOG = timedelta(days=10)
STS_FIELDS: dict[str, Any] = {"ti": 1, "krn": 1, "key_type": 2, "ea": 7, "dkga": 2, "base_date": 2014}


@dataclass
class Stack:
    api: Api
    shop: Shop
    fleet: Fleet
    store: DynamoItemStore
    table_name: str
    dynamodb_url: str

    def events(self, serial: str, code: EventCode) -> list[dict[str, Any]]:
        configure_table(self.table_name, self.dynamodb_url)  # other modules' tests point the model elsewhere
        found, _ = EventRepository(self.store, self.shop.tenant_id).of_meter(serial, "2000", "2100", limit=500,
                                                                              start_key=None)
        return [event for event in found if event["code"] == code.value]

    def sell(self, serial: str, energy: str) -> dict[str, Any]:
        configure_table(self.table_name, self.dynamodb_url)
        reply = self.shop.sell(self.api, serial, f"pay-{uuid.uuid4().hex}", energy=energy, deliver="remote")
        assert reply.status == 201, reply.body
        return dict(reply.body)

    def finished_task(self, task_id: str) -> dict[str, Any]:
        def finished() -> dict[str, Any] | None:
            configure_table(self.table_name, self.dynamodb_url)
            view = self.api.call("GET", f"/v1/tasks/{task_id}", headers=self.shop.headers).body
            return view if view["status"] != "running" else None

        return eventually(finished, f"task {task_id} to finish")

    def only_command(self, task_id: str) -> dict[str, Any]:
        items = self.api.call("GET", f"/v1/tasks/{task_id}/commands", headers=self.shop.headers).body["items"]
        assert len(items) == 1
        return dict(items[0])


@pytest.fixture(scope="module")
def stack(dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint, mqtt_broker: MqttBroker,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    mqtt_broker.issue_cloud_client_cert()
    env = stack_environment(StackEndpoints(
        dynamodb_url=dynamodb_local.endpoint_url, moto_url=moto_server.endpoint_url, mqtt_host=mqtt_broker.host,
        mqtt_port=mqtt_broker.port, pki_dir=mqtt_broker.pki_dir, state_dir=tmp_path_factory.mktemp("vend_state"),
    ), table_name=f"amivend-{uuid.uuid4().hex[:8]}")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "GRIDVEND_STATE_DIR"):
            patch.setenv(name, env[name])
        patch.setenv("GRIDVEND_SECURE_MASTER_KEY", TEST_MASTER_KEY)
        patch.setenv("GRIDVEND_ARGON2_TIME_COST", "1")
        patch.setenv("GRIDVEND_ARGON2_MEMORY_KIB", "8192")
        yield from _running(env, dynamodb_local, moto_server, mqtt_broker)


def _running(env: dict[str, str], dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint,
             mqtt_broker: MqttBroker) -> Iterator[Stack]:
    configure_table(env["GRIDVEND_TABLE"], dynamodb_local.endpoint_url)
    create_table_if_missing()
    store = DynamoItemStore()
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    context = CommandContext(
        store=store,
        publisher=MqttPublisher(mqtt_broker.host, mqtt_broker.port, mqtt_broker.pki_dir),
        shadows=IotShadowStore(session.client("iot-data", endpoint_url=moto_server.endpoint_url)),
        objects=S3ObjectStore(session.client("s3", endpoint_url=moto_server.endpoint_url), "ami-firmware"),
    )
    deps.use_store(store)
    use_context(context)
    clear_permission_cache()
    OperatorRepository(store, "platform").create(system_context("platform", "test"),
                                                 platform_operator_record("platform", PLATFORM_PASSWORD))
    cloud: LocalCloud | None = None
    fleet: Fleet | None = None
    stop = threading.Event()
    loop: threading.Thread | None = None
    try:
        with Client(combined_app()) as client:
            api = Api(client, store)
            api.platform_headers = api.login("platform", "platform", PLATFORM_PASSWORD)
            shop = open_shop(api)
            prefix = f"16{uuid.uuid4().int % 10**4:04d}"
            # Simulated time runs an hour a second until it catches up with the wall clock (after BACKLOG /
            # 3600): long enough for the whole module, so 2 kWh drain in a few seconds.
            config = FleetConfig(tenant_id=shop.tenant_id, meters=FLEET_SIZE, speed=3600.0,
                                 report_seconds=4 * 3600.0, tick_seconds=0.2, backlog=BACKLOG,
                                 serial_prefix=prefix, initial_credit_kwh=0)
            provisioner = Provisioner(store, mqtt_broker.pki_dir, session.client("iot",
                                                                                  endpoint_url=moto_server.endpoint_url))

            def provision(thing_id: str, kind: Any, meters: list[str]) -> Credentials:
                made = provisioner.provision(shop.tenant_id, thing_id, kind, meters)
                return Credentials(made.cert_path, made.key_path, made.ca_path)

            fleet = Fleet(config, mqtt_broker.host, mqtt_broker.port, provision)
            for serial in list(fleet.meters)[:3]:
                install(api, shop, serial, **STS_FIELDS)
            cloud = LocalCloud(context, env, sweep_seconds=1.0, sweep_tenants=[shop.tenant_id])
            cloud.start()
            fleet.connect()
            loop = threading.Thread(target=fleet.run, args=(stop,), daemon=True)
            loop.start()
            yield Stack(api, shop, fleet, store, env["GRIDVEND_TABLE"], dynamodb_local.endpoint_url)
    finally:
        stop.set()
        if loop is not None:
            loop.join(timeout=30)
        if fleet is not None:
            fleet.disconnect()
        if cloud is not None:
            cloud.stop()
        context.publisher.close()  # type: ignore[attr-defined]
        use_context(None)
        deps.use_store(None)


def test_a_vend_delivered_remotely_credits_the_meter_which_drains_opens_and_a_second_vend_closes_it(
    stack: Stack,
) -> None:
    serial = next(iter(stack.fleet.meters))
    assert stack.fleet.call(lambda: stack.fleet.meters[serial].relay_closed) is False

    first = stack.sell(serial, "2.0")

    task = stack.finished_task(first["delivery"]["task_id"])
    assert (task["kind"], task["status"]) == ("deliver_vend", "done")
    command = stack.only_command(task["task_id"])
    assert command["result"]["token_1"] == "accepted" and command["result"]["accepted"] == 1
    accepted = eventually(lambda: stack.events(serial, EventCode.TOKEN_ACCEPTED), "the token accepted event")
    assert accepted[0]["detail"]["via"] == "remote"
    assert Decimal(accepted[0]["detail"]["credit_added"]) == Decimal(first["energy_kwh"])
    eventually(lambda: stack.events(serial, EventCode.RELAY_CLOSED), "the relay closing on the vend's credit")

    eventually(lambda: stack.events(serial, EventCode.RELAY_OPEN), "consumption draining the credit to zero")
    exhausted = eventually(lambda: stack.events(serial, EventCode.CREDIT_EXHAUSTED), "the credit exhausted alarm")
    assert exhausted[0]["alarm"] is True
    assert stack.fleet.call(lambda: stack.fleet.meters[serial].credit_kwh) == 0

    second = stack.sell(serial, "3.0")

    assert stack.finished_task(second["delivery"]["task_id"])["status"] == "done"
    eventually(lambda: len(stack.events(serial, EventCode.RELAY_CLOSED)) >= 2, "the second vend closing the relay")
    credits = [Decimal(event["detail"]["credit_added"]) for event in stack.events(serial, EventCode.TOKEN_ACCEPTED)]
    assert sorted(credits) == sorted([Decimal(first["energy_kwh"]), Decimal(second["energy_kwh"])])


def test_a_replayed_vend_is_delivered_once(stack: Stack) -> None:
    serial = list(stack.fleet.meters)[1]
    payment = f"pay-{uuid.uuid4().hex}"
    body = {"meter": serial, "energy": "50.0", "deliver": "remote"}
    headers = {**stack.shop.headers, "Idempotency-Key": payment}

    first = stack.api.call("POST", "/v1/vends", body, headers).body
    again = stack.api.call("POST", "/v1/vends", body, headers).body

    assert again["delivery"]["task_id"] == first["delivery"]["task_id"]
    assert stack.finished_task(first["delivery"]["task_id"])["status"] == "done"
    assert len(eventually(lambda: stack.events(serial, EventCode.TOKEN_ACCEPTED), "the token")) == 1
    assert stack.events(serial, EventCode.TOKEN_REJECTED) == []


def test_a_relay_command_through_the_api_round_trips_with_its_acknowledgement(stack: Stack) -> None:
    serial = list(stack.fleet.meters)[2]
    stack.sell(serial, "100.0")
    eventually(lambda: stack.fleet.call(lambda: stack.fleet.meters[serial].relay_closed), "credit on the meter")

    sent = stack.api.call("POST", "/v1/commands", {"kind": "relay_disconnect", "targets": {"meters": [serial]},
                                                   "timeout_seconds": 20}, stack.shop.headers)
    assert sent.status == 201, sent.body
    task = stack.finished_task(sent.body["task_id"])

    assert task["status"] == "done"
    command = stack.only_command(task["task_id"])
    assert command["result"] == {"relay": "open", "mode": "prepayment"}
    assert [step["state"] for step in command["history"]] == ["queued", "sent", "acknowledged", "done"]
    assert stack.fleet.call(lambda: stack.fleet.meters[serial].relay_closed) is False
    shadow = eventually(lambda: stack.api.call("GET", f"/v1/shadows/{serial}", headers=stack.shop.headers).body
                        .get("reported", {}).get("relay") == "open", "the reported relay in the shadow")
    assert shadow


def test_a_meter_without_a_module_is_refused_and_nothing_is_sold(stack: Stack) -> None:
    serial = f"17{uuid.uuid4().int % 10**9:09d}"
    install(stack.api, stack.shop, serial, **STS_FIELDS)

    refused = stack.shop.sell(stack.api, serial, f"pay-{uuid.uuid4().hex}", energy="5.0", deliver="remote")

    assert refused.status == 422 and refused.body["errors"][0]["field"] == "deliver"
    assert stack.api.call("GET", f"/v1/vends?meter={serial}", headers=stack.shop.headers).body["items"] == []
