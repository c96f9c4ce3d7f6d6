"""Refund of carried credit (seed 002 §3.3): pay back in cash what a meter's earlier purchases left over (the
vend state's carried credit), all of it or part, with no vend behind it. The next sale then finds that much less
credit to use. Version-conditioned on the vend state: a sale or refund that came first makes it read again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.vending.service import CounterTaken, TenantTerms, back_off, counter_step
from gridvend.auth.context import TenantContext
from gridvend.bills.numbering import NumberingRule, counter_period, format_number
from gridvend.clock import utc_now
from gridvend.errors import Conflict, InvalidInput, Unprocessable
from gridvend.money import from_minor, round_money, to_minor
from gridvend.store.archives import ArchiveRepository
from gridvend.store.bills import BillRepository
from gridvend.store.credit_refunds import CreditRefundRepository
from gridvend.store.guarded import Busy, commit
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.vends import BillNumberTaken, VendRepository, VendStateMoved

MAX_ATTEMPTS = 20
REFUND_NUMBERING_CODE = "credit-refund"
DEFAULT_REFUND_RULE = NumberingRule("CREFUND", "F", ("prefix", "yyyymmdd"), 6, "monthly")
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]


class CreditRefundRequest(BaseModel):
    """`amount` omitted: all the carried credit."""

    model_config = ConfigDict(extra="forbid")
    amount: Decimal | None = Field(default=None, gt=0, max_digits=14)
    payment_term: Short = "CASH"
    remark: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class CreditRefundService:
    def __init__(self, store: ItemStore, ctx: TenantContext, tenant: TenantTerms) -> None:
        self._store = store
        self._ctx = ctx
        self._tenant = tenant
        self._meters = MeterRepository(store, ctx)
        self._vends = VendRepository(store, ctx)
        self._bills = BillRepository(store, ctx)
        self._archives = ArchiveRepository(store, ctx)
        self._refunds = CreditRefundRepository(store, ctx)

    def refund(self, serial: str, request: CreditRefundRequest, now: datetime | None = None) -> dict[str, Any]:
        self._meters.require(serial)
        term = self._archives.recent_by_code("payment-terms", request.payment_term)
        if term is None:
            raise InvalidInput.for_field("payment_term", f"no payment term '{request.payment_term}'")
        for attempt in range(MAX_ATTEMPTS):
            try:
                return self._attempt(serial, request, term.code, now or utc_now())
            except (VendStateMoved, CounterTaken, BillNumberTaken, Busy):
                back_off(attempt)
        raise Conflict("the meter is too busy right now; retry")

    def _attempt(self, serial: str, request: CreditRefundRequest, term: str, now_utc: datetime) -> dict[str, Any]:
        decimals = self._tenant.decimals
        state = self._vends.state(serial)
        carried = from_minor(state.carried_credit_minor, decimals)
        if carried <= 0:
            raise Unprocessable(f"meter '{serial}' carries no credit to refund")
        amount = carried if request.amount is None else request.amount
        if amount != round_money(amount, decimals):
            raise InvalidInput.for_field("amount", f"at most {decimals} decimals")
        if amount > carried:
            raise InvalidInput.for_field("amount", f"at most the carried credit {carried}")
        local_now = self._tenant.calendar.wall(now_utc)
        sales_point = self._ctx.sales_point_id or "HQ"
        rule = self._numbering_rule()
        period = counter_period(rule, local_now.date())
        serial_read = self._bills.counter(rule.code, period)
        amount_minor = to_minor(amount, decimals)
        record = {
            "bill_number": format_number(rule, serial_read + 1, local_now.date(), sales_point_code=sales_point),
            "kind": "credit-refund",
            "meter": serial,
            "refund_amount": str(amount),
            "carried_before": str(carried),
            "carried_after": str(carried - amount),
            "currency": self._tenant.currency,
            "payment_term": term,
            "remark": request.remark,
            "sales_point": sales_point,
            "operator": self._ctx.username,
            "time_utc": now_utc.isoformat(timespec="seconds"),
            "time_local": local_now.isoformat(timespec="minutes"),
        }
        step = counter_step(self._bills, rule.code, period, serial_read)
        commit(
            self._store,
            [
                *self._refunds.refund_operations(
                    record=record,
                    utc_time=now_utc.isoformat(timespec="milliseconds"),
                    local_date=f"{local_now:%Y-%m-%d}",
                    previous_state=state,
                    next_state=replace(state, carried_credit_minor=state.carried_credit_minor - amount_minor),
                    amount_minor=amount_minor,
                ),
                step,
            ],
        )
        return record

    def _numbering_rule(self) -> NumberingRule:
        found = self._archives.recent_by_code("numbering-rules", REFUND_NUMBERING_CODE)
        return NumberingRule.from_archive(REFUND_NUMBERING_CODE, found.data) if found else DEFAULT_REFUND_RULE
