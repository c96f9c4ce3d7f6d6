"""Meter use cases: register one meter, read, change, list, and its state history."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, InvalidInput
from gridvend.meters.identity import IDENTITY_FIELDS, StsIdentityInput, drn_problem, resolved_identity
from gridvend.meters.model import Meter
from gridvend.meters.schemas import CLEARABLE_FIELDS, MeterPatch, NewMeter
from gridvend.meters.states import MeterState, may_move_by_hand
from gridvend.store.archives import ArchiveRepository
from gridvend.store.guarded import commit
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterQuery, MeterRepository
from gridvend.store.tenants import own_tenant_settings

DEFAULT_BASE_DATE = 2014


class MeterService:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self.meters = MeterRepository(store, ctx)
        self._archives = ArchiveRepository(store, ctx)

    def tenant_base_date(self) -> int:
        return tenant_base_date(self._store, self._ctx)

    def model_ratios(self, model_id: str, field_name: str = "model_id") -> tuple[int, int]:
        model = self._archives.get("meter-models", model_id)
        if model is None:
            raise InvalidInput.for_field(field_name, f"meter-models '{model_id}' does not exist")
        return int(model.data.get("ct_ratio") or 1), int(model.data.get("pt_ratio") or 1)

    def create(self, request: NewMeter) -> dict[str, Any]:
        identity = resolved_identity(
            StsIdentityInput.model_validate(request.model_dump(include=set(IDENTITY_FIELDS))),
            request.serial,
            self.tenant_base_date(),
        )
        model_ct, model_pt = self.model_ratios(request.model_id)
        state = MeterState(request.state)
        meter = Meter(
            serial=request.serial,
            identity=identity,
            model_id=request.model_id,
            ct_ratio=request.ct_ratio or model_ct,
            pt_ratio=request.pt_ratio or model_pt,
            state=state,
            branch_id=request.branch_id,
            install_date=_date_text(request.install_date),
            factory_date=_date_text(request.factory_date),
            remark=request.remark,
            history=(self.meters.first_entry(state, "registered"),),
        )
        operations = self.meters.changes_operations([(None, meter)])
        operations.append(self.meters.audit("create", None, meter))
        commit(self._store, operations)
        return self.meters.require(meter.serial).public()

    def get(self, serial: str) -> dict[str, Any]:
        return self.meters.require(serial).public()

    def history(self, serial: str) -> list[dict[str, Any]]:
        return [entry.public() for entry in reversed(self.meters.require(serial).history)]

    def page(
        self, query: MeterQuery, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        meters, next_key = self.meters.page(query, limit=limit, start_key=start_key)
        return [meter.public() for meter in meters], next_key

    def update(self, serial: str, patch: MeterPatch) -> dict[str, Any]:
        current = self.meters.require(serial)
        sent = patch.model_fields_set - {"reason", "version"}
        for name in sorted(sent - CLEARABLE_FIELDS):
            if getattr(patch, name) is None:
                raise InvalidInput.for_field(name, "cannot be null")
        if patch.version is not None and patch.version != current.version:
            raise Conflict(f"meter '{serial}' is at version {current.version}, not {patch.version}")
        updated = self._changed(current, patch, sent)
        if patch.state is not None and patch.state != current.state:
            if not may_move_by_hand(current.state, patch.state):
                raise InvalidInput.for_field(
                    "state", f"a {current.state.value} meter cannot be set to {patch.state.value} by hand"
                )
            updated = self.meters.moved(updated, patch.state, patch.reason or "changed by hand")
        if updated == current:
            return current.public()
        operations = self.meters.changes_operations([(current, updated)])
        operations.append(self.meters.audit("update", current, updated))
        commit(self._store, operations)
        return self.meters.require(serial).public()

    def _changed(self, current: Meter, patch: MeterPatch, sent: set[str]) -> Meter:
        identity = {**current.identity, **{name: getattr(patch, name) for name in sent & set(IDENTITY_FIELDS)}}
        problem = drn_problem(identity["iin"], identity["drn"])
        if problem is not None:
            raise InvalidInput.for_field("drn", problem)
        changes: dict[str, Any] = {"identity": identity}
        if "model_id" in sent and patch.model_id != current.model_id:
            assert patch.model_id is not None
            ct_ratio, pt_ratio = self.model_ratios(patch.model_id)
            changes.update(model_id=patch.model_id, ct_ratio=ct_ratio, pt_ratio=pt_ratio)
        for name in ("ct_ratio", "pt_ratio", "remark"):
            if name in sent:
                changes[name] = getattr(patch, name)
        for name in ("install_date", "factory_date"):
            if name in sent:
                changes[name] = _date_text(getattr(patch, name))
        if "branch_id" in sent and patch.branch_id != current.branch_id:
            if current.state is MeterState.IN_TRANSIT:
                raise InvalidInput.for_field("branch_id", "the meter is in transit; stock it in at its new branch")
            changes["branch_id"] = patch.branch_id
        return replace(current, **changes)


def tenant_base_date(store: ItemStore, ctx: TenantContext) -> int:
    """The STS base date a meter gets when its request names none: the tenant's setting."""
    settings = own_tenant_settings(store, ctx.tenant_id) or {}
    return int(settings.get("sts_base_date") or DEFAULT_BASE_DATE)


def _date_text(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
