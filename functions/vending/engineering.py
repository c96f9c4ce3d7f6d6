"""Issuing engineering tokens for one meter: each needs its own permission and is recorded with who and why.

A token that takes a TID reads the meter's vend state and commits the new last TID with the record, conditioned
on the state's version (as a sale does), so sales and management tokens share one increasing TID sequence. A
key change updates the meter's key identity in the same transaction; a rollover to the next base date also
clears the vend state's last TID, as the meter clears its TID memory. Free credit draws the module's credit.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from functions.vending.modules import ModuleService, backend_for
from functions.vending.service import KeyExpired, TenantTerms, back_off, identity_of
from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, InvalidInput, Unprocessable
from gridvend.ids import new_id
from gridvend.store.engineering import EngineeringTokenRepository
from gridvend.store.guarded import Busy, Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.vends import VendRepository, VendStateMoved
from gridvend.sts.errors import InvalidField
from gridvend.sts.tid import next_tid, tid_from_time
from gridvend.sts.tokens import class1_token
from gridvend.vending.engineering import (
    EngineeringKind,
    EngineeringOrder,
    KeyChangeRefused,
    key_change_plan,
    token_request,
)
from gridvend.vending.receipt import grouped_token
from gridvend.vending.rollover import needs_rollover

MAX_ATTEMPTS = 30


class EngineeringService:
    def __init__(self, store: ItemStore, ctx: TenantContext, tenant: TenantTerms) -> None:
        self._store = store
        self._ctx = ctx
        self._tenant = tenant
        self._records = EngineeringTokenRepository(store, ctx)
        self._meters = MeterRepository(store, ctx)
        self._vends = VendRepository(store, ctx)
        self._modules = ModuleService(store, ctx)

    def issue(
        self, order: EngineeringOrder, serial: str | None, *, job_id: str | None = None, now: datetime | None = None
    ) -> dict[str, Any]:
        self._ctx.require("engineering-tokens", order.kind.permission)
        if serial is None and order.kind is not EngineeringKind.TEST:
            raise InvalidInput.for_field("meter", f"{order.kind.value} tokens are made for a meter")
        for attempt in range(MAX_ATTEMPTS):
            try:
                return self._attempt(order, serial, job_id, now or utc_now())
            except (VendStateMoved, Busy):
                back_off(attempt)
        raise Conflict("the meter is too busy right now; retry")

    def _attempt(
        self, order: EngineeringOrder, serial: str | None, job_id: str | None, now_utc: datetime
    ) -> dict[str, Any]:
        local_now = self._tenant.calendar.wall(now_utc)
        record: dict[str, Any] = {
            "id": new_id(),
            "kind": order.kind.value,
            "meter": serial,
            "reason": order.reason,
            "order": order.model_dump(mode="json", exclude={"kind", "reason"}),
            "operator": self._ctx.username,
            "time_utc": now_utc.isoformat(timespec="milliseconds"),
            "time_local": local_now.isoformat(timespec="minutes"),
            "job_id": job_id,
            "tid": None,
        }
        if order.kind is EngineeringKind.TEST:
            token = _sts(lambda: class1_token(order.test_subclass, order.control, order.manufacturer))
            return self._commit(record, [token], [])
        assert serial is not None
        meter = self._meters.require(serial)
        module_record = self._modules.module_for_vend(None)
        module = backend_for(self._ctx.tenant_id, module_record)
        identity = identity_of(meter.identity)
        state = self._vends.state(serial)
        record["module"] = module_record.module_id
        if order.kind is EngineeringKind.KEY_CHANGE:
            try:
                plan = key_change_plan(order, identity, local_now)
            except KeyChangeRefused as refused:
                raise Unprocessable(str(refused)) from None
            tokens = module.key_change(plan.old, plan.new, order.key_expiry)
            migrated = meter.identity | {
                "krn": plan.new.krn,
                "base_date": plan.new.base_date,
                "key_type": plan.new.key_type,
                "key_expiry": order.key_expiry,
            }
            record["key_change"] = {
                "from": {"krn": identity.krn, "base_date": identity.base_date, "key_type": identity.key_type},
                "to": {"krn": plan.new.krn, "base_date": plan.new.base_date, "key_type": plan.new.key_type},
                "rollover": plan.rollover,
            }
            operations = self._meters.changes_operations([(meter, replace(meter, identity=migrated))])
            if plan.rollover:
                operations.append(self._records.state_operation(state, replace(state, last_tid=None)))
            return self._commit(record, tokens, operations)
        if needs_rollover(identity, local_now):
            raise Unprocessable(
                f"meter '{serial}' is still on base date {identity.base_date}: give it the rollover key change first"
            )
        tid = next_tid(tid_from_time(local_now, identity.base_date), state.last_tid)
        if tid >> 16 > int(meter.identity.get("key_expiry", 255)):
            raise KeyExpired(f"the key of meter '{serial}' has expired; it needs a key change token")
        request = _sts(lambda: token_request(order, tid, secrets.randbelow(16)))
        token = module.issue_token(identity, request)
        record["tid"] = tid
        operations = [self._records.state_operation(state, replace(state, last_tid=tid))]
        if order.kind is EngineeringKind.FREE_CREDIT:
            assert order.energy is not None
            record["energy_kwh"] = str(order.energy)
            operations.append(self._modules.repository.credit_change(module_record.module_id, -int(order.energy * 10)))
        return self._commit(record, [token], operations)

    def _commit(self, record: dict[str, Any], tokens: list[str], extra: list[Guarded]) -> dict[str, Any]:
        record["tokens"] = tokens
        record["tokens_grouped"] = [grouped_token(token) for token in tokens]
        commit(self._store, [*self._records.record_operations(record), *extra])
        return record


def _sts(make: Any) -> Any:
    """Runs a token maker; a field the token cannot hold (a power limit too large) is the caller's input error."""
    try:
        return make()
    except InvalidField as error:
        raise InvalidInput.for_field("order", str(error)) from None
