"""The cloud's side of the bridge: requests to an office's bridge agent over MQTT 5 and their answers.

Each request is published to the office's request topic with a response topic and random
correlation data; the answer is the message on that response topic carrying the same correlation
data. Requests and answers go at QoS 0: the answer is the acknowledgement, a lost one ends in the
timeout like a silent agent, and the agent keeps every answer that made or changed something by
correlation id. (QoS 1 added a PUBACK to each leg, and those small writes behind each other on
sockets without TCP_NODELAY waited for delayed ACKs: ~90 ms per round trip instead of ~2 ms.)
A request also expires on the broker when its wait is over, so an agent that comes back
online later never acts on it. No answer in time: TimeoutError for the secure module (which
BridgeSecureModule turns into BridgeTimeout), BridgeTimeout for device requests.

Usable as a BridgeSecureModule transport: `BridgeSecureModule(transport, tenant, office)`.
awscrt (awsiotsdk) is imported when a connection is made, not when this module is imported.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gridvend.iot.bridge_devices import DeviceRequest, DeviceResponse
from gridvend.iot.bridge_topics import (
    BRIDGE_UPLINK_FILTER,
    BridgeChannel,
    BridgeTopics,
    BridgeUplink,
    parse_bridge_uplink,
)
from gridvend.secure.bridge_messages import BridgeRequest, BridgeResponse
from gridvend.secure.errors import BridgeFailure, BridgeTimeout

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 10.0
_CONNECT_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class MqttEndpoint:
    """Where and as whom to connect: the broker (IoT Core's data endpoint, or the local mosquitto)
    and the client certificate, its key and the CA that signed the broker's certificate.

    `iot_core_limits` keeps to IoT Core's per-connection limits on the client side (awscrt's flow
    control: at most 100 publishes a second, which it enforces by spacing every publish 10 ms
    apart); a broker without those limits, such as the local mosquitto, needs it off."""

    host: str
    port: int
    cert_path: Path
    key_path: Path
    ca_path: Path | None
    client_id: str
    iot_core_limits: bool = True


def build_mqtt5_client(
    endpoint: MqttEndpoint,
    on_publish: Callable[[Any], None],
    on_connected: Callable[[], None] | None = None,
    on_disconnected: Callable[[], None] | None = None,
    min_reconnect_delay_ms: int = 500,
    max_reconnect_delay_ms: int = 10_000,
) -> Any:
    """An awscrt MQTT 5 client over mutual TLS (not started). Operations fail at once while it is
    offline instead of queueing, so callers see an outage and can journal or time out."""
    from awscrt import mqtt5
    from awsiot import mqtt5_client_builder

    return mqtt5_client_builder.mtls_from_path(
        endpoint=endpoint.host,
        port=endpoint.port,
        cert_filepath=str(endpoint.cert_path),
        pri_key_filepath=str(endpoint.key_path),
        ca_filepath=str(endpoint.ca_path) if endpoint.ca_path else None,
        client_id=endpoint.client_id,
        extended_validation_and_flow_control_options=(
            mqtt5.ExtendedValidationAndFlowControlOptions.AWS_IOT_CORE_DEFAULTS
            if endpoint.iot_core_limits
            else mqtt5.ExtendedValidationAndFlowControlOptions.NONE
        ),
        offline_queue_behavior=mqtt5.ClientOperationQueueBehaviorType.FAIL_ALL_ON_DISCONNECT,
        min_reconnect_delay_ms=min_reconnect_delay_ms,
        max_reconnect_delay_ms=max_reconnect_delay_ms,
        enable_metrics_collection=False,
        on_publish_received=on_publish,
        on_lifecycle_connection_success=lambda _data: on_connected() if on_connected else None,
        on_lifecycle_disconnection=lambda _data: on_disconnected() if on_disconnected else None,
    )


class _Waiter:
    def __init__(self, response_topic: str) -> None:
        self.response_topic = response_topic
        self.answer: dict[str, Any] | None = None
        self.arrived = threading.Event()


UplinkListener = Callable[[BridgeUplink, dict[str, Any]], None]


class MqttBridgeTransport:
    """`on_uplink` (optional) hears every agent's announcements, heartbeats and journal events."""

    def __init__(
        self,
        endpoint: MqttEndpoint,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        on_uplink: UplinkListener | None = None,
    ) -> None:
        self._timeout_seconds = timeout_seconds
        self._on_uplink = on_uplink
        self._waiters: dict[bytes, _Waiter] = {}
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self._client = build_mqtt5_client(
            endpoint, self._on_publish, on_connected=self._on_connected, on_disconnected=self._subscribed.clear
        )

    def __repr__(self) -> str:
        return f"MqttBridgeTransport(timeout_seconds={self._timeout_seconds})"

    def __enter__(self) -> MqttBridgeTransport:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def subscribed(self) -> threading.Event:
        """Set while connected and listening to the agents' uplinks."""
        return self._subscribed

    def start(self) -> None:
        self._client.start()
        if not self._subscribed.wait(_CONNECT_TIMEOUT_SECONDS):
            self._client.stop()
            raise BridgeFailure("the cloud side could not connect to the MQTT broker")

    def _on_connected(self) -> None:
        # Every connect starts a clean session: subscribe again (off the client's own thread).
        threading.Thread(target=self._subscribe, name="bridge-transport-subscribe", daemon=True).start()

    def _subscribe(self) -> None:
        from awscrt import mqtt5

        subscription = mqtt5.Subscription(topic_filter=BRIDGE_UPLINK_FILTER, qos=mqtt5.QoS.AT_LEAST_ONCE)
        try:
            self._client.subscribe(mqtt5.SubscribePacket(subscriptions=[subscription])).result(
                _CONNECT_TIMEOUT_SECONDS
            )
        except Exception as failure:  # awscrt's own types; the next connect tries again
            logger.warning("subscribing to the bridge uplinks failed", extra={"failure": type(failure).__name__})
            return
        self._subscribed.set()

    def close(self) -> None:
        self._client.stop()

    def __call__(self, request: BridgeRequest) -> BridgeResponse:
        """A BridgeSecureModule transport: TimeoutError when the agent does not answer in time."""
        answer = self.send_raw(request.tenant, request.office, request.model_dump_json())
        if answer is None:
            raise TimeoutError(f"no answer from the bridge agent of office {request.office}")
        try:
            return BridgeResponse.model_validate(answer)
        except ValidationError:
            raise BridgeFailure(f"the bridge agent of office {request.office} answered out of schema") from None

    def device_call(self, request: DeviceRequest) -> DeviceResponse:
        answer = self.send_raw(request.tenant, request.office, request.model_dump_json())
        if answer is None:
            raise BridgeTimeout(request.office, request.op.value, request.correlation_id)
        try:
            return DeviceResponse.model_validate(answer)
        except ValidationError:
            raise BridgeFailure(f"the bridge agent of office {request.office} answered out of schema") from None

    def send_raw(self, tenant: str, office: str, request_json: str) -> dict[str, Any] | None:
        """Send any request text to the office's agent; its answer as a dict, or None in time."""
        from awscrt import mqtt5

        topics = BridgeTopics(tenant, office)
        correlation = secrets.token_bytes(16)
        waiter = _Waiter(topics.response)
        with self._lock:
            self._waiters[correlation] = waiter
        try:
            packet = mqtt5.PublishPacket(
                topic=topics.request,
                payload=request_json.encode(),
                qos=mqtt5.QoS.AT_MOST_ONCE,
                response_topic=topics.response,
                correlation_data_bytes=correlation,
                content_type="application/json",
                message_expiry_interval_sec=max(1, math.ceil(self._timeout_seconds)),
            )
            try:
                self._client.publish(packet).result(self._timeout_seconds)
            except Exception as failure:  # awscrt raises its own types; an offline client fails at once
                reason = type(failure).__name__
                raise BridgeFailure(f"the request to office {office} could not be sent ({reason})") from None
            waiter.arrived.wait(self._timeout_seconds)
            return waiter.answer
        finally:
            with self._lock:
                self._waiters.pop(correlation, None)

    def _on_publish(self, received: Any) -> None:
        packet = received.publish_packet
        uplink = parse_bridge_uplink(packet.topic)
        if uplink is None:
            return
        if uplink.channel is not BridgeChannel.RESPONSE:
            self._hear(uplink, bytes(packet.payload or b""))
            return
        correlation = bytes(packet.correlation_data_bytes or b"")
        with self._lock:
            waiter = self._waiters.get(correlation)
        if waiter is None or waiter.response_topic != packet.topic:
            return  # late, or not from the office the request went to
        try:
            answer = json.loads(bytes(packet.payload).decode())
        except ValueError:
            logger.warning("a bridge agent answered with something that is not JSON", extra={"topic": packet.topic})
            return
        if isinstance(answer, dict):
            waiter.answer = answer
            waiter.arrived.set()

    def _hear(self, uplink: BridgeUplink, payload: bytes) -> None:
        if self._on_uplink is None:
            return
        try:
            message = json.loads(payload.decode())
        except ValueError:
            return
        if isinstance(message, dict):
            try:
                self._on_uplink(uplink, message)
            except Exception:
                logger.exception("a bridge uplink listener failed", extra={"channel": uplink.channel.value})
