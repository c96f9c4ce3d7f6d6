"""Communication devices of a tenant: one item each, the count of what is bound to it in `ref_count`
(so a device in use cannot be deleted), optimistic versions.

Access patterns:
- device by id:                    pk=T#<t>#DEVICE  sk=D#<device id>
- devices by id prefix:            pk=T#<t>#DEVICE  sk begins with D#<prefix>
- devices of a kind, by id:        gsi1pk=T#<t>#DEVICE#K#<kind>  gsi1sk=<device id>
- meters on a concentrator:        see store/meters.py (filter |cc:<id>|)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Literal

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, NotFound
from gridvend.meters.devices import Device, DeviceKind
from gridvend.store.bulk import stored_keys
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Delete, Increment, Item, ItemStore, Put


class DeviceRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}DEVICE"

    def list_partition(self, kind: DeviceKind | None) -> tuple[str, Literal["gsi1"] | None]:
        return (f"{self.partition}#K#{kind.value}", "gsi1") if kind else (self.partition, None)

    def get(self, device_id: str) -> Device | None:
        item = self._store.get(self.partition, f"D#{device_id}")
        return _device(item) if item else None

    def require(self, device_id: str) -> Device:
        device = self.get(device_id)
        if device is None:
            raise NotFound(f"device '{device_id}' does not exist")
        return device

    def page(
        self, kind: DeviceKind | None, prefix: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[Device], dict[str, str] | None]:
        partition, index = self.list_partition(kind)
        page = self._store.query(
            partition,
            index=index,
            sk_prefix=(prefix or None) if kind else f"D#{prefix}",
            limit=limit,
            start_key=start_key,
        )
        return [_device(item) for item in page.items], page.next_key

    def existing_ids(self, device_ids: Iterable[str]) -> set[str]:
        return stored_keys(self._store, self.partition, "D#", device_ids)

    def creation_operation(self, device: Device) -> Guarded:
        taken = Conflict(f"device '{device.device_id}' already exists", [FieldProblem("device_id", "already exists")])
        return Guarded(Put(self.item(device), Condition.absent()), taken)

    def save_operation(self, current: Device, updated: Device) -> Guarded:
        stale = Conflict(f"device '{current.device_id}' was changed meanwhile; reload and retry")
        stored = replace(updated, version=current.version + 1, updated_at=_now())
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Put(self.item(stored), condition), stale)

    def deletion_operation(self, current: Device) -> Guarded:
        in_use = Conflict(f"device '{current.device_id}' is in use (bound) or was changed meanwhile")
        condition = Condition(must_exist=True, equals={"version": current.version}, at_most={"ref_count": 0})
        return Guarded(Delete(self.partition, f"D#{current.device_id}", condition), in_use)

    def count_operation(self, device: Device, delta: int, capacity: int | None = None) -> Guarded:
        """Counts a meter on (or off) a concentrator without rewriting it; the version moves so that an
        edit made from an older read fails instead of writing back an old count."""
        condition = Condition(must_exist=True, at_most={"ref_count": capacity - 1} if capacity else {})
        full = Conflict(f"concentrator '{device.device_id}' holds its maximum of {capacity} meters")
        step = Increment(
            self.partition, f"D#{device.device_id}", {"ref_count": delta, "version": 1}, condition=condition
        )
        return Guarded(step, full if capacity else Conflict(f"device '{device.device_id}' was deleted"))

    def item(self, device: Device) -> Item:
        return {
            "pk": self.partition,
            "sk": f"D#{device.device_id}",
            "gsi1pk": f"{self.partition}#K#{device.kind.value}",
            "gsi1sk": device.device_id,
            "entity": f"device:{device.kind.value}",
            "version": device.version,
            "ref_count": device.bound_count,
            "data": {
                "kind": device.kind.value,
                "fields": device.fields,
                "meter_serial": device.meter_serial,
                "used_by": device.used_by,
                "created_at": device.created_at,
                "updated_at": device.updated_at,
            },
        }


def new_device(kind: DeviceKind, device_id: str, fields: dict[str, Any]) -> Device:
    moment = _now()
    return Device(device_id, kind, fields, created_at=moment, updated_at=moment)


def _now() -> str:
    return utc_now().isoformat(timespec="milliseconds")


def _device(item: Item) -> Device:
    data = item["data"]
    return Device(
        device_id=item["sk"].removeprefix("D#"),
        kind=DeviceKind(data["kind"]),
        fields=data.get("fields") or {},
        meter_serial=data.get("meter_serial"),
        used_by=data.get("used_by"),
        bound_count=int(item.get("ref_count", 0)),
        created_at=data.get("created_at", ""),
        updated_at=data.get("updated_at", ""),
        version=int(item.get("version", 1)),
    )
