"""The IoT router's view of the table stream: the shared local poller (infra/local/table_stream.py) in a
background thread, feeding one consumer. Shards open at start are read from their latest record; shards that
appear later (DynamoDB rolls shards over) from their first."""

from __future__ import annotations

from typing import Any

from infra.local.table_stream import BatchHandler, PollingThread, TableStreamPoller


class StreamPoller(PollingThread):
    def __init__(self, dynamodb: Any, streams: Any, table_name: str, handle_batch: BatchHandler,
                 interval_seconds: float = 0.5) -> None:
        super().__init__(
            TableStreamPoller(dynamodb, streams, table_name, [handle_batch], start_at="LATEST"), interval_seconds
        )

    @property
    def delivered(self) -> int:
        return self.poller.delivered
