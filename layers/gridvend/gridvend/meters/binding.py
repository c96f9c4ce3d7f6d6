"""Binding communication devices to meters: one module per meter and one meter per module; a
concentrator serves many meters (up to its maximum), a meter hangs on one concentrator."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.meters.devices import BINDABLE_TO_METERS, Device, DeviceKind
from gridvend.meters.model import Meter
from gridvend.meters.states import MeterState
from gridvend.store.devices import DeviceRepository
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository


def _conflict(message: str) -> Conflict:
    return Conflict(message, [FieldProblem("device_id", message)])


class BindingService:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._meters = MeterRepository(store, ctx)
        self._devices = DeviceRepository(store, ctx)

    def bind(self, serial: str, device_id: str) -> dict[str, Any]:
        meter = self._meters.require(serial)
        device = self._bindable(device_id)
        if meter.state is MeterState.SCRAPPED:
            raise Conflict(f"meter '{serial}' is scrapped")
        if device.kind is DeviceKind.MODULE:
            if meter.module_id == device.device_id:
                return meter.public()
            if meter.module_id:
                raise _conflict(f"meter '{serial}' already has module '{meter.module_id}'; unbind it first")
            if device.meter_serial:
                raise _conflict(f"module '{device.device_id}' is bound to meter '{device.meter_serial}'")
            updated = replace(meter, module_id=device.device_id)
            device_change = self._devices.save_operation(device, replace(device, meter_serial=serial, bound_count=1))
        else:
            if meter.concentrator_id == device.device_id:
                return meter.public()
            if meter.concentrator_id:
                raise _conflict(f"meter '{serial}' is on concentrator '{meter.concentrator_id}'; unbind it first")
            capacity = int(device.fields.get("max_meters") or 1)
            if device.bound_count >= capacity:
                raise _conflict(f"concentrator '{device.device_id}' holds its maximum of {capacity} meters")
            updated = replace(meter, concentrator_id=device.device_id)
            device_change = self._devices.count_operation(device, +1, capacity)
        return self._commit("bind", meter, updated, device_change)

    def unbind(self, serial: str, device_id: str) -> dict[str, Any]:
        meter = self._meters.require(serial)
        device = self._bindable(device_id)
        if device.kind is DeviceKind.MODULE:
            if meter.module_id != device.device_id:
                raise _conflict(f"module '{device.device_id}' is not bound to meter '{serial}'")
            updated = replace(meter, module_id=None)
            device_change = self._devices.save_operation(device, replace(device, meter_serial=None, bound_count=0))
        else:
            if meter.concentrator_id != device.device_id:
                raise _conflict(f"meter '{serial}' is not on concentrator '{device.device_id}'")
            updated = replace(meter, concentrator_id=None)
            device_change = self._devices.count_operation(device, -1)
        return self._commit("unbind", meter, updated, device_change)

    def _bindable(self, device_id: str) -> Device:
        device = self._devices.get(device_id)
        if device is None:
            raise InvalidInput.for_field("device_id", f"device '{device_id}' does not exist")
        if device.kind not in BINDABLE_TO_METERS:
            raise InvalidInput.for_field("device_id", f"a {device.kind.value} is not bound to meters")
        return device

    def _commit(self, action: str, meter: Meter, updated: Meter, device_change: Guarded) -> dict[str, Any]:
        operations = [*self._meters.changes_operations([(meter, updated)]), device_change]
        operations.append(self._meters.audit(action, meter, updated))
        commit(self._store, operations)
        return self._meters.require(meter.serial).public()
