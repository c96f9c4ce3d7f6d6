"""A device's MQTT connection (a module's or a concentrator's), made with awsiotsdk as firmware makes
it: mutual TLS with the thing's own certificate, client id = the IoT thing name, a last will that tells
the cloud the module went offline, commands received on its down/cmd topic."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from awscrt import io, mqtt
from awsiot import mqtt_connection_builder
from pydantic import BaseModel, ValidationError

from gridvend.iot.messages import CommandMessage, EventCode, EventMessage, wire_json
from gridvend.iot.topics import Channel, command_filter, iot_thing_name, uplink_topic

RESULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Credentials:
    cert_path: Path
    key_path: Path
    ca_path: Path


def new_msg_id() -> str:
    return uuid.uuid4().hex


class DeviceLink:
    def __init__(
        self,
        host: str,
        port: int,
        credentials: Credentials,
        tenant_id: str,
        thing_id: str,
        presence_meter: str,
        on_command: Callable[[str, CommandMessage], None],
        bootstrap: io.ClientBootstrap | None = None,
    ) -> None:
        self.tenant_id, self.thing_id = tenant_id, thing_id
        self._presence_meter = presence_meter  # presence events name the thing's first meter
        self._on_command = on_command
        self.published = 0
        will = EventMessage(
            msg_id=new_msg_id(), meter=presence_meter, at=datetime.now(UTC), code=EventCode.MODULE_OFFLINE,
            detail={"will": True},
        )
        self.connection = mqtt_connection_builder.mtls_from_path(
            endpoint=host,
            port=port,
            cert_filepath=str(credentials.cert_path),
            pri_key_filepath=str(credentials.key_path),
            ca_filepath=str(credentials.ca_path),
            client_id=iot_thing_name(tenant_id, thing_id),
            clean_session=True,
            keep_alive_secs=60,
            client_bootstrap=bootstrap,
            will=mqtt.Will(
                uplink_topic(tenant_id, thing_id, Channel.EVENT), mqtt.QoS.AT_LEAST_ONCE, wire_json(will), False
            ),
            enable_metrics_collection=False,
            reconnect_min_timeout_secs=1,
            reconnect_max_timeout_secs=30,
        )

    def connect(self) -> Future[Any]:
        return self.connection.connect()

    def subscribe(self) -> Future[Any]:
        subscribed, _ = self.connection.subscribe(
            command_filter(self.tenant_id, self.thing_id), mqtt.QoS.AT_LEAST_ONCE, self._received
        )
        return subscribed

    def _received(self, topic: str, payload: bytes, **_: Any) -> None:
        try:
            command = CommandMessage.model_validate_json(payload)
        except ValidationError:
            return  # firmware ignores what it cannot read; the cloud's task times out
        self._on_command(self.thing_id, command)

    def publish(self, channel: Channel, message: BaseModel) -> Future[Any]:
        return self.publish_raw(channel, wire_json(message))

    def publish_raw(self, channel: Channel, payload: bytes) -> Future[Any]:
        published, _ = self.connection.publish(
            uplink_topic(self.tenant_id, self.thing_id, channel), payload, mqtt.QoS.AT_LEAST_ONCE
        )
        self.published += 1
        return published

    def disconnect(self) -> Future[Any]:
        return self.connection.disconnect()
