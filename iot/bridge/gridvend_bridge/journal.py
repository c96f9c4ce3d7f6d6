"""The agent's journal (SQLite): what must not be lost while the cloud is out of reach.

- answers: the answer to every request that changed something at the office (a voucher printed, a
  card written, a token made), by correlation id. A request that comes again (MQTT redelivery, a
  cloud retry) gets the same answer and is not carried out twice.
- outbox: events for the cloud (voucher printed, card written), numbered in the order they
  happened; each is removed only once the broker has acknowledged it, so after an outage they are
  replayed in order. An answer and its event are written in one transaction.

Tokens are not secret (they are printed for the customer); no key, PIN or password goes in here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import JsonValue

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    correlation_id TEXT PRIMARY KEY,
    op TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    happened_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class JournalEvent:
    position: int
    kind: str
    body: dict[str, JsonValue]
    happened_at: str

    def message(self) -> dict[str, JsonValue]:
        return {"position": self.position, "kind": self.kind, "happened_at": self.happened_at, **self.body}


class Journal:
    def __init__(self, path: Path | str) -> None:
        self._connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def answer_for(self, correlation_id: str) -> str | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT answer FROM answers WHERE correlation_id = ?", (correlation_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def record(
        self, correlation_id: str, op: str, answer: str, event: tuple[str, dict[str, JsonValue]] | None = None
    ) -> None:
        """Keep an answer and, when given, the event (kind, body) it made, in one transaction."""
        now = _now()
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.execute(
                    "INSERT OR REPLACE INTO answers (correlation_id, op, answer, answered_at) VALUES (?, ?, ?, ?)",
                    (correlation_id, op, answer, now),
                )
                if event is not None:
                    kind, body = event
                    self._connection.execute(
                        "INSERT INTO outbox (kind, body, happened_at) VALUES (?, ?, ?)",
                        (kind, json.dumps(body, separators=(",", ":")), now),
                    )
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise

    def pending_events(self, limit: int = 100) -> list[JournalEvent]:
        """The oldest events not yet acknowledged, in the order they happened."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT position, kind, body, happened_at FROM outbox ORDER BY position LIMIT ?", (limit,)
            ).fetchall()
        return [JournalEvent(int(row[0]), str(row[1]), json.loads(row[2]), str(row[3])) for row in rows]

    def acknowledge(self, position: int) -> None:
        with self._lock:
            self._connection.execute("DELETE FROM outbox WHERE position = ?", (position,))

    def backlog(self) -> int:
        with self._lock:
            row = self._connection.execute("SELECT COUNT(*) FROM outbox").fetchone()
        return int(row[0])

    def forget_answers_before(self, cutoff: datetime) -> int:
        """Drop answers older than cutoff (the cloud retries within minutes, not days)."""
        with self._lock:
            cursor = self._connection.execute("DELETE FROM answers WHERE answered_at < ?", (cutoff.isoformat(),))
        return cursor.rowcount


def _now() -> str:
    return datetime.now(UTC).isoformat()
