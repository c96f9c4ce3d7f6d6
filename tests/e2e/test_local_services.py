"""The local services are the real thing: DynamoDB Local with transactions and streams, moto server
answering IoT and S3, mosquitto with mutual TLS and per-device topic rules."""

from __future__ import annotations

import os
import queue
import socket
import sys
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from awscrt import io, mqtt
from botocore.exceptions import ClientError

from infra.local.processes import stop_by_pid_file
from infra.local.supervisor import ServiceSpec, Supervisor, start_on_free_port, stop_all_in
from tests.fixtures.local_services import LocalEndpoint, MqttBroker

pytestmark = pytest.mark.e2e

# Futures from the MQTT client are bounded so a broken broker fails the test instead of hanging it.
MQTT_RESULT_TIMEOUT_SECONDS = 15.0
# 127.0.0.2 is loopback too: a server bound to every interface would accept there, ours must not.
OTHER_LOOPBACK_ADDRESS = "127.0.0.2"


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _local_session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")


def _dynamodb(endpoint: LocalEndpoint) -> Any:
    return _local_session().client("dynamodb", endpoint_url=endpoint.endpoint_url)


def _create_streamed_table(dynamodb: Any) -> str:
    table_name = _unique("services")
    dynamodb.create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return table_name


def _put(table_name: str, key: str, **condition: str) -> dict[str, Any]:
    return {"Put": {"TableName": table_name, "Item": {"pk": {"S": key}}, **condition}}


# --- DynamoDB Local ---------------------------------------------------------------------------


@pytest.mark.integration
def test_dynamodb_local_transaction_writes_all_items_or_none(dynamodb_local: LocalEndpoint) -> None:
    dynamodb = _dynamodb(dynamodb_local)
    table_name = _create_streamed_table(dynamodb)
    dynamodb.transact_write_items(TransactItems=[_put(table_name, "vend#1"), _put(table_name, "meter#1")])

    must_be_new = {"ConditionExpression": "attribute_not_exists(pk)"}
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[_put(table_name, "vend#2"), _put(table_name, "meter#1", **must_be_new)]
        )

    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    stored_keys = {item["pk"]["S"] for item in dynamodb.scan(TableName=table_name)["Items"]}
    assert stored_keys == {"vend#1", "meter#1"}


@pytest.mark.integration
def test_dynamodb_local_stream_describes_and_carries_a_new_item(dynamodb_local: LocalEndpoint) -> None:
    dynamodb = _dynamodb(dynamodb_local)
    table_name = _create_streamed_table(dynamodb)
    stream_arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "reading#1"}})

    streams = _local_session().client("dynamodbstreams", endpoint_url=dynamodb_local.endpoint_url)
    stream = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
    shard_iterator = streams.get_shard_iterator(
        StreamArn=stream_arn,
        ShardId=stream["Shards"][0]["ShardId"],
        ShardIteratorType="TRIM_HORIZON",
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=shard_iterator)["Records"]

    assert stream["TableName"] == table_name
    assert stream["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert [(record["eventName"], record["dynamodb"]["Keys"]["pk"]["S"]) for record in records] == [
        ("INSERT", "reading#1")
    ]


@pytest.mark.integration
def test_aws_local_env_points_default_clients_at_the_local_services(
    aws_local_env: dict[str, str],
) -> None:
    table_name = _create_streamed_table(boto3.client("dynamodb"))
    bucket_name = _unique("env-contract")
    boto3.client("s3").create_bucket(Bucket=bucket_name)

    assert table_name in _dynamodb_table_names(aws_local_env["AWS_ENDPOINT_URL_DYNAMODB"])
    assert aws_local_env["GRIDVEND_TABLE"] == "gridvend"
    assert bucket_name in {bucket["Name"] for bucket in boto3.client("s3").list_buckets()["Buckets"]}


def _dynamodb_table_names(endpoint_url: str) -> list[str]:
    table_names: list[str] = boto3.client("dynamodb", endpoint_url=endpoint_url).list_tables()["TableNames"]
    return table_names


# --- moto server ------------------------------------------------------------------------------


def test_moto_server_creates_and_describes_an_iot_thing(moto_server: LocalEndpoint) -> None:
    iot = _local_session().client("iot", endpoint_url=moto_server.endpoint_url)
    thing_name = _unique("meter")

    created = iot.create_thing(thingName=thing_name, attributePayload={"attributes": {"tenant": "acme"}})
    described = iot.describe_thing(thingName=thing_name)

    assert created["thingName"] == thing_name
    assert described["thingArn"] == created["thingArn"]
    assert described["attributes"] == {"tenant": "acme"}


def test_moto_server_stores_and_returns_an_s3_object(moto_server: LocalEndpoint) -> None:
    s3 = _local_session().client("s3", endpoint_url=moto_server.endpoint_url)
    bucket_name = _unique("exports")
    s3.create_bucket(Bucket=bucket_name)
    s3.put_object(Bucket=bucket_name, Key="daily/sales.csv", Body=b"meter,amount\n01,12.50\n")

    stored = s3.get_object(Bucket=bucket_name, Key="daily/sales.csv")["Body"].read()

    assert stored == b"meter,amount\n01,12.50\n"


# --- every service binds to 127.0.0.1 only ----------------------------------------------------


def test_services_listen_on_127_0_0_1_only(
    dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint, mqtt_broker: MqttBroker
) -> None:
    ports = {
        "dynamodb": int(dynamodb_local.endpoint_url.rsplit(":", 1)[1]),
        "moto": int(moto_server.endpoint_url.rsplit(":", 1)[1]),
        "mqtt": mqtt_broker.port,
    }

    assert {name: _accepts("127.0.0.1", port) for name, port in ports.items()} == dict.fromkeys(ports, True)
    assert {name: _accepts(OTHER_LOOPBACK_ADDRESS, port) for name, port in ports.items()} == dict.fromkeys(
        ports, False
    )


# --- mosquitto with TLS client certificates ---------------------------------------------------


def _tls_context(ca_path: Path, client_cert: tuple[Path, Path] | None) -> io.ClientTlsContext:
    if client_cert is None:
        tls_options = io.TlsContextOptions()
    else:
        cert_path, key_path = client_cert
        tls_options = io.TlsContextOptions.create_client_with_mtls_from_path(str(cert_path), str(key_path))
    tls_options.override_default_trust_store_from_path(None, str(ca_path))
    return io.ClientTlsContext(tls_options)


def _mqtt_connection(broker: MqttBroker, client_cert: tuple[Path, Path] | None) -> mqtt.Connection:
    client = mqtt.Client(None, _tls_context(broker.ca_path, client_cert))
    return mqtt.Connection(
        client=client,
        host_name=broker.host,
        port=broker.port,
        client_id=_unique("client"),
        clean_session=True,
        keep_alive_secs=30,
    )


def _connected(broker: MqttBroker, common_name: str) -> mqtt.Connection:
    connection = _mqtt_connection(broker, broker.issue_client_cert(common_name))
    connection.connect().result(MQTT_RESULT_TIMEOUT_SECONDS)
    return connection


def _subscribe(connection: mqtt.Connection, topic_filter: str) -> queue.Queue[tuple[str, bytes]]:
    received: queue.Queue[tuple[str, bytes]] = queue.Queue()

    def on_message(topic: str, payload: bytes, **_: Any) -> None:
        received.put((topic, payload))

    subscribed, _ = connection.subscribe(topic_filter, mqtt.QoS.AT_LEAST_ONCE, on_message)
    subscribed.result(MQTT_RESULT_TIMEOUT_SECONDS)
    return received


def _publish(connection: mqtt.Connection, topic: str, payload: bytes) -> None:
    published, _ = connection.publish(topic, payload, mqtt.QoS.AT_LEAST_ONCE)
    published.result(MQTT_RESULT_TIMEOUT_SECONDS)


def _disconnect(*connections: mqtt.Connection) -> None:
    for connection in connections:
        connection.disconnect().result(MQTT_RESULT_TIMEOUT_SECONDS)


def test_broker_accepts_a_client_with_a_certificate_from_the_local_ca(mqtt_broker: MqttBroker) -> None:
    tenant = _unique("acme")
    cloud = _connected(mqtt_broker, "gridvend-cloud")
    device = _connected(mqtt_broker, f"{tenant}/meter-1")
    try:
        commands = _subscribe(device, f"gv/{tenant}/meter-1/down/#")
        _publish(cloud, f"gv/{tenant}/meter-1/down/cmd", b"read now")

        assert commands.get(timeout=MQTT_RESULT_TIMEOUT_SECONDS) == (
            f"gv/{tenant}/meter-1/down/cmd",
            b"read now",
        )
    finally:
        _disconnect(device, cloud)


def test_broker_refuses_a_client_without_a_certificate(mqtt_broker: MqttBroker) -> None:
    connection = _mqtt_connection(mqtt_broker, client_cert=None)

    with pytest.raises(Exception) as refused:
        connection.connect().result(MQTT_RESULT_TIMEOUT_SECONDS)

    assert not isinstance(refused.value, TimeoutError)


def test_device_cannot_publish_to_another_things_topic(mqtt_broker: MqttBroker) -> None:
    tenant = _unique("acme")
    cloud = _connected(mqtt_broker, "gridvend-cloud")
    device = _connected(mqtt_broker, f"{tenant}/meter-1")
    try:
        uplinks = _subscribe(cloud, f"gv/{tenant}/#")
        _publish(device, f"gv/{tenant}/meter-2/up/reading", b"forged")
        _publish(device, f"gv/{tenant}/meter-1/down/cmd", b"own downlink is not for devices to send")
        _publish(device, f"gv/{tenant}/meter-1/up/reading", b"genuine")

        # One connection's messages arrive in order: had a forged one passed, it would come first.
        first = uplinks.get(timeout=MQTT_RESULT_TIMEOUT_SECONDS)
        assert first == (f"gv/{tenant}/meter-1/up/reading", b"genuine")
        assert uplinks.empty()
    finally:
        _disconnect(device, cloud)


def test_device_receives_only_its_own_commands(mqtt_broker: MqttBroker) -> None:
    tenant = _unique("acme")
    cloud = _connected(mqtt_broker, "gridvend-cloud")
    device = _connected(mqtt_broker, f"{tenant}/meter-1")
    try:
        commands = _subscribe(device, f"gv/{tenant}/#")
        _publish(cloud, f"gv/{tenant}/meter-2/down/cmd", b"relay off for meter-2")
        _publish(cloud, f"gv/{tenant}/meter-1/down/cmd", b"relay off for meter-1")

        first = commands.get(timeout=MQTT_RESULT_TIMEOUT_SECONDS)
        assert first == (f"gv/{tenant}/meter-1/down/cmd", b"relay off for meter-1")
        assert commands.empty()
    finally:
        _disconnect(device, cloud)


# --- the supervisor stops what it started, by pid, and nothing else ---------------------------


def test_stopping_by_pid_files_ends_the_services_and_removes_the_files(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path)
    service = start_on_free_port(
        supervisor,
        lambda port: ServiceSpec(
            name="web",
            command=[sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
            port=port,
        ),
    )

    stopped = stop_all_in(supervisor.run_dir)

    assert stopped == ["web"]
    assert service.process is not None and service.process.wait() != 0
    assert list(supervisor.run_dir.glob("*.pid")) == []


def test_a_pid_file_naming_a_reused_pid_is_removed_without_a_signal(tmp_path: Path) -> None:
    # Our own pid with another start time: the process that wrote the file is gone, the pid reused.
    pid_path = tmp_path / "run" / "gone.pid"
    pid_path.parent.mkdir()
    pid_path.write_text(f"{os.getpid()} 1\n")

    was_running = stop_by_pid_file(pid_path)

    assert was_running is False
    assert not pid_path.exists()
