"""The replacement remainder on its own (seed 000 §4.6): the credit left in a replaced meter, given to the new meter
as a credit token now, instead of riding on the meter's next sale.

The remainder was paid for (charges and VAT included) when it was bought for the old meter, so it buys energy at
the contract's tariff with no charges; what is left below 0.1 kWh joins the meter's carried credit. One
transaction, exactly once per Idempotency-Key as a sale: a vend record of kind "replacement-remainder" (it shows
in the token enquiry; no money moved, so no day rollups), the vend state (TID, month's energy; version-
conditioned), the module credit, the contract's pending remainder cleared and the replacement record marked
delivered (contract version-conditioned), and an audit entry.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from functions.vending.billing_terms import sale_tariff
from functions.vending.modules import ModuleService, backend_for
from functions.vending.sale_reads import SaleReads
from functions.vending.service import (
    MAX_ATTEMPTS,
    CounterTaken,
    KeyExpired,
    TenantTerms,
    VendService,
    back_off,
    counter_step,
    identity_of,
)
from gridvend.auth.context import TenantContext
from gridvend.billing.energy import deliverable_energy
from gridvend.bills.numbering import format_number
from gridvend.clock import utc_now
from gridvend.errors import Conflict, Unprocessable
from gridvend.meters.states import MeterState
from gridvend.money import from_minor, round_money_down, to_minor
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Busy, Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.vends import BillNumberTaken, IdempotencyKeyTaken, VendStateMoved
from gridvend.sts.tid import next_tid, tid_from_time
from gridvend.sts.token_requests import CreditToken
from gridvend.vending.receipt import grouped_token
from gridvend.vending.rollover import needs_rollover

KIND = "replacement-remainder"


class RemainderService:
    def __init__(self, store: ItemStore, ctx: TenantContext, tenant: TenantTerms) -> None:
        self._store = store
        self._ctx = ctx
        self._tenant = tenant
        self._sales = VendService(store, ctx, tenant)
        self._modules = ModuleService(store, ctx)

    def issue(self, serial: str, idempotency_key: str, now: datetime | None = None) -> tuple[dict[str, Any], bool]:
        """The receipt with the remainder's token, and whether it was made now (False: the earlier one)."""
        print_ = f"{KIND}:{serial}"
        for attempt in range(MAX_ATTEMPTS):
            moment = now or utc_now()
            reads = self._sales.sale_reads(serial, idempotency_key, moment)
            earlier = self._sales.replay(reads.vends, idempotency_key, print_)
            if earlier is not None:
                return earlier, False
            try:
                return self._attempt(reads, serial, idempotency_key, print_, moment), True
            except (VendStateMoved, CounterTaken, BillNumberTaken, Busy):
                back_off(attempt)
            except IdempotencyKeyTaken:
                continue
        raise Conflict("the meter is too busy right now; retry with the same idempotency key")

    def _attempt(
        self, reads: SaleReads, serial: str, idempotency_key: str, print_: str, now_utc: datetime
    ) -> dict[str, Any]:
        meter = reads.meters.require(serial)
        if meter.state is not MeterState.IN_SERVICE:
            raise Unprocessable(f"meter '{serial}' is not in service (it is {meter.state.value})")
        contract = reads.contracts.active_for_meter(serial)
        if contract is None:
            raise Unprocessable(f"meter '{serial}' has no contract")
        contract.require_vendable()
        remainder = contract.pending_remainder
        if remainder <= 0:
            raise Unprocessable(f"meter '{serial}' has no replacement remainder waiting")
        decimals = self._tenant.decimals
        local_now = self._sales.local(now_utc)
        identity = identity_of(meter.identity)
        if needs_rollover(identity, local_now):
            raise Unprocessable(f"meter '{serial}' needs its base-date key change first: sell to it, or issue one")
        state = reads.vends.state(serial)
        month = f"{local_now:%Y-%m}"
        month_tenths = state.month_energy_tenths if state.month == month else 0
        tariff = sale_tariff(self._sales.archives, contract.tariff_id, decimals)
        energy = deliverable_energy(tariff, remainder, Decimal(month_tenths) / 10)
        if energy <= 0:
            raise Unprocessable(f"the remainder {remainder} buys no energy at the meter's tariff")
        left_over = round_money_down(remainder - tariff.cost_of(energy, Decimal(month_tenths) / 10), decimals)
        tid = next_tid(tid_from_time(local_now, identity.base_date), state.last_tid)
        if tid >> 16 > int(meter.identity.get("key_expiry", 255)):
            raise KeyExpired(f"the key of meter '{serial}' has expired; it needs a key change token")
        module_record = self._sales.selling_module(self._sales.sales_point_of(None))
        token = backend_for(self._ctx.tenant_id, module_record).issue_token(
            identity, CreditToken(subclass=0, tid=tid, random=secrets.randbelow(16), amount=energy)
        )
        numbering = reads.numbering
        serial_read = reads.bills.counter(numbering.counter_code, numbering.period)
        sales_point = self._sales.sales_point_of(None)
        bill_number = format_number(numbering.rule, serial_read + 1, local_now.date(), sales_point_code=sales_point)
        receipt = _receipt(
            bill_number=bill_number,
            contract_customer=(contract.customer_code, contract.customer_name),
            serial=serial,
            tid=tid,
            token=token,
            energy=energy,
            remainder=remainder,
            left_over=left_over,
            currency=self._tenant.currency,
            replacement_id=contract.pending_replacement_id,
            sales_point=sales_point,
            operator=self._ctx.username,
            now_utc=now_utc,
            local_now=local_now,
            idempotency_key=idempotency_key,
            module=module_record.module_id,
            decimals=decimals,
        )
        next_state = replace(
            state,
            last_tid=tid,
            month=month,
            month_energy_tenths=month_tenths + int(energy * 10),
            carried_credit_minor=state.carried_credit_minor + to_minor(left_over, decimals),
            last_bill=bill_number,
        )
        audit = AuditEntry(KIND, "vend", bill_number, None, {"meter": serial, "energy_kwh": str(energy)})
        commit(
            self._store,
            [
                *reads.vends.vend_operations(
                    idempotency_key=idempotency_key,
                    fingerprint=print_,
                    receipt=receipt,
                    utc_time=now_utc.isoformat(timespec="milliseconds"),
                    local_date=f"{local_now:%Y-%m-%d}",
                    serial=serial,
                    sales_point=sales_point,
                    operator=self._ctx.username,
                    previous_state=state,
                    next_state=next_state,
                    tally=None,
                ),
                self._modules.repository.credit_change(module_record.module_id, -int(energy * 10)),
                counter_step(reads.bills, numbering.counter_code, numbering.period, serial_read),
                *reads.contracts.after_vend_operations(
                    contract, debt_repaid=Decimal(0), carry_settled=False, remainder_delivered=True
                ),
                Guarded(audit_put(self._ctx, audit)),
            ],
        )
        return receipt


def _receipt(
    *,
    bill_number: str,
    contract_customer: tuple[str, str],
    serial: str,
    tid: int,
    token: str,
    energy: Decimal,
    remainder: Decimal,
    left_over: Decimal,
    currency: str,
    replacement_id: str | None,
    sales_point: str,
    operator: str,
    now_utc: datetime,
    local_now: datetime,
    idempotency_key: str,
    module: str,
    decimals: int,
) -> dict[str, Any]:
    """Shaped as a sale's receipt (token enquiry and printing read it alike), with no money paid."""
    zero = str(from_minor(0, decimals))
    return {
        "bill_number": bill_number,
        "status": "issued",
        "kind": KIND,
        "replacement_id": replacement_id,
        "customer": {"code": contract_customer[0], "name": contract_customer[1]},
        "meter": serial,
        "tid": tid,
        "tokens": [token],
        "tokens_grouped": [grouped_token(token)],
        "energy_kwh": str(energy),
        "currency": currency,
        "breakdown": {
            "amount": zero,
            "charges": [],
            "vat": zero,
            "debt_repaid": zero,
            "credit_used": str(remainder),
            "credit_carried": str(left_over),
            "net_amount": zero,
        },
        "payment": {"term": "REMAINDER", "paid": zero, "change": zero, "cheque_number": None, "bank_id": None},
        "key_change": False,
        "sales_point": sales_point,
        "operator": operator,
        "time_utc": now_utc.isoformat(timespec="seconds"),
        "time_local": local_now.isoformat(timespec="minutes"),
        "idempotency_key": idempotency_key,
        "module": module,
    }
