"""Command tasks of a tenant and the command each sends to one meter. A command is saved on its version
(a late acknowledgement and the sweeper cannot both win); the task's `counter` counts finished commands
and grows in the same transaction as the command that finishes. Commands waiting for something (to be
sent, or for an answer) are indexed by deadline for the sweeper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gridvend.ami.tasks import WAITING_STATES, CommandRecord, CommandState
from gridvend.auth.context import TenantContext
from gridvend.iot.messages import CommandKind, utc_stamp
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put, TransactionConflict, WriteOp

TRANSACTION_LIMIT = 100


@dataclass(frozen=True)
class TaskRecord:
    task_id: str
    kind: CommandKind
    params: dict[str, Any]  # secrets masked
    target: dict[str, Any]
    total: int
    created_by: str
    created_at: str
    timeout_seconds: int
    max_attempts: int
    source: str = ""  # a collection schedule, when one made the task
    finished: int = 0

    def public(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "kind": self.kind.value,
            "params": self.params,
            "target": self.target,
            "total": self.total,
            "finished": self.finished,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "timeout_seconds": self.timeout_seconds,
            "max_attempts": self.max_attempts,
            "source": self.source or None,
        }


class TaskRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    @property
    def tasks_partition(self) -> str:
        return f"{self._prefix}TASK"

    def commands_partition(self, task_id: str) -> str:
        return f"{self._prefix}TASK#{task_id}"

    @property
    def open_partition(self) -> str:
        return f"{self._prefix}CMD#OPEN"

    def create(self, ctx: TenantContext, task: TaskRecord, commands: Sequence[CommandRecord]) -> None:
        task_item: Item = {
            "pk": self.tasks_partition,
            "sk": task.task_id,
            "entity": "task",
            "counter": 0,
            "data": _task_data(task),
        }
        already_final = sum(1 for record in commands if record.is_final)
        task_item["counter"] = already_final
        audit = audit_put(ctx, AuditEntry("create", "task", task.task_id, None, task.public()))
        self._store.transact([Put(task_item, Condition.absent()), audit])
        items = [self._command_item(record, 1) for record in commands]
        for start in range(0, len(items), TRANSACTION_LIMIT):
            self._store.transact([Put(item) for item in items[start : start + TRANSACTION_LIMIT]])

    def task(self, task_id: str) -> TaskRecord | None:
        item = self._store.get(self.tasks_partition, task_id)
        return _task(item) if item else None

    def tasks(self, *, limit: int, start_key: dict[str, str] | None) -> tuple[list[TaskRecord], dict[str, str] | None]:
        page = self._store.query(self.tasks_partition, limit=limit, start_key=start_key, newest_first=True)
        return [_task(item) for item in page.items], page.next_key

    def command(self, task_id: str, meter: str) -> tuple[CommandRecord, int] | None:
        item = self._store.get(self.commands_partition(task_id), meter)
        return (_command(item), int(item.get("version", 1))) if item else None

    def commands(
        self, task_id: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[CommandRecord], dict[str, str] | None]:
        page = self._store.query(self.commands_partition(task_id), limit=limit, start_key=start_key)
        return [_command(item) for item in page.items], page.next_key

    def all_commands(self, task_id: str, most: int = 10_000) -> list[CommandRecord]:
        found: list[CommandRecord] = []
        start: dict[str, str] | None = None
        while len(found) < most:
            page, start = self.commands(task_id, limit=500, start_key=start)
            found += page
            if start is None:
                break
        return found

    def due(self, now: datetime, limit: int = 200) -> list[tuple[CommandRecord, int]]:
        """Waiting commands whose deadline has come (read from the index: may lag a moment)."""
        page = self._store.query(self.open_partition, index="gsi1", sk_between=("0", f"{utc_stamp(now)}~"), limit=limit)
        found = []
        for item in page.items:
            current = self.command(item["data"]["task_id"], item["sk"])
            if current is not None and current[0].state in WAITING_STATES:
                found.append(current)
        return found

    def save(self, record: CommandRecord, read_version: int, extra: Sequence[WriteOp] = ()) -> bool:
        """Writes the record if it is still at read_version; False when it changed meanwhile."""
        operations: list[WriteOp] = [
            Put(self._command_item(record, read_version + 1), Condition(equals={"version": read_version})),
            *extra,
        ]
        if record.is_final:
            operations.append(Increment(self.tasks_partition, record.task_id, {"counter": 1}))
        try:
            self._store.transact(operations)
        except TransactionConflict:
            return False
        return True

    def _command_item(self, record: CommandRecord, version: int) -> Item:
        item: Item = {
            "pk": self.commands_partition(record.task_id),
            "sk": record.meter,
            "entity": "command",
            "version": version,
            "data": _command_data(record),
        }
        if record.state in WAITING_STATES:
            item["gsi1pk"] = self.open_partition
            item["gsi1sk"] = f"{record.deadline}#{record.task_id}#{record.meter}"
        return item


def _task_data(task: TaskRecord) -> dict[str, Any]:
    data = task.public()
    data.pop("finished")
    data["source"] = task.source
    return data


def _task(item: Item) -> TaskRecord:
    data = item["data"]
    return TaskRecord(
        task_id=str(data["task_id"]),
        kind=CommandKind(data["kind"]),
        params=dict(data.get("params") or {}),
        target=dict(data.get("target") or {}),
        total=int(data["total"]),
        created_by=str(data.get("created_by", "")),
        created_at=str(data.get("created_at", "")),
        timeout_seconds=int(data["timeout_seconds"]),
        max_attempts=int(data["max_attempts"]),
        source=str(data.get("source") or ""),
        finished=int(item.get("counter", 0)),
    )


def _command_data(record: CommandRecord) -> dict[str, Any]:
    return {
        "task_id": record.task_id,
        "meter": record.meter,
        "thing_id": record.thing_id,
        "kind": record.kind.value,
        "state": record.state.value,
        "attempts": record.attempts,
        "max_attempts": record.max_attempts,
        "deadline": record.deadline,
        "progress": record.progress,
        "chunk": record.chunk,
        "chunks": record.chunks,
        "reason": record.reason,
        "result": record.result,
        "history": [list(entry) for entry in record.history],
        "updated_at": record.updated_at,
    }


def _command(item: Item) -> CommandRecord:
    data = item["data"]
    return CommandRecord(
        task_id=str(data["task_id"]),
        meter=str(data["meter"]),
        thing_id=str(data["thing_id"]) if data.get("thing_id") else None,
        kind=CommandKind(data["kind"]),
        state=CommandState(data["state"]),
        attempts=int(data.get("attempts", 0)),
        max_attempts=int(data.get("max_attempts", 1)),
        deadline=str(data.get("deadline") or ""),
        progress=int(data.get("progress", 0)),
        chunk=int(data.get("chunk", 0)),
        chunks=int(data.get("chunks", 0)),
        reason=str(data.get("reason") or ""),
        result=_plain(dict(data.get("result") or {})),
        history=tuple((str(at), str(state), str(note)) for at, state, note in data.get("history") or ()),
        updated_at=str(data.get("updated_at", "")),
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Numbers come back from the table as Decimal (or float through maps): ints stay ints."""
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, bool) or value is None or isinstance(value, str):
            plain[name] = value
        elif float(value).is_integer():
            plain[name] = int(value)
        else:
            plain[name] = str(value)
    return plain
