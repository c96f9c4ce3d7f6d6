"""Token cancel (with a cancel charge and a refund) and correction (error-tolerance selling) of issued vends.

One transaction: the undoing record (numbered like other bills, at most one per vend), the vend marked
cancelled, the meter's vend state restored (version-conditioned, its last TID kept), the secure module's credit
given back, the contract's repaid debt restored, the day's rollups and the audit entry. A zero-energy credit
token with the cancelled token's TID goes to the customer: entered into the meter, it uses up that TID, so the
cancelled token can never be entered afterwards.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from functions.vending.modules import ModuleService, backend_for
from functions.vending.service import CounterTaken, ExtraOperations, TenantTerms, back_off, counter_step, identity_of
from gridvend.archives.kinds import archive_kind
from gridvend.archives.stored_form import from_stored
from gridvend.auth.context import TenantContext
from gridvend.bills.numbering import NumberingRule, counter_period, format_number
from gridvend.clock import utc_now
from gridvend.errors import Conflict, InvalidInput
from gridvend.money import to_minor
from gridvend.store.archives import ArchiveRepository
from gridvend.store.bills import BillRepository
from gridvend.store.cancellations import CancellationRepository
from gridvend.store.contracts import ContractRepository
from gridvend.store.guarded import Busy, Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.vends import VendRepository, VendStateMoved
from gridvend.sts.token_requests import CreditToken
from gridvend.vending.cancellation import CancelCharge, Undoing, UndoKind, cancel_charge_from_item, undoing

MAX_ATTEMPTS = 30
DEFAULT_RULES = {
    UndoKind.CANCEL: NumberingRule("CANCEL", "C", ("prefix", "yyyymmdd"), 6, "monthly"),
    UndoKind.CORRECTION: NumberingRule("CORRECTION", "R", ("prefix", "yyyymmdd"), 6, "monthly"),
}


class CancelService:
    def __init__(self, store: ItemStore, ctx: TenantContext, tenant: TenantTerms) -> None:
        self._store = store
        self._ctx = ctx
        self._tenant = tenant
        self._vends = VendRepository(store, ctx)
        self._undoings = CancellationRepository(store, ctx)
        self._archives = ArchiveRepository(store, ctx)
        self._bills = BillRepository(store, ctx)
        self._meters = MeterRepository(store, ctx)
        self._contracts = ContractRepository(store, ctx, tenant.decimals)
        self._modules = ModuleService(store, ctx)

    def undo(
        self,
        kind: UndoKind,
        vend_bill: str,
        *,
        reason: str,
        charge_item_id: str | None = None,
        worker: str | None = None,
        now: datetime | None = None,
        extra_operations: ExtraOperations | None = None,
    ) -> dict[str, Any]:
        """`extra_operations(record)` adds a caller's changes (e.g. a channel's float given back) to the same
        transaction; it may add fields to the record before it is stored."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                return self._attempt(
                    kind, vend_bill, reason, charge_item_id, worker, now or utc_now(), extra_operations
                )
            except (VendStateMoved, CounterTaken, Busy):
                back_off(attempt)
        raise Conflict("the meter is too busy right now; retry")

    def _attempt(
        self,
        kind: UndoKind,
        vend_bill: str,
        reason: str,
        charge_item_id: str | None,
        worker: str | None,
        now_utc: datetime,
        extra_operations: ExtraOperations | None = None,
    ) -> dict[str, Any]:
        vend_item = self._undoings.vend_item(vend_bill)
        receipt: dict[str, Any] = vend_item["data"]
        decimals = self._tenant.decimals
        charge = self._charge(charge_item_id, Decimal(receipt["breakdown"]["net_amount"]))
        undone = undoing(kind, receipt, charge)
        local_now = self._tenant.calendar.wall(now_utc)
        meter = self._meters.require(undone.vend.meter)
        module_record = (
            self._modules.repository.get(receipt["module"]) if receipt.get("module") else None
        ) or self._modules.module_for_vend(None)
        zero_token = backend_for(self._ctx.tenant_id, module_record).issue_token(
            identity_of(meter.identity),
            CreditToken(subclass=0, tid=undone.vend.tid, random=secrets.randbelow(16), amount=Decimal(0)),
        )
        state = self._vends.state(undone.vend.meter)
        sales_point = self._ctx.sales_point_id or str(receipt.get("sales_point") or "HQ")
        rule = self._numbering_rule(kind)
        period = counter_period(rule, local_now.date())
        serial_read = self._bills.counter(rule.code, period)
        record = _record(
            undone,
            bill_number=format_number(rule, serial_read + 1, local_now.date(), sales_point_code=sales_point),
            reason=reason,
            worker=worker,
            zero_token=zero_token,
            operator=self._ctx.username,
            sales_point=sales_point,
            utc_time=now_utc.isoformat(timespec="seconds"),
            local_time=local_now.isoformat(timespec="minutes"),
        )
        step = counter_step(self._bills, rule.code, period, serial_read)
        extra = extra_operations(record) if extra_operations else []
        operations = [
            *self._undoings.undo_operations(
                kind=kind,
                record=record,
                vend_item=vend_item,
                utc_time=now_utc.isoformat(timespec="milliseconds"),
                local_date=f"{local_now:%Y-%m-%d}",
                sales_point=sales_point,
                previous_state=state,
                restored_state=undone.restored_state(state, decimals),
                tallies=undone.tallies(decimals),
            ),
            self._modules.repository.credit_change(module_record.module_id, undone.vend.energy_tenths),
            step,
            *self._debt_restored(undone),
            *extra,
        ]
        commit(self._store, operations)
        return record

    def _charge(self, charge_item_id: str | None, net_amount: Decimal) -> CancelCharge | None:
        if not charge_item_id:
            return None
        found = self._archives.get("charge-items", charge_item_id)
        if found is None:
            raise InvalidInput.for_field("charge_item_id", f"no charge item '{charge_item_id}'")
        shown = from_stored(archive_kind("charge-items").schema, found.data, self._tenant.decimals)
        return cancel_charge_from_item(shown, net_amount, self._tenant.decimals)

    def _debt_restored(self, undone: Undoing) -> list[Guarded]:
        repaid = to_minor(undone.vend.debt_repaid, self._tenant.decimals)
        if repaid <= 0:
            return []
        current = self._contracts.get(undone.vend.meter)
        if current is None:
            return []
        updated = replace(current, debt=current.debt + repaid)
        return [self._contracts.save(current, updated), self._contracts.audit(undone.kind.value, current, updated)]

    def _numbering_rule(self, kind: UndoKind) -> NumberingRule:
        found = self._archives.get_by_code("numbering-rules", kind.value)
        return NumberingRule.from_archive(kind.value, found.data) if found else DEFAULT_RULES[kind]


def _record(
    undone: Undoing,
    *,
    bill_number: str,
    reason: str,
    worker: str | None,
    zero_token: str,
    operator: str,
    sales_point: str,
    utc_time: str,
    local_time: str,
) -> dict[str, Any]:
    vend = undone.vend
    charge = undone.charge
    return {
        "bill_number": bill_number,
        "kind": undone.kind.value,
        "vend_bill_number": vend.bill_number,
        "meter": vend.meter,
        "tid": vend.tid,
        "energy_kwh": str(vend.energy_kwh),
        "net_amount": str(vend.net_amount),
        "cancel_charge": ({"code": charge.code, "name": charge.name, "amount": str(charge.amount)} if charge else None),
        "refund_amount": str(undone.refund),
        "reason": reason,
        "worker": worker,
        "zero_token": zero_token,
        "operator": operator,
        "sales_point": sales_point,
        "time_utc": utc_time,
        "time_local": local_time,
    }
