"""The agent's connection to the cloud: MQTT 5 over mutual TLS with its own certificate.

It takes requests only from its own request topic, answers each on the request's response topic
(only if that lies under its own uplinks) with the request's correlation data (at QoS 0, as the cloud
sends its requests: see gridvend.iot.bridge_transport), announces itself
and its devices on every connect, sends heartbeats, and pumps the journal's events to the cloud in
order, removing each only when the broker has acknowledged it. Requests are carried out one at a
time, in the order they came, by one worker thread.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import JsonValue

from gridvend.iot.bridge_topics import BridgeChannel, BridgeTopics
from gridvend.iot.bridge_transport import MqttEndpoint, build_mqtt5_client
from gridvend_bridge import __version__
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.journal import Journal
from gridvend_bridge.request_handler import RequestHandler

logger = logging.getLogger(__name__)

_PUBLISH_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class AgentTiming:
    heartbeat_seconds: float = 60.0
    journal_retry_seconds: float = 2.0
    min_reconnect_delay_ms: int = 500
    max_reconnect_delay_ms: int = 10_000


@dataclass(frozen=True)
class _Incoming:
    payload: bytes
    response_topic: str | None
    correlation_data: bytes | None


class BridgeAgent:
    def __init__(
        self,
        endpoint: MqttEndpoint,
        tenant: str,
        office: str,
        devices: OfficeDevices,
        journal: Journal,
        timing: AgentTiming | None = None,
    ) -> None:
        self._topics = BridgeTopics(tenant, office)
        self._devices = devices
        self._journal = journal
        self._handler = RequestHandler(tenant, office, devices, journal)
        self._timing = timing or AgentTiming()
        self._incoming: queue.Queue[_Incoming | None] = queue.Queue()
        self._connected = threading.Event()
        self._serving = threading.Event()
        self._stopping = threading.Event()
        self._journal_wakeup = threading.Event()
        self._threads: list[threading.Thread] = []
        self.refused_requests = 0
        self.unsent_answers = 0
        self._client = build_mqtt5_client(
            endpoint,
            self._on_publish,
            on_connected=self._on_connected,
            on_disconnected=self._on_disconnected,
            min_reconnect_delay_ms=self._timing.min_reconnect_delay_ms,
            max_reconnect_delay_ms=self._timing.max_reconnect_delay_ms,
        )

    def __repr__(self) -> str:
        return f"BridgeAgent(tenant={self._topics.tenant!r}, office={self._topics.office!r})"

    @property
    def serving(self) -> threading.Event:
        """Set while connected and subscribed to the request topic."""
        return self._serving

    def start(self) -> None:
        """Start connecting (and keep reconnecting) and serving; returns at once, online or not."""
        for target, name in (
            (self._serve_requests, "bridge-requests"),
            (self._pump_journal, "bridge-journal"),
            (self._beat, "bridge-heartbeat"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        self._client.start()

    def stop(self) -> None:
        self._stopping.set()
        self._journal_wakeup.set()
        self._incoming.put(None)
        self._client.stop()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()

    def wake_journal(self) -> None:
        self._journal_wakeup.set()

    # -- MQTT callbacks (on the client's thread: never block here) ---------------------------

    def _on_connected(self) -> None:
        self._connected.set()
        threading.Thread(target=self._after_connect, name="bridge-connect", daemon=True).start()

    def _on_disconnected(self) -> None:
        self._connected.clear()
        self._serving.clear()

    def _on_publish(self, received: Any) -> None:
        packet = received.publish_packet
        if packet.topic != self._topics.request:
            self.refused_requests += 1
            logger.warning("a message on a topic that is not this agent's request topic was refused")
            return
        correlation = bytes(packet.correlation_data_bytes) if packet.correlation_data_bytes is not None else None
        self._incoming.put(_Incoming(bytes(packet.payload or b""), packet.response_topic, correlation))

    # -- threads --------------------------------------------------------------------------------

    def _after_connect(self) -> None:
        from awscrt import mqtt5

        subscription = mqtt5.Subscription(topic_filter=self._topics.request, qos=mqtt5.QoS.AT_LEAST_ONCE)
        try:
            self._client.subscribe(mqtt5.SubscribePacket(subscriptions=[subscription])).result(_PUBLISH_TIMEOUT_SECONDS)
            self._serving.set()
            self._publish(self._topics.uplink(BridgeChannel.ANNOUNCE), self._announcement())
        except Exception as failure:  # awscrt's own types; the next connect tries again
            logger.warning("subscribing or announcing failed", extra={"failure": type(failure).__name__})
        self._journal_wakeup.set()

    def _serve_requests(self) -> None:
        while (incoming := self._incoming.get()) is not None:
            try:
                answer = self._handler.handle(incoming.payload)
            except Exception as failure:  # a bug must not stop the agent; the cloud times out
                logger.exception("handling a request failed", extra={"failure": type(failure).__name__})
                continue
            if self._journal.backlog():
                self._journal_wakeup.set()
            topic = self._response_topic(incoming.response_topic)
            try:
                self._publish_raw(topic, answer.body.encode(), incoming.correlation_data, at_least_once=False)
            except Exception as failure:  # offline: the journal keeps what must not be lost
                self.unsent_answers += 1
                logger.warning(
                    "the answer could not be sent",
                    extra={"correlation_id": answer.correlation_id, "failure": type(failure).__name__},
                )

    def _pump_journal(self) -> None:
        while not self._stopping.is_set():
            self._journal_wakeup.wait(self._timing.journal_retry_seconds)
            self._journal_wakeup.clear()
            if self._stopping.is_set():
                return
            if self._connected.is_set():
                self._send_pending_events()

    def _send_pending_events(self) -> None:
        topic = self._topics.uplink(BridgeChannel.JOURNAL)
        while events := self._journal.pending_events():
            for event in events:
                try:
                    self._publish(topic, event.message())
                except Exception as failure:  # offline again: the event stays for the next try
                    logger.info("journal replay paused", extra={"failure": type(failure).__name__})
                    return
                self._journal.acknowledge(event.position)

    def _beat(self) -> None:
        while not self._stopping.wait(self._timing.heartbeat_seconds):
            if not self._connected.is_set():
                continue
            heartbeat: dict[str, JsonValue] = {
                "office": self._topics.office,
                "at": datetime.now(UTC).isoformat(),
                "journal_backlog": self._journal.backlog(),
                "devices": self._devices.status(),
            }
            try:
                self._publish(self._topics.uplink(BridgeChannel.HEARTBEAT), heartbeat)
            except Exception as failure:
                logger.info("heartbeat not sent", extra={"failure": type(failure).__name__})

    # -- helpers --------------------------------------------------------------------------------

    def _announcement(self) -> dict[str, JsonValue]:
        return {
            "office": self._topics.office,
            "agent_version": __version__,
            "at": datetime.now(UTC).isoformat(),
            "devices": self._devices.status(),
        }

    def _response_topic(self, requested: str | None) -> str:
        if (
            requested
            and requested.startswith(self._topics.uplink_root)
            and "+" not in requested
            and "#" not in requested
        ):
            return requested
        return self._topics.response

    def _publish(self, topic: str, message: dict[str, JsonValue]) -> None:
        self._publish_raw(topic, json.dumps(message, separators=(",", ":")).encode(), None)

    def _publish_raw(
        self, topic: str, payload: bytes, correlation_data: bytes | None, at_least_once: bool = True
    ) -> None:
        from awscrt import mqtt5

        packet = mqtt5.PublishPacket(
            topic=topic,
            payload=payload,
            qos=mqtt5.QoS.AT_LEAST_ONCE if at_least_once else mqtt5.QoS.AT_MOST_ONCE,
            correlation_data_bytes=correlation_data,
            content_type="application/json",
        )
        completion = self._client.publish(packet).result(_PUBLISH_TIMEOUT_SECONDS)
        # A QoS 1 publish completes with the broker's PUBACK; a QoS 0 one with an empty packet (no reason code).
        reason_code = getattr(getattr(completion, "puback", None), "reason_code", None)
        if reason_code is not None and int(reason_code) >= 0x80:
            raise ConnectionError(f"the broker refused the publish (reason {int(reason_code)})")
