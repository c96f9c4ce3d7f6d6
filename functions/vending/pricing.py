"""Prices a vend from the records it depends on; pure once the inputs are gathered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from functions.vending.billing_terms import sale_tariff, sale_terms
from functions.vending.schemas import VendRequest
from gridvend.billing import (
    PurchaseHistory,
    PurchasePeriods,
    VendBreakdown,
    VendContext,
    VendPolicy,
    breakdown_from_energy,
    breakdown_from_payment,
)
from gridvend.customers.vending_view import VendingContract
from gridvend.errors import InvalidInput, Unprocessable
from gridvend.money import from_minor, round_money, to_minor
from gridvend.store.archives import ArchiveRepository
from gridvend.store.vends import MeterVendState
from gridvend.vending.receipt import grouped_token

if TYPE_CHECKING:
    from functions.vending.service import TenantTerms


class ConfirmationRequired(Unprocessable):
    title = "Confirmation required"


@dataclass(frozen=True)
class Payment:
    term: str
    paid: Decimal | None
    gives_change: bool
    cheque_number: str | None
    bank_id: str | None


@dataclass(frozen=True)
class VendInputs:
    request: VendRequest
    contract: VendingContract
    context: VendContext
    payment: Payment
    local_now: datetime
    currency: str

    @classmethod
    def gather(
        cls,
        archives: ArchiveRepository,
        contract: VendingContract,
        state: MeterVendState,
        request: VendRequest,
        local_now: datetime,
        tenant: TenantTerms,
    ) -> VendInputs:
        decimals = tenant.decimals
        tariff = sale_tariff(archives, contract.tariff_id, decimals)
        terms = sale_terms(archives, contract.customer_type_id, decimals)
        last = datetime.fromisoformat(state.last_purchase_local) if state.last_purchase_local else None
        periods = (
            PurchasePeriods.since(last, local_now)
            if last is None or last <= local_now
            else PurchasePeriods(first_purchase_ever=False, first_of_month=False, first_of_year=False)
        )
        same_month = state.month == f"{local_now:%Y-%m}" and not periods.first_of_month
        history = PurchaseHistory(
            periods=periods,
            month_energy_kwh=Decimal(state.month_energy_tenths) / 10 if same_month else Decimal(0),
            outstanding_debt=contract.debt,
            pay_type_change=contract.carry,
            carried_credit=from_minor(state.carried_credit_minor, decimals) + contract.pending_remainder,
        )
        context = VendContext(
            tariff=tariff,
            terms=terms,
            history=history,
            policy=VendPolicy(
                decimals=decimals, warn_amount=tenant.warn_amount, hoarding_limit=contract.hoarding_limit
            ),
        )
        term = archives.recent_by_code("payment-terms", request.payment_term)
        if term is None:
            raise InvalidInput.for_field("payment_term", f"no payment term '{request.payment_term}'")
        if term.data.get("needs_bank_details") and not (request.cheque_number or request.bank_id):
            raise InvalidInput.for_field("cheque_number", f"payment term {term.code} needs the cheque or bank details")
        payment = Payment(
            term.code, request.paid, bool(term.data.get("gives_change", True)), request.cheque_number, request.bank_id
        )
        return cls(request, contract, context, payment, local_now, tenant.currency)


@dataclass(frozen=True)
class PricedVend:
    inputs: VendInputs
    breakdown: VendBreakdown
    change: Decimal

    @property
    def settles_carry(self) -> bool:
        carry = self.inputs.contract.carry
        return any(value > 0 for value in (carry.prearranged, carry.receivable, carry.remain))

    def next_state(self, state: MeterVendState, tid: int, bill_number: str, local_now: datetime) -> MeterVendState:
        decimals = self.inputs.context.policy.decimals
        month = f"{local_now:%Y-%m}"
        month_tenths = (state.month_energy_tenths if state.month == month else 0) + int(self.breakdown.energy_kwh * 10)
        carried = (
            self.inputs.context.history.carried_credit - self.breakdown.credit_used + self.breakdown.credit_carried
        )
        return MeterVendState(
            serial=state.serial,
            last_tid=tid,
            last_purchase_local=local_now.isoformat(timespec="seconds"),
            month=month,
            month_energy_tenths=month_tenths,
            carried_credit_minor=to_minor(carried, decimals),
            vend_count=state.vend_count + 1,
            last_bill=bill_number,
            version=state.version,
        )

    def priced_fields(self) -> dict[str, Any]:
        """The money part of a receipt (and of a quote): breakdown and payment."""
        vend = self.breakdown
        decimals = self.inputs.context.policy.decimals
        payment = self.inputs.payment
        return {
            "breakdown": {
                "amount": str(vend.amount),
                "charges": [
                    {"code": line.code, "name": line.name, "amount": str(line.amount), "taxed": line.taxed}
                    for line in vend.charges
                ],
                "vat": str(vend.vat),
                "debt_repaid": str(vend.debt_repaid),
                "credit_used": str(vend.credit_used),
                "credit_carried": str(vend.credit_carried),
                "net_amount": str(vend.net_amount),
            },
            "payment": {
                "term": payment.term,
                "paid": str(round_money(payment.paid, decimals) if payment.paid is not None else vend.net_amount),
                "change": str(self.change),
                "cheque_number": payment.cheque_number,
                "bank_id": payment.bank_id,
            },
        }

    def quote(self, meter: str) -> dict[str, Any]:
        contract = self.inputs.contract
        return {
            "meter": meter,
            "customer": {"code": contract.customer_code, "name": contract.customer_name},
            "energy_kwh": str(self.breakdown.energy_kwh),
            "currency": self.inputs.currency,
            "needs_confirmation": self.breakdown.needs_confirmation,
            **self.priced_fields(),
        }

    def receipt(
        self,
        *,
        bill_number: str,
        tokens: list[str],
        meter: str,
        tid: int,
        sales_point: str,
        operator: str,
        utc_time: str,
        local_time: str,
        idempotency_key: str,
        migrated: bool,
    ) -> dict[str, Any]:
        vend = self.breakdown
        contract = self.inputs.contract
        return {
            "bill_number": bill_number,
            "status": "issued",
            "customer": {"code": contract.customer_code, "name": contract.customer_name},
            "meter": meter,
            "tid": tid,
            "tokens": tokens,
            "tokens_grouped": [grouped_token(token) for token in tokens],
            "energy_kwh": str(vend.energy_kwh),
            "currency": self.inputs.currency,
            **self.priced_fields(),
            "key_change": migrated,
            "sales_point": sales_point,
            "operator": operator,
            "time_utc": utc_time,
            "time_local": local_time,
            "idempotency_key": idempotency_key,
        }


def price_vend(inputs: VendInputs) -> PricedVend:
    request = inputs.request
    if request.amount is not None:
        vend = breakdown_from_payment(request.amount, inputs.context)
    else:
        assert request.energy is not None
        vend = breakdown_from_energy(request.energy, inputs.context)
    if vend.energy_kwh <= 0:
        raise Unprocessable("the amount buys no energy after the charges")
    if vend.needs_confirmation and not request.confirmed:
        raise ConfirmationRequired(
            f"the net amount {vend.net_amount} is above the warn amount; send again with confirmed=true",
            [],
        )
    paid = inputs.payment.paid
    change = Decimal(0)
    if paid is not None:
        if paid < vend.net_amount:
            raise InvalidInput.for_field("paid", f"less than the net amount {vend.net_amount}")
        change = paid - vend.net_amount
        if change and not inputs.payment.gives_change:
            raise InvalidInput.for_field("paid", f"payment term {inputs.payment.term} gives no change")
    return PricedVend(inputs, vend, change)
