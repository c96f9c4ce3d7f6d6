"""The vend: price the payment, make the tokens, and record everything in one transaction, exactly once.

Order of work: a retry with a known idempotency key returns the stored receipt; otherwise read the meter,
contract, terms and the meter's vend state (which carries the customer as the meter's last sale saw it), price
the sale, take the next TID, make the tokens (a rollover key change pair first when the meter is still on base
date 1993), then commit the receipt, idempotency record, vend state, module credit, contract settlement, bill
counter, day rollups and the check that the customer is unchanged together. A conflict on the vend state or bill
counter (another sale for the same meter or number came first) computes the sale again with fresh reads, a changed
customer with the customer read; the tokens of a sale that did not commit are never shown to anyone.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from functions.common.observability import add_metric
from functions.vending.modules import ModuleService, backend_for
from functions.vending.pricing import PricedVend, VendInputs, price_vend
from functions.vending.sale_reads import Numbering, SaleContract, SaleReads
from functions.vending.schemas import VendRequest
from gridvend.auth.context import TenantContext
from gridvend.bills.numbering import NumberingRule, counter_period, format_number
from gridvend.clock import utc_now
from gridvend.errors import Conflict, InvalidInput, Unprocessable
from gridvend.meters.model import Meter
from gridvend.meters.states import MeterState
from gridvend.money import to_minor
from gridvend.store.archives import ArchiveRepository
from gridvend.store.bills import BillRepository
from gridvend.store.guarded import Busy, Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.sale_customer import CustomerMoved
from gridvend.store.secure_modules import SecureModuleRecord
from gridvend.store.vends import (
    BillNumberTaken,
    DayTally,
    IdempotencyKeyTaken,
    MeterVendState,
    VendRepository,
    VendStateMoved,
)
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.tid import next_tid, tid_from_time
from gridvend.sts.token_requests import CreditToken
from gridvend.tenancy.calendar import TenantCalendar
from gridvend.vending.rollover import needs_rollover, rolled_over

MAX_ATTEMPTS = 60
MAX_BOOKINGS = 8  # bill numbers one made sale may try before it is made again
# A sales channel's own writes for a vend (float draw, payment settled, ...), made from the receipt about to be
# committed (it may add its own fields to it); they join the vend's one transaction: all happen or none.
ExtraOperations = Callable[[dict[str, Any]], list[Guarded]]
VEND_NUMBERING_CODE = "vend"
DEFAULT_VEND_RULE = NumberingRule("VEND", "V", ("prefix", "yyyymmdd"), 6, "monthly")


class KeyExpired(Unprocessable):
    title = "Key expired"


@dataclass(frozen=True)
class TenantTerms:
    name: str
    currency: str
    decimals: int
    timezone: str
    warn_amount: Decimal | None

    @property
    def calendar(self) -> TenantCalendar:
        return TenantCalendar.named(self.timezone)


def fingerprint(request: VendRequest) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def identity_of(fields: dict[str, Any]) -> MeterKeyIdentity:
    return MeterKeyIdentity(
        iin=str(fields["iin"]),
        drn=str(fields["drn"]),
        key_type=int(fields["key_type"]),
        sgc=str(fields["sgc"]),
        ti=int(fields["ti"]),
        krn=int(fields["krn"]),
        base_date=int(fields["base_date"]),
        ea=int(fields["ea"]),
    )


class VendService:
    def __init__(self, store: ItemStore, ctx: TenantContext, tenant: TenantTerms) -> None:
        self._store = store
        self._ctx = ctx
        self._tenant = tenant
        self._archives = ArchiveRepository(store, ctx)
        self._modules = ModuleService(store, ctx)

    def vend(
        self,
        request: VendRequest,
        idempotency_key: str,
        now: datetime | None = None,
        *,
        extra_operations: ExtraOperations | None = None,
        channel: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """The receipt, and whether it was made now (False: a retry got the earlier receipt).
        `channel` tags the receipt (e.g. "agent", "vendor", "mobile-money"); `extra_operations` adds the
        caller's guarded writes to the vend's transaction."""
        print_ = fingerprint(request)
        sales_point = self.sales_point_of(request.sales_point_id)
        trust_snapshot = True  # until the customer is found changed since the meter's last sale saw it
        for attempt in range(MAX_ATTEMPTS):
            moment = now or utc_now()
            reads = self.sale_reads(request.meter, idempotency_key, moment, sales_point)
            earlier = self.replay(reads.vends, idempotency_key, print_)
            if earlier is not None:
                add_metric("VendReplays")
                return earlier, False
            try:
                receipt = self._attempt(
                    reads, request, idempotency_key, print_, moment, extra_operations, channel, trust_snapshot
                )
                add_metric("Vends")
                return receipt, True
            except (VendStateMoved, CounterTaken, BillNumberTaken, Busy):
                add_metric("VendConflicts")
                back_off(attempt)
            except CustomerMoved:
                add_metric("VendConflicts")
                trust_snapshot = False
            except IdempotencyKeyTaken:
                add_metric("VendConflicts")
                continue
        add_metric("VendRetriesExhausted")
        raise Conflict("the meter is too busy right now; retry with the same idempotency key")

    @property
    def archives(self) -> ArchiveRepository:
        return self._archives

    def sale_reads(
        self, serial: str, idempotency_key: str, now_utc: datetime, sales_point: str | None = None
    ) -> SaleReads:
        """One batch read of what changes per sale (the archives and module come from the read cache)."""
        sales_point = sales_point or self.sales_point_of(None)
        rule = self._numbering_rule()
        period = counter_period(rule, self.local(now_utc).date())
        counter_code = rule.code if "sales_point" not in rule.parts else f"{rule.code}#{sales_point}"
        return SaleReads(
            self._store,
            self._ctx,
            self._tenant.decimals,
            serial=serial,
            idempotency_key=idempotency_key,
            numbering=Numbering(rule, period, counter_code),
        )

    def local(self, now_utc: datetime) -> datetime:
        return self._tenant.calendar.wall(now_utc)

    def selling_module(self, sales_point: str | None = None) -> SecureModuleRecord:
        """The sales point's own module if it names one, else the tenant's default. Which module sells changes
        rarely (read cache); its credit is drawn with a condition, never from this record."""
        place = self._archives.recent("sales-points", sales_point) if sales_point else None
        own_module = str(place.data.get("secure_module_id") or "") if place else ""
        if own_module:
            record = self._modules.repository.recent(own_module)
            if record is None:
                raise Unprocessable(f"sales point '{sales_point}' names secure module '{own_module}', which is gone")
            return record
        return self._modules.repository.recent_default() or self._modules.module_for_vend(None)

    def replay(self, vends: VendRepository, idempotency_key: str, print_: str) -> dict[str, Any] | None:
        record = vends.idempotent_vend(idempotency_key)
        if record is None:
            return None
        if record["fingerprint"] != print_:
            raise Conflict("this idempotency key was used for a different vend request")
        return vends.require(record["bill_number"])

    def quote(self, request: VendRequest, now: datetime | None = None) -> dict[str, Any]:
        """What the sale would be (breakdown, energy, change) if made now; nothing is made or written."""
        moment = now or utc_now()
        reads = self.sale_reads(request.meter, "quote-only", moment)
        confirmed = request.model_copy(update={"confirmed": True})
        meter, _, _, priced = self._priced(reads, confirmed, self.local(moment))
        return priced.quote(meter.serial)

    def _priced(
        self, reads: SaleReads, request: VendRequest, local_now: datetime, trust_snapshot: bool = True
    ) -> tuple[Meter, SaleContract, MeterVendState, PricedVend]:
        """The sale priced from the batch read, after the refusals a meter or contract can cause."""
        meter = reads.meters.require(request.meter)
        if meter.state is not MeterState.IN_SERVICE:
            raise Unprocessable(f"meter '{meter.serial}' is not in service (it is {meter.state.value})")
        state = reads.vends.state(meter.serial)
        sale = reads.contract_for_sale(meter.serial, state, trust_snapshot=trust_snapshot)
        if sale is None:
            raise Unprocessable(f"meter '{meter.serial}' has no contract")
        contract = sale.view
        contract.require_vendable()
        if contract.pay_type.value != "prepaid":
            raise Unprocessable(f"meter '{meter.serial}' is postpaid: it settles its frozen bill, no token")
        inputs = VendInputs.gather(self._archives, contract, state, request, local_now, self._tenant)
        return meter, sale, state, price_vend(inputs)

    def _attempt(
        self,
        reads: SaleReads,
        request: VendRequest,
        idempotency_key: str,
        print_: str,
        now_utc: datetime,
        extra_operations: ExtraOperations | None = None,
        channel: str | None = None,
        trust_snapshot: bool = True,
    ) -> dict[str, Any]:
        local_now = self.local(now_utc)
        meter, sale, state, priced = self._priced(reads, request, local_now, trust_snapshot)
        contract = sale.view
        sales_point = self.sales_point_of(request.sales_point_id)
        module_record = self.selling_module(sales_point)
        module = backend_for(self._ctx.tenant_id, module_record)

        identity = identity_of(meter.identity)
        tokens: list[str] = []
        meter_changes: list[Guarded] = []
        if needs_rollover(identity, local_now):
            new_identity = rolled_over(identity)
            tokens += module.key_change(identity, new_identity)
            migrated = meter.identity | {"base_date": new_identity.base_date, "krn": new_identity.krn}
            meter_changes = reads.meters.changes_operations([(meter, _with_identity(meter, migrated))])
            identity = new_identity
        # A rollover clears the meter's memory of used TIDs: numbering starts again from the new base date.
        last_tid = None if meter_changes else state.last_tid
        tid = next_tid(tid_from_time(local_now, identity.base_date), last_tid)
        if tid >> 16 > int(meter.identity.get("key_expiry", 255)):
            raise KeyExpired(f"the key of meter '{meter.serial}' has expired; it needs a key change token")
        energy = priced.breakdown.energy_kwh
        tokens.append(
            module.issue_token(identity, CreditToken(subclass=0, tid=tid, random=secrets.randbelow(16), amount=energy))
        )

        numbering = reads.numbering

        def book(serial_read: int) -> dict[str, Any]:
            """The sale's records under the next bill number after `serial_read`, in one transaction."""
            bill_number = format_number(numbering.rule, serial_read + 1, local_now.date(), sales_point_code=sales_point)
            receipt = priced.receipt(
                bill_number=bill_number,
                tokens=tokens,
                meter=meter.serial,
                tid=tid,
                sales_point=sales_point,
                operator=self._ctx.username,
                utc_time=now_utc.isoformat(timespec="seconds"),
                local_time=local_now.isoformat(timespec="minutes"),
                idempotency_key=idempotency_key,
                migrated=bool(meter_changes),
            )
            receipt["module"] = module_record.module_id  # a cancellation gives the energy back to this module
            if channel:
                receipt["channel"] = channel
            decimals = self._tenant.decimals
            next_state = replace(priced.next_state(state, tid, bill_number, local_now), customer=sale.customer_snapshot)
            tally = DayTally(
                count=1,
                amount_minor=to_minor(priced.breakdown.amount, decimals),
                energy_tenths=int(energy * 10),
                vat_minor=to_minor(priced.breakdown.vat, decimals),
                charges_minor=sum(to_minor(line.amount, decimals) for line in priced.breakdown.charges),
                debt_minor=to_minor(priced.breakdown.debt_repaid, decimals),
                net_minor=to_minor(priced.breakdown.net_amount, decimals),
            )
            extra = extra_operations(receipt) if extra_operations else []  # it may add its own fields to the receipt
            operations = [
                *reads.vends.vend_operations(
                    idempotency_key=idempotency_key,
                    fingerprint=print_,
                    receipt=receipt,
                    utc_time=now_utc.isoformat(timespec="milliseconds"),
                    local_date=f"{local_now:%Y-%m-%d}",
                    serial=meter.serial,
                    sales_point=sales_point,
                    operator=self._ctx.username,
                    previous_state=state,
                    next_state=next_state,
                    tally=tally,
                ),
                self._modules.repository.credit_change(module_record.module_id, -int(energy * 10)),
                counter_step(reads.bills, numbering.counter_code, numbering.period, serial_read),
                *reads.contracts.after_vend_operations(
                    contract,
                    debt_repaid=priced.breakdown.debt_repaid,
                    carry_settled=priced.settles_carry,
                    remainder_delivered=contract.pending_remainder > 0,
                ),
                *meter_changes,
                *([sale.customer_check] if sale.customer_check else []),
                *extra,
            ]
            commit(self._store, operations)
            return receipt

        serial_read = reads.bills.counter(numbering.counter_code, numbering.period)
        for booking in range(MAX_BOOKINGS - 1):
            try:
                return book(serial_read)
            except (CounterTaken, BillNumberTaken):
                add_metric("VendConflicts")
                # Another sale took the number. The token and its TID still hold (the vend state's condition guards
                # them), so only a fresh number is needed, not a new token: hardware modules are not asked again.
                back_off(booking)
                serial_read = self._fresh_counter(numbering)
        return book(serial_read)

    def _fresh_counter(self, numbering: Numbering) -> int:
        return BillRepository(self._store, self._ctx).counter(numbering.counter_code, numbering.period)

    def sales_point_of(self, asked: str | None) -> str:
        own = self._ctx.sales_point_id
        if asked and own and asked != own and not self._ctx.can("vending", "any-sales-point"):
            raise InvalidInput.for_field("sales_point_id", "you may sell only at your own sales point")
        return asked or own or "HQ"

    def _numbering_rule(self) -> NumberingRule:
        found = self._archives.recent_by_code("numbering-rules", VEND_NUMBERING_CODE)
        return NumberingRule.from_archive(VEND_NUMBERING_CODE, found.data) if found else DEFAULT_VEND_RULE


class CounterTaken(Conflict):
    """Another sale took the bill number first."""


def back_off(attempt: int) -> None:
    """A random pause that grows with the attempt, so that sales racing for one record fall out of step."""
    time.sleep(min(0.2, 0.005 * (attempt + 1)) * secrets.randbelow(100) / 100)


def counter_step(bills: BillRepository, code: str, period: str, read_value: int) -> Guarded:
    step = bills.counter_step(code, period, read_value)
    return Guarded(step.operation, CounterTaken("the bill number was taken meanwhile"))


def _with_identity(meter: Meter, identity: dict[str, Any]) -> Meter:
    return replace(meter, identity=identity)
