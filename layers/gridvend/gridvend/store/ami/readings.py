"""Raw readings (kept for a retention period, then removed by the table's TTL) and their rollups.

A reading's key is its meter, time and message id: a redelivered message has the same key, and its
conditional put fails, so it is stored once. Rollups are written with an optimistic version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from gridvend.ami.rollups import Rollup, StoredReading
from gridvend.iot.messages import utc_stamp
from gridvend.store.ami.reading_writer import put_new_items
from gridvend.store.items import Condition, Item, ItemStore, TransactionConflict

DEFAULT_RETENTION_DAYS = 90
PeriodKind = Literal["day", "month"]


@dataclass(frozen=True)
class NewReading:
    tenant_id: str
    thing_id: str
    msg_id: str
    reading: StoredReading
    source: str = ""  # a collection schedule or task, when the reading answers one


def reading_partition(tenant_id: str, meter: str) -> str:
    return f"T#{tenant_id}#RD#{meter}"


def reading_item(new: NewReading, retention_days: int) -> Item:
    at = new.reading.at
    data: dict[str, object] = {
        "meter": new.reading.meter,
        "thing": new.thing_id,
        "at": utc_stamp(at),
        "msg_id": new.msg_id,
        "registers": dict(new.reading.registers),
    }
    if new.source:
        data["source"] = new.source
    return {
        "pk": reading_partition(new.tenant_id, new.reading.meter),
        "sk": f"{utc_stamp(at)}#{new.msg_id}",
        "entity": "reading",
        "expires_at": int(at.timestamp()) + retention_days * 86400,
        "data": data,
    }


def add_readings(store: ItemStore, readings: Sequence[NewReading], retention_days: int) -> list[bool]:
    """Stores each reading unless its key is stored already; True where it was new. Readings of many
    tenants may share a call (one queue batch), each under its own tenant's keys."""
    return put_new_items(store, [reading_item(new, retention_days) for new in readings])


def stored_reading(item: Item) -> StoredReading:
    data = item["data"]
    return StoredReading(
        meter=str(data["meter"]),
        at=datetime.fromisoformat(str(data["at"])),
        registers={str(code): int(value) for code, value in (data.get("registers") or {}).items()},
    )


class ReadingRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id

    def partition(self, meter: str) -> str:
        return reading_partition(self._tenant_id, meter)

    def between(
        self,
        meter: str,
        since: datetime,
        until: datetime,
        *,
        limit: int = 200,
        start_key: dict[str, str] | None = None,
        newest_first: bool = False,
    ) -> tuple[list[Item], dict[str, str] | None]:
        page = self._store.query(
            self.partition(meter),
            sk_between=(utc_stamp(since), f"{utc_stamp(until)}~"),
            limit=limit,
            start_key=start_key,
            newest_first=newest_first,
        )
        return page.items, page.next_key


class RollupRepository:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    def _key(self, meter: str, kind: PeriodKind, period: str) -> tuple[str, str]:
        return f"{self._prefix}RU#{meter}", f"{'D' if kind == 'day' else 'M'}#{period}"

    def get(self, meter: str, kind: PeriodKind, period: str) -> tuple[Rollup, int]:
        """The rollup and its version (an empty rollup at version 0 when none is stored)."""
        item = self._store.get(*self._key(meter, kind, period))
        if item is None:
            return Rollup(meter, period), 0
        return _rollup(item), int(item.get("version", 1))

    def put(self, rollup: Rollup, kind: PeriodKind, read_version: int) -> bool:
        """False when someone wrote it since it was read (read again, merge again)."""
        pk, sk = self._key(rollup.meter, kind, rollup.period)
        index = f"{self._prefix}{'RUD' if kind == 'day' else 'RUM'}#{rollup.period}"
        item: Item = {
            "pk": pk,
            "sk": sk,
            "entity": f"rollup-{kind}",
            "gsi1pk": index,
            "gsi1sk": rollup.meter,
            "version": read_version + 1,
            "data": {
                "meter": rollup.meter,
                "period": rollup.period,
                "first_at": rollup.first_at,
                "first": rollup.first,
                "last_at": rollup.last_at,
                "last": rollup.last,
                "highest": rollup.highest,
                "lowest": rollup.lowest,
                "marks": list(rollup.marks),
            },
        }
        condition = Condition.absent() if read_version == 0 else Condition(equals={"version": read_version})
        try:
            self._store.put(item, condition)
        except TransactionConflict:
            return False
        return True

    def of_meter(self, meter: str, kind: PeriodKind, first: str, last: str, limit: int = 400) -> list[Rollup]:
        letter = "D" if kind == "day" else "M"
        page = self._store.query(
            f"{self._prefix}RU#{meter}", sk_between=(f"{letter}#{first}", f"{letter}#{last}"), limit=limit
        )
        return [_rollup(item) for item in page.items]

    def of_period(
        self, kind: PeriodKind, period: str, *, limit: int = 200, start_key: dict[str, str] | None = None
    ) -> tuple[list[Rollup], dict[str, str] | None]:
        index = f"{self._prefix}{'RUD' if kind == 'day' else 'RUM'}#{period}"
        page = self._store.query(index, index="gsi1", limit=limit, start_key=start_key)
        return [_rollup(item) for item in page.items], page.next_key


def _numbers(values: object) -> dict[str, int]:
    return {str(code): int(value) for code, value in (values or {}).items()}  # type: ignore[attr-defined]


def _rollup(item: Item) -> Rollup:
    data = item["data"]
    return Rollup(
        meter=str(data["meter"]),
        period=str(data["period"]),
        first_at=str(data.get("first_at", "")),
        first=_numbers(data.get("first")),
        last_at=str(data.get("last_at", "")),
        last=_numbers(data.get("last")),
        highest=_numbers(data.get("highest")),
        lowest=_numbers(data.get("lowest")),
        marks=tuple(int(mark) for mark in data.get("marks") or ()),
    )
