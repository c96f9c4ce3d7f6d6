"""Uplinks from mosquitto to the ingest handler, as the IoT rule and its queue would bring them:
batches of up to BATCH_SIZE records, the partial batch response honoured (failed records come again,
up to MAX_RECEIVES times, then they are dropped with a log line, as a dead-letter queue would keep them)."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awscrt import mqtt

from gridvend.iot.mqtt_publisher import RESULT_TIMEOUT_SECONDS, cloud_connection
from gridvend.iot.rule_events import rule_message
from gridvend.iot.topics import UPLINK_FILTER
from iot.router.queue_events import queue_event, queue_record

BATCH_SIZE = 100
BATCH_WINDOW_SECONDS = 0.05
MAX_RECEIVES = 5
RETRY_PAUSE_SECONDS = 0.5
log = logging.getLogger("gridvend.router")
BatchHandler = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class RouterStats:
    received: int = 0
    batches: int = 0
    failed_records: int = 0
    dropped: int = 0


class UplinkRouter:
    def __init__(self, host: str, port: int, pki_dir: Path, handle_batch: BatchHandler) -> None:
        self._handle_batch = handle_batch
        self._pending: queue.Queue[tuple[dict[str, Any], int]] = queue.Queue()
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._work, name="uplink-router", daemon=True)
        self.stats = RouterStats()
        self.idle = threading.Event()
        self._connection = cloud_connection(host, port, pki_dir, f"gridvend-cloud-router-{uuid.uuid4().hex[:10]}")

    def start(self) -> None:
        self._connection.connect().result(RESULT_TIMEOUT_SECONDS)
        subscribed, _ = self._connection.subscribe(UPLINK_FILTER, mqtt.QoS.AT_LEAST_ONCE, self._received)
        subscribed.result(RESULT_TIMEOUT_SECONDS)
        self._worker.start()

    def stop(self) -> None:
        self._stop.set()
        self._worker.join(timeout=30)
        try:
            self._connection.disconnect().result(RESULT_TIMEOUT_SECONDS)
        except Exception:
            log.warning("router: disconnect failed", exc_info=True)

    def _received(self, topic: str, payload: bytes, **_: Any) -> None:
        self.stats.received += 1
        self.idle.clear()
        self._pending.put((rule_message(topic, payload, int(time.time() * 1000)), 1))

    def _next_batch(self) -> list[tuple[dict[str, Any], int]]:
        try:
            first = self._pending.get(timeout=0.2)
        except queue.Empty:
            self.idle.set()
            return []
        batch = [first]
        deadline = time.monotonic() + BATCH_WINDOW_SECONDS
        while len(batch) < BATCH_SIZE:
            remaining = deadline - time.monotonic()
            try:
                batch.append(self._pending.get(timeout=remaining) if remaining > 0 else self._pending.get_nowait())
            except queue.Empty:
                break
        return batch

    def _work(self) -> None:
        while not self._stop.is_set():
            batch = self._next_batch()
            if batch:
                self._deliver(batch)

    def _deliver(self, batch: list[tuple[dict[str, Any], int]]) -> None:
        records = [queue_record(body, receives) for body, receives in batch]
        by_id = {record["messageId"]: entry for record, entry in zip(records, batch, strict=True)}
        self.stats.batches += 1
        try:
            response = self._handle_batch(queue_event(records))
            failed = [failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])]
        except Exception:
            log.exception("router: the ingest handler failed; the batch comes again")
            failed = list(by_id)
            time.sleep(RETRY_PAUSE_SECONDS)
        for message_id in failed:
            body, receives = by_id[message_id]
            self.stats.failed_records += 1
            if receives >= MAX_RECEIVES:
                self.stats.dropped += 1
                log.error("router: dropped an uplink after %d attempts (topic %s)", receives, body.get("topic"))
                continue
            self._pending.put((body, receives + 1))
