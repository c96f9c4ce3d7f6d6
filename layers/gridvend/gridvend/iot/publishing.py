"""Ports through which the cloud reaches devices: publishing commands and keeping device shadows.

In the cloud commands go out through the IoT data plane (boto3 `iot-data`); on the local stack they go
straight to mosquitto as the cloud client (gridvend.iot.mqtt_publisher). Shadows are IoT Core's (moto
server locally), one named shadow per meter on its thing: desired state set by commands, reported
state from the device's acknowledgements and events.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any, Protocol

from gridvend.iot.messages import CommandMessage, wire_json
from gridvend.iot.topics import command_topic, iot_thing_name


class CommandPublisher(Protocol):
    def publish(self, tenant_id: str, thing_id: str, command: CommandMessage) -> None: ...


class ShadowStore(Protocol):
    def update(
        self,
        tenant_id: str,
        thing_id: str,
        meter: str,
        *,
        desired: dict[str, Any] | None = None,
        reported: dict[str, Any] | None = None,
    ) -> None: ...

    def get(self, tenant_id: str, thing_id: str, meter: str) -> dict[str, Any]:
        """{"desired": {...}, "reported": {...}} (either may be missing)."""
        ...


def shadow_name(meter: str) -> str:
    return f"meter-{meter}"


class IotDataPublisher:
    """QoS 1 publish through the IoT data plane endpoint (GRIDVEND_IOT_DATA_ENDPOINT in the cloud)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def publish(self, tenant_id: str, thing_id: str, command: CommandMessage) -> None:
        self._client.publish(topic=command_topic(tenant_id, thing_id), qos=1, payload=wire_json(command))


class IotShadowStore:
    def __init__(self, client: Any) -> None:
        self._client = client

    def update(
        self,
        tenant_id: str,
        thing_id: str,
        meter: str,
        *,
        desired: dict[str, Any] | None = None,
        reported: dict[str, Any] | None = None,
    ) -> None:
        state: dict[str, Any] = {}
        if desired:
            state["desired"] = desired
        if reported:
            state["reported"] = reported
        if not state:
            return
        self._client.update_thing_shadow(
            thingName=iot_thing_name(tenant_id, thing_id),
            shadowName=shadow_name(meter),
            payload=json.dumps({"state": state}, default=str).encode(),
        )

    def get(self, tenant_id: str, thing_id: str, meter: str) -> dict[str, Any]:
        try:
            reply = self._client.get_thing_shadow(
                thingName=iot_thing_name(tenant_id, thing_id), shadowName=shadow_name(meter)
            )
        except self._client.exceptions.ResourceNotFoundException:
            return {}
        document: dict[str, Any] = json.loads(reply["payload"].read())
        state: dict[str, Any] = document.get("state", {})
        return state


class RecordingPublisher:
    """Keeps what it is asked to publish (tests), optionally handing each command on."""

    def __init__(self, forward: Callable[[str, str, CommandMessage], None] | None = None) -> None:
        self.sent: list[tuple[str, str, CommandMessage]] = []
        self._forward = forward
        self._lock = threading.Lock()

    def publish(self, tenant_id: str, thing_id: str, command: CommandMessage) -> None:
        with self._lock:
            self.sent.append((tenant_id, thing_id, command))
        if self._forward is not None:
            self._forward(tenant_id, thing_id, command)


class MemoryShadowStore:
    def __init__(self) -> None:
        self._shadows: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def update(
        self,
        tenant_id: str,
        thing_id: str,
        meter: str,
        *,
        desired: dict[str, Any] | None = None,
        reported: dict[str, Any] | None = None,
    ) -> None:
        with self._lock:
            shadow = self._shadows.setdefault((tenant_id, thing_id, meter), {})
            for section, values in (("desired", desired), ("reported", reported)):
                if values:
                    shadow.setdefault(section, {}).update(values)

    def get(self, tenant_id: str, thing_id: str, meter: str) -> dict[str, Any]:
        with self._lock:
            shadow = self._shadows.get((tenant_id, thing_id, meter), {})
            return {section: dict(values) for section, values in shadow.items()}


def publisher_from_env() -> CommandPublisher:
    """The local stack's broker when its address is configured, else the IoT data plane."""
    if os.environ.get("GRIDVEND_MQTT_HOST") and os.environ.get("GRIDVEND_PKI_DIR"):
        from gridvend.iot.mqtt_publisher import shared_mqtt_publisher

        return shared_mqtt_publisher()
    import boto3

    endpoint = os.environ.get("GRIDVEND_IOT_DATA_ENDPOINT") or None
    return IotDataPublisher(boto3.client("iot-data", endpoint_url=endpoint))


def shadow_store_from_env() -> ShadowStore:
    import boto3

    endpoint = os.environ.get("GRIDVEND_IOT_DATA_ENDPOINT") or None
    return IotShadowStore(boto3.client("iot-data", endpoint_url=endpoint))
