"""AMI end to end on the local services: a fleet of 20 simulated meters on mosquitto (mutual TLS, one
certificate per module), the local router into the ingest handler, DynamoDB Local with its stream
feeding the rollups, moto server as the IoT control plane and shadow service, commands as tasks."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
from awscrt import mqtt

from functions.commands.context import CommandContext
from functions.commands.service import CommandRequest, create_task, task_view
from functions.commands.targets import Targets
from gridvend.auth.context import TenantContext
from gridvend.iot import obis
from gridvend.iot.messages import CommandKind, EventCode, ReadingMessage, wire_json
from gridvend.iot.mqtt_publisher import MqttPublisher
from gridvend.iot.publishing import IotShadowStore
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.events import EventRepository
from gridvend.store.ami.firmware import S3ObjectStore
from gridvend.store.ami.readings import ReadingRepository, RollupRepository
from gridvend.store.ami.things import ThingKind
from gridvend.store.dynamo import DynamoItemStore, configure_table, create_table_if_missing
from gridvend.sts.tid import tid_from_time
from gridvend.sts.tokens import ClearCreditToken, CreditToken, TokenRequest, encode_token
from infra.local.environment import StackEndpoints, stack_environment
from iot.provisioning.provision import Provisioner
from iot.router.local_cloud import LocalCloud
from iot.sim.fleet import Fleet, FleetConfig
from iot.sim.identity import meter_decoder_state
from iot.sim.link import Credentials, DeviceLink, new_msg_id
from tests.fixtures.local_services import LocalEndpoint, MqttBroker

pytestmark = pytest.mark.e2e

FLEET_SIZE = 20
WAIT_SECONDS = 60.0
Found = TypeVar("Found")


def eventually(probe: Callable[[], Found | None], what: str, timeout: float = WAIT_SECONDS) -> Found:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Ami:
    tenant_id: str
    env: dict[str, str]
    table_name: str
    dynamodb_url: str
    context: CommandContext
    provisioner: Provisioner
    fleet: Fleet
    operator: TenantContext

    @property
    def store(self) -> DynamoItemStore:
        configure_table(self.table_name, self.dynamodb_url)  # other modules' tests point the model elsewhere
        assert isinstance(self.context.store, DynamoItemStore)
        return self.context.store

    def provision_in(self, tenant_id: str) -> Callable[[str, ThingKind, list[str]], Credentials]:
        def provision(thing_id: str, kind: ThingKind, meters: list[str]) -> Credentials:
            made = self.provisioner.provision(tenant_id, thing_id, kind, meters)
            return Credentials(made.cert_path, made.key_path, made.ca_path)

        return provision

    def command(self, kind: CommandKind, meters: list[str], params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.store  # noqa: B018 - points the model at our table
        request = CommandRequest(kind=kind, targets=Targets(meters=meters), params=params or {}, timeout_seconds=20)
        return create_task(self.context, self.operator, request)

    def finished_task(self, task_id: str) -> dict[str, Any]:
        def finished() -> dict[str, Any] | None:
            view = task_view(self.context, self.tenant_id, task_id)
            return view if view["status"] != "running" else None

        return eventually(finished, f"task {task_id} to finish")

    def events(self, serial: str, code: str) -> list[dict[str, Any]]:
        repository = EventRepository(self.store, self.tenant_id)
        found, _ = repository.of_meter(serial, "2000", "2100", limit=500, start_key=None)
        return [event for event in found if event["code"] == code]

    def token(self, serial: str, request: Callable[[int], TokenRequest]) -> str:
        keys = self.fleet.config.keys
        decoder_key = bytes.fromhex(meter_decoder_state(keys, serial, 0).decoder_key)
        return encode_token(request(_next_tid(keys.base_date)), decoder_key, keys.ea)


_last_tid = 0


def _next_tid(base_date: int) -> int:
    """TIDs go up a minute per token, as a vending system's do for one meter."""
    global _last_tid
    _last_tid = max(_last_tid + 1, tid_from_time(datetime.now(UTC).replace(tzinfo=None), base_date))
    return _last_tid


@pytest.fixture(scope="module")
def ami(dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint, mqtt_broker: MqttBroker) -> Iterator[Ami]:
    mqtt_broker.issue_cloud_client_cert()
    env = stack_environment(StackEndpoints(
        dynamodb_url=dynamodb_local.endpoint_url, moto_url=moto_server.endpoint_url, mqtt_host=mqtt_broker.host,
        mqtt_port=mqtt_broker.port, pki_dir=mqtt_broker.pki_dir, state_dir=mqtt_broker.pki_dir.parent,
    ), table_name=f"ami-{uuid.uuid4().hex[:8]}")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
            patch.setenv(name, env[name])
        yield from _running(env, dynamodb_local, moto_server, mqtt_broker)


def _running(env: dict[str, str], dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint,
             mqtt_broker: MqttBroker) -> Iterator[Ami]:
    configure_table(env["GRIDVEND_TABLE"], dynamodb_local.endpoint_url)
    create_table_if_missing()
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    context = CommandContext(
        store=DynamoItemStore(),
        publisher=MqttPublisher(mqtt_broker.host, mqtt_broker.port, mqtt_broker.pki_dir),
        shadows=IotShadowStore(session.client("iot-data", endpoint_url=moto_server.endpoint_url)),
        objects=S3ObjectStore(session.client("s3", endpoint_url=moto_server.endpoint_url), "ami-firmware"),
    )
    tenant_id = f"ami{uuid.uuid4().hex[:10]}"
    iot = session.client("iot", endpoint_url=moto_server.endpoint_url)
    provisioner = Provisioner(context.store, mqtt_broker.pki_dir, iot)
    cloud = LocalCloud(context, env, sweep_seconds=1.0, sweep_tenants=[tenant_id])
    cloud.start()
    # Ten simulated days to run through at 3600x keep consumption fast for the whole module; a reading every four
    # simulated hours keeps the uplink traffic light enough for a loaded machine.
    config = FleetConfig(tenant_id=tenant_id, meters=FLEET_SIZE, speed=3600.0, report_seconds=4 * 3600.0,
                         tick_seconds=0.2, backlog=timedelta(days=10), initial_credit_kwh=50)
    operator = TenantContext(tenant_id=tenant_id, user_id="e2e", username="e2e", permissions=frozenset({"*"}))
    fleet = Fleet(config, mqtt_broker.host, mqtt_broker.port, lambda *_: Credentials(Path(), Path(), Path()))
    harness = Ami(
        tenant_id, env, env["GRIDVEND_TABLE"], dynamodb_local.endpoint_url, context, provisioner, fleet, operator
    )
    fleet._provision = harness.provision_in(tenant_id)
    fleet.connect()
    stop = threading.Event()
    loop = threading.Thread(target=fleet.run, args=(stop,), daemon=True)
    loop.start()
    try:
        yield harness
    finally:
        stop.set()
        loop.join(timeout=30)
        fleet.disconnect()
        cloud.stop()
        context.publisher.close()  # type: ignore[attr-defined]


def test_every_meter_of_the_fleet_reports_and_its_rollups_follow(ami: Ami) -> None:
    readings = ReadingRepository(ami.store, ami.tenant_id)
    since, until = ami.fleet.clock.start - timedelta(hours=1), datetime.now(UTC)

    def reporting() -> bool:
        return all(readings.between(serial, since, until, limit=2)[0] for serial in ami.fleet.meters)

    eventually(reporting, "a stored reading from every meter")
    serial = next(iter(ami.fleet.meters))
    rollups = RollupRepository(ami.store, ami.tenant_id)
    first_day = f"{ami.fleet.clock.start:%Y-%m-%d}"
    last_day = f"{datetime.now(UTC):%Y-%m-%d}"

    def day_with_readings() -> list[Any]:
        return [day for day in rollups.of_meter(serial, "day", first_day, last_day) if day.reading_count >= 3]

    day = eventually(day_with_readings, "a daily rollup with readings")[0]
    assert day.last[obis.ACTIVE_IMPORT] >= day.first[obis.ACTIVE_IMPORT]
    assert day.consumption() > 0


def test_remote_tokens_raise_credit_consumption_opens_the_relay_and_a_token_closes_it(ami: Ami) -> None:
    serial = list(ami.fleet.meters)[1]
    cleared = ami.command(CommandKind.DELIVER_TOKEN, [serial],
                          {"token": ami.token(serial, lambda tid: ClearCreditToken(tid=tid, random=1, register=0))})
    assert ami.finished_task(cleared["task_id"])["status"] == "done"
    eventually(lambda: ami.events(serial, EventCode.RELAY_OPEN), "the relay opening at zero credit")

    credited = ami.command(CommandKind.DELIVER_TOKEN, [serial], {"token": ami.token(
        serial, lambda tid: CreditToken(subclass=0, tid=tid, random=2, amount=Decimal("2.0")))})
    assert ami.finished_task(credited["task_id"])["status"] == "done"
    outcome = _only_command(ami, credited["task_id"])
    assert outcome.result == {"accepted": True, "credit_kwh": "2.000"}
    eventually(lambda: ami.events(serial, EventCode.RELAY_CLOSED), "the relay closing on credit")

    eventually(lambda: len(ami.events(serial, EventCode.RELAY_OPEN)) >= 2, "consumption draining the credit to zero")
    exhausted = ami.events(serial, EventCode.CREDIT_EXHAUSTED)
    assert exhausted and exhausted[0]["alarm"] is True

    again = ami.command(CommandKind.DELIVER_TOKEN, [serial], {"token": ami.token(
        serial, lambda tid: CreditToken(subclass=0, tid=tid, random=3, amount=Decimal("3.0")))})
    assert ami.finished_task(again["task_id"])["status"] == "done"
    eventually(lambda: len(ami.events(serial, EventCode.RELAY_CLOSED)) >= 2, "the second token closing the relay")


def _only_command(ami: Ami, task_id: str) -> Any:
    from gridvend.store.ami.tasks import TaskRepository

    records, _ = TaskRepository(ami.store, ami.tenant_id).commands(task_id, limit=5, start_key=None)
    assert len(records) == 1
    return records[0]


def test_a_relay_command_round_trips_with_its_acknowledgement_and_the_shadow(ami: Ami) -> None:
    serial = list(ami.fleet.meters)[2]
    opened = ami.finished_task(ami.command(CommandKind.RELAY_DISCONNECT, [serial])["task_id"])
    record = _only_command(ami, opened["task_id"])

    assert opened["status"] == "done" and opened["percent"] == 100
    assert record.result == {"relay": "open", "mode": "prepayment"}
    assert [state for _, state, _ in record.history] == ["queued", "sent", "acknowledged", "done"]
    thing = ami.fleet.thing_of[serial]
    shadow = eventually(lambda: ami.context.shadows.get(ami.tenant_id, thing, serial), "the shadow")
    assert shadow["desired"]["relay"] == "open" and shadow["reported"]["relay"] == "open"

    closed = ami.finished_task(ami.command(CommandKind.RELAY_CONNECT, [serial])["task_id"])
    assert closed["status"] == "done"
    assert ami.context.shadows.get(ami.tenant_id, thing, serial)["reported"]["relay"] == "closed"


def test_a_duplicated_uplink_is_stored_once(ami: Ami) -> None:
    serial = list(ami.fleet.meters)[3]
    link = ami.fleet.link_of(serial)
    at = datetime.now(UTC) - timedelta(days=5)
    message = ReadingMessage(msg_id=new_msg_id(), meter=serial, at=at, registers={obis.ACTIVE_IMPORT: Decimal("1.5")})
    for _ in range(3):
        link.publish_raw(Channel.READING, wire_json(message)).result(10)
    readings = ReadingRepository(ami.store, ami.tenant_id)

    def stored() -> list[Any]:
        return readings.between(serial, at - timedelta(seconds=1), at + timedelta(seconds=1), limit=10)[0]

    eventually(stored, "the reading")
    time.sleep(2.0)  # the copies are in the broker and the router by now
    assert [item["data"]["msg_id"] for item in stored()] == [message.msg_id]


def test_a_certificate_of_another_tenant_cannot_publish_for_this_tenant(ami: Ami) -> None:
    victim = list(ami.fleet.meters)[4]
    intruder_tenant = f"ami{uuid.uuid4().hex[:10]}"
    own_meter = "09990000001"
    credentials = ami.provision_in(intruder_tenant)(f"MOD-{own_meter}", ThingKind.MODULE, [own_meter])
    intruder = DeviceLink(ami.env["GRIDVEND_MQTT_HOST"], int(ami.env["GRIDVEND_MQTT_PORT"]), credentials,
                          intruder_tenant, f"MOD-{own_meter}", own_meter, lambda *_: None)
    intruder.connect().result(10)
    try:
        at = datetime.now(UTC) - timedelta(hours=1)
        forged = [ReadingMessage(msg_id=new_msg_id(), meter=victim, at=at, registers={obis.CREDIT: Decimal(999)})
                  for _ in range(2)]
        victim_topic = uplink_topic(ami.tenant_id, ami.fleet.thing_of[victim], Channel.READING)
        # Another tenant's topic: the broker drops it (the ACL mirrors the IoT policy).
        intruder.connection.publish(victim_topic, wire_json(forged[0]), mqtt.QoS.AT_LEAST_ONCE)[0].result(10)
        intruder.publish(Channel.READING, forged[1]).result(10)  # own topic, someone else's meter: ingest refuses
        genuine = ReadingMessage(msg_id=new_msg_id(), meter=own_meter, at=at, registers={obis.CREDIT: Decimal(1)})
        intruder.publish(Channel.READING, genuine).result(10)

        own = ReadingRepository(ami.store, intruder_tenant)
        eventually(lambda: own.between(own_meter, at, at, limit=5)[0], "the intruder's own genuine reading")
        victim_items = ReadingRepository(ami.store, ami.tenant_id).between(victim, at, at, limit=5)[0]
        intruder_items = own.between(victim, at, at, limit=5)[0]
        assert victim_items == [] and intruder_items == []
    finally:
        intruder.disconnect().result(10)


def test_a_token_typed_on_the_keypad_is_taken_once(ami: Ami) -> None:
    serial = list(ami.fleet.meters)[5]
    token = ami.token(serial, lambda tid: CreditToken(subclass=0, tid=tid, random=4, amount=Decimal("1.5")))

    assert ami.fleet.type_token(serial, token) == "accepted"
    assert ami.fleet.type_token(serial, token) == "TID already used"

    accepted = eventually(lambda: ami.events(serial, EventCode.TOKEN_ACCEPTED), "the token accepted event")
    rejected = eventually(lambda: ami.events(serial, EventCode.TOKEN_REJECTED), "the token rejected event")
    assert accepted[0]["detail"]["via"] == "keypad" and accepted[0]["detail"]["credit_added"] == "1.5"
    assert rejected[0]["detail"]["reason"] == "TID already used"


def test_a_concentrator_relays_readings_and_commands_for_its_meters(ami: Ami) -> None:
    config = FleetConfig(tenant_id=ami.tenant_id, meters=4, per_concentrator=4, speed=3600.0, report_seconds=3600.0,
                         tick_seconds=0.2, backlog=timedelta(hours=6), serial_prefix="0472", initial_credit_kwh=50)
    fleet = Fleet(config, ami.env["GRIDVEND_MQTT_HOST"], int(ami.env["GRIDVEND_MQTT_PORT"]),
                  ami.provision_in(ami.tenant_id))
    fleet.connect()
    stop = threading.Event()
    loop = threading.Thread(target=fleet.run, args=(stop,), daemon=True)
    loop.start()
    try:
        (concentrator,) = fleet.things
        readings = ReadingRepository(ami.store, ami.tenant_id)
        since, until = datetime.now(UTC) - timedelta(days=1), datetime.now(UTC)
        eventually(lambda: all(readings.between(serial, since, until, limit=1)[0] for serial in fleet.meters),
                   "readings of every meter behind the concentrator")
        ami.store  # noqa: B018 - points the model at our table
        request = CommandRequest(kind=CommandKind.READ, targets=Targets(concentrator=concentrator),
                                 params={"obis": [obis.CREDIT]}, timeout_seconds=20)
        task = ami.finished_task(create_task(ami.context, ami.operator, request)["task_id"])

        assert (task["status"], task["total"]) == ("done", 4)
        assert {thing.kind for thing in fleet.things.values()} == {ThingKind.CONCENTRATOR}
    finally:
        stop.set()
        loop.join(timeout=30)
        fleet.disconnect()


def test_alarm_mail_goes_out_through_ses(ami: Ami, moto_server: LocalEndpoint) -> None:
    from functions.commands.notifier import SesMailer

    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    ses = session.client("ses", endpoint_url=moto_server.endpoint_url)
    before = ses.get_send_quota()["SentLast24Hours"]

    SesMailer(ses, verify_sender=True).send("alarms@gridvend.local", ["desk@utility.example"], "Tamper on 0471",
                                            "<b>0471</b> reported tamper", as_html=True)

    assert ses.get_send_quota()["SentLast24Hours"] == before + 1
