"""IoT things of a tenant (communication modules, concentrators, bridges), the meters each serves, and
each thing's network status (online, last seen, signal) for the network monitor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from gridvend.ami.network import NetworkStatus
from gridvend.errors import Conflict
from gridvend.store.items import Condition, Delete, Item, ItemStore, Put, TransactionConflict

MAX_METERS_PER_THING = 2000


class ThingKind(StrEnum):
    MODULE = "module"  # one meter
    CONCENTRATOR = "concentrator"  # many meters
    BRIDGE = "bridge"  # a sales office's bridge agent: no meters


@dataclass(frozen=True)
class Thing:
    thing_id: str
    kind: ThingKind
    meters: tuple[str, ...]
    iot_thing_name: str
    certificate_id: str = ""
    created_at: str = ""

    def serves(self, meter: str) -> bool:
        return meter in self.meters


class ThingRegistry:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    def get(self, thing_id: str) -> Thing | None:
        item = self._store.get(f"{self._prefix}THING", thing_id)
        return _thing(item) if item else None

    def thing_of_meter(self, meter: str) -> str | None:
        item = self._store.get(f"{self._prefix}THINGMETER", meter)
        return str(item["data"]["thing_id"]) if item else None

    def all(
        self, limit: int = 1000, start_key: dict[str, str] | None = None
    ) -> tuple[list[Thing], dict[str, str] | None]:
        page = self._store.query(f"{self._prefix}THING", limit=limit, start_key=start_key)
        return [_thing(item) for item in page.items], page.next_key

    def register(self, thing: Thing) -> None:
        """Adds the thing and binds its meters; a meter already served by another thing is refused."""
        if len(thing.meters) > MAX_METERS_PER_THING:
            raise Conflict(f"a thing serves at most {MAX_METERS_PER_THING} meters")
        current = self.get(thing.thing_id)
        operations: list[Put | Delete] = [
            Put(
                {
                    "pk": f"{self._prefix}THING",
                    "sk": thing.thing_id,
                    "entity": "thing",
                    "data": {
                        "thing_id": thing.thing_id,
                        "kind": thing.kind.value,
                        "meters": list(thing.meters),
                        "iot_thing_name": thing.iot_thing_name,
                        "certificate_id": thing.certificate_id,
                        "created_at": thing.created_at,
                    },
                }
            )
        ]
        kept = set(thing.meters)
        if current is not None:
            operations += [Delete(f"{self._prefix}THINGMETER", meter) for meter in current.meters if meter not in kept]
        already = set(current.meters) if current else set()
        for meter in thing.meters:
            if meter in already:
                continue
            operations.append(
                Put(
                    {
                        "pk": f"{self._prefix}THINGMETER",
                        "sk": meter,
                        "entity": "thing-meter",
                        "data": {"thing_id": thing.thing_id},
                    },
                    Condition.absent(),
                )
            )
        for start in range(0, len(operations), 100):
            try:
                self._store.transact(operations[start : start + 100])
            except TransactionConflict as conflict:
                meters = [operations[start + index] for index in conflict.failed]
                taken = [op.item["sk"] for op in meters if isinstance(op, Put)]
                raise Conflict(f"meters already served by another thing: {', '.join(taken[:5])}") from conflict

    def statuses(self, thing_ids: Sequence[str] | None = None, limit: int = 1000) -> list[NetworkStatus]:
        page = self._store.query(f"{self._prefix}NETSTAT", limit=limit)
        found = [_status(item) for item in page.items]
        if thing_ids is not None:
            wanted = set(thing_ids)
            found = [status for status in found if status.thing_id in wanted]
        return found

    def status(self, thing_id: str) -> tuple[NetworkStatus | None, int]:
        """The stored status and its version (0 when there is none yet)."""
        item = self._store.get(f"{self._prefix}NETSTAT", thing_id)
        return (_status(item), int(item.get("version", 1))) if item else (None, 0)

    def put_status(self, status: NetworkStatus, read_version: int) -> bool:
        """Writes the status if it is still at the version read; False when another write came first."""
        condition = Condition.absent() if read_version == 0 else Condition(equals={"version": read_version})
        item: Item = {
            "pk": f"{self._prefix}NETSTAT",
            "sk": status.thing_id,
            "entity": "network-status",
            "version": read_version + 1,
            "data": {
                "thing_id": status.thing_id,
                "online": status.online,
                "since": status.since,
                "last_seen": status.last_seen,
                "signal_dbm": status.signal_dbm,
                **status.extra,
            },
        }
        try:
            self._store.put(item, condition)
        except TransactionConflict:
            return False
        return True


def _thing(item: Item) -> Thing:
    data = item["data"]
    return Thing(
        thing_id=str(data["thing_id"]),
        kind=ThingKind(data["kind"]),
        meters=tuple(str(meter) for meter in data.get("meters") or ()),
        iot_thing_name=str(data.get("iot_thing_name", "")),
        certificate_id=str(data.get("certificate_id", "")),
        created_at=str(data.get("created_at", "")),
    )


def _status(item: Item) -> NetworkStatus:
    data = dict(item["data"])
    signal = data.pop("signal_dbm", None)
    return NetworkStatus(
        thing_id=str(data.pop("thing_id")),
        online=bool(data.pop("online", False)),
        since=str(data.pop("since", "")),
        last_seen=str(data.pop("last_seen", "")),
        signal_dbm=int(signal) if signal is not None else None,
        extra=data,
    )
