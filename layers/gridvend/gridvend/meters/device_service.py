"""Device use cases: register, read, list, change and delete communication devices; a module or
concentrator may hold one SIM, and a SIM sits in one device at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.meters.devices import DEVICE_SCHEMAS, Device, DeviceInput, DeviceKind, check_connection, device_kind
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.devices import DeviceRepository, new_device
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.validation import invalid_input_from

IMMUTABLE_FIELDS = ("device_id", "kind")
SHOWN_ONLY = ("meter_serial", "meter_count", "used_by", "created_at", "updated_at")


def validated_device(kind: DeviceKind, payload: dict[str, Any]) -> DeviceInput:
    try:
        device = DEVICE_SCHEMAS[kind].model_validate(payload)
    except ValidationError as error:
        raise invalid_input_from(error) from None
    check_connection(device)
    return device


class DeviceService:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self.devices = DeviceRepository(store, ctx)

    def create(self, payload: dict[str, Any]) -> dict[str, Any]:
        kind = device_kind(payload.pop("kind", None))
        validated = validated_device(kind, payload)
        device = new_device(kind, validated.device_id, validated.model_dump(mode="json", exclude={"device_id"}))
        operations = [self.devices.creation_operation(device), *self._sim_changes(None, device)]
        operations.append(self._audit("create", None, device))
        commit(self._store, operations)
        return self.devices.require(device.device_id).public()

    def get(self, device_id: str) -> dict[str, Any]:
        return self.devices.require(device_id).public()

    def update(self, device_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        current = self.devices.require(device_id)
        expected_version = changes.pop("version", None)
        if expected_version is not None and expected_version != current.version:
            raise Conflict(f"device '{device_id}' is at version {current.version}, not {expected_version}")
        for name in IMMUTABLE_FIELDS:
            if name in changes and changes.pop(name) != getattr(current, name):
                raise InvalidInput.for_field(name, "cannot change; register a new device")
        for name in SHOWN_ONLY:
            changes.pop(name, None)
        validated = validated_device(current.kind, {**current.fields, **changes, "device_id": device_id})
        updated = replace(current, fields=validated.model_dump(mode="json", exclude={"device_id"}))
        if updated == current:
            return current.public()
        operations = [self.devices.save_operation(current, updated), *self._sim_changes(current, updated)]
        operations.append(self._audit("update", current, updated))
        commit(self._store, operations)
        return self.devices.require(device_id).public()

    def delete(self, device_id: str) -> None:
        current = self.devices.require(device_id)
        if current.bound_count > 0:
            raise Conflict(f"device '{device_id}' is in use; unbind it first")
        operations = [self.devices.deletion_operation(current), *self._sim_changes(current, None)]
        operations.append(self._audit("delete", current, None))
        commit(self._store, operations)

    def page(
        self, kind: DeviceKind | None, prefix: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        devices, next_key = self.devices.page(kind, prefix, limit=limit, start_key=start_key)
        return [device.public() for device in devices], next_key

    def _sim_changes(self, before: Device | None, after: Device | None) -> list[Guarded]:
        """Takes the new SIM (it must be free) and frees the old one."""
        old_sim = before.sim_id if before else None
        new_sim = after.sim_id if after else None
        if old_sim == new_sim:
            return []
        operations: list[Guarded] = []
        if old_sim:
            sim = self.devices.get(old_sim)
            if sim is not None:
                operations.append(self.devices.save_operation(sim, replace(sim, used_by=None, bound_count=0)))
        if new_sim and after is not None:
            sim = self.devices.get(new_sim)
            if sim is None or sim.kind is not DeviceKind.SIM:
                raise InvalidInput.for_field("sim_id", f"there is no SIM card '{new_sim}'")
            if sim.used_by is not None:
                message = f"SIM card '{new_sim}' is already in device '{sim.used_by}'"
                raise Conflict(message, [FieldProblem("sim_id", message)])
            taken = replace(sim, used_by=after.device_id, bound_count=1)
            operations.append(self.devices.save_operation(sim, taken))
        return operations

    def _audit(self, action: str, before: Device | None, after: Device | None) -> Guarded:
        subject = after or before
        assert subject is not None
        entry = AuditEntry(
            action,
            f"device:{subject.kind.value}",
            subject.device_id,
            before.public() if before else None,
            after.public() if after else None,
        )
        return Guarded(audit_put(self._ctx, entry))
