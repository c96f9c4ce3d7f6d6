"""The vend calculation: from money paid, or from energy wanted, to a breakdown that adds up.

Every line is computed from the vending amount by its rule and rounded half-up to the tenant's
decimals, so anyone can recompute a receipt from its amount. The amount is then the largest one
whose lines the payment covers, trimmed to the cost of the whole tenths of a kWh it buys; what the
payment leaves over is carried as the customer's credit to the next purchase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gridvend.billing.breakdown import VendBreakdown
from gridvend.billing.charges import ChargeLine, ChargeSource, charge_item_lines
from gridvend.billing.energy import ENERGY_UNIT_KWH, deliverable_energy, is_whole_energy_units
from gridvend.billing.errors import AmountBelowCharges, BelowMinimumPurchase, HoardingLimitExceeded
from gridvend.billing.history import PurchaseHistory
from gridvend.billing.tariffs import Tariff
from gridvend.billing.terms import CustomerTypeTerms
from gridvend.errors import InvalidInput
from gridvend.money import (
    ZERO,
    check_decimals,
    from_minor,
    percent_of,
    round_money,
    round_money_up,
    to_minor,
)


@dataclass(frozen=True)
class VendPolicy:
    """The tenant's vending settings. Limits of None are not enforced.

    warn_amount: a net amount above it needs the operator's confirmation.
    hoarding_limit: the most vending amount (credit) one purchase may put on a meter.
    minimum_purchase: the smallest net amount accepted.
    """

    decimals: int = 2
    warn_amount: Decimal | None = None
    hoarding_limit: Decimal | None = None
    minimum_purchase: Decimal | None = None

    def __post_init__(self) -> None:
        check_decimals(self.decimals)


@dataclass(frozen=True)
class VendContext:
    """Everything a vend depends on besides what is paid or wanted.

    pre_installed_amount: the meter model's pre-loaded credit, charged at the first purchase ever.
    """

    tariff: Tariff
    terms: CustomerTypeTerms = field(default_factory=CustomerTypeTerms)
    history: PurchaseHistory = field(default_factory=PurchaseHistory)
    policy: VendPolicy = field(default_factory=VendPolicy)
    pre_installed_amount: Decimal = ZERO


@dataclass(frozen=True)
class _PricedAmount:
    amount: Decimal
    charges: tuple[ChargeLine, ...]
    vat: Decimal
    debt_repaid: Decimal

    @property
    def total(self) -> Decimal:
        return self.amount + sum((line.amount for line in self.charges), ZERO) + self.vat + self.debt_repaid


def _special_lines(context: VendContext) -> list[ChargeLine]:
    decimals = context.policy.decimals
    carry = context.history.pay_type_change
    due = [
        (
            ChargeSource.PRE_INSTALLED,
            "Pre-installed amount",
            context.pre_installed_amount,
            context.history.periods.first_purchase_ever,
        ),
        (ChargeSource.PREARRANGED, "Prearranged amount", carry.prearranged, True),
        (ChargeSource.RECEIVABLE, "Receivable amount", carry.receivable, True),
    ]
    return [
        ChargeLine(source.name, name, round_money(value, decimals), taxed=False, source=source)
        for source, name, value, applies in due
        if applies and value > 0
    ]


def _price_amount(amount: Decimal, context: VendContext) -> _PricedAmount:
    decimals = context.policy.decimals
    history = context.history
    terms = context.terms
    charges = charge_item_lines(terms.vending_charges, amount, history.periods, decimals)
    charges += _special_lines(context)
    taxed = sum((line.amount for line in charges if line.taxed), ZERO)
    vat = percent_of(amount + taxed, terms.vat_percent, decimals)
    debt_repaid = ZERO
    if terms.repayment is not None:
        debt_repaid = terms.repayment.due(history.outstanding_debt, amount, history.periods, decimals)
    return _PricedAmount(amount, tuple(charges), vat, debt_repaid)


def _largest_affordable_amount(funds: Decimal, context: VendContext) -> Decimal | None:
    """The largest vending amount whose lines `funds` cover; None if not even the fixed ones."""
    decimals = context.policy.decimals

    def total(minor: int) -> Decimal:
        return _price_amount(from_minor(minor, decimals), context).total

    fixed = total(0)
    if fixed > funds:
        return None
    # The total grows by at least one minor unit per minor unit of amount. It is nearly a line (rates and fixed
    # lines, rounded): start at the line's guess, widen the step until the answer is bracketed, then halve.
    ceiling = to_minor(funds, decimals)
    at_ceiling = total(ceiling)
    if at_ceiling <= funds:
        return from_minor(ceiling, decimals)
    guess = int(ceiling * (funds - fixed) / (at_ceiling - fixed))
    low, high = 0, ceiling - 1  # total(low) <= funds < total(high + 1)
    step = 1
    if total(guess) <= funds:
        low = guess
        while low + step <= high and total(low + step) <= funds:
            low, step = low + step, step * 2
        high = min(high, low + step - 1)
    else:
        high = guess - 1
        while high - step >= low and total(high - step + 1) > funds:
            high, step = high - step, step * 2
        low = max(low, high - step + 1)
    while low < high:
        middle = (low + high + 1) // 2
        if total(middle) <= funds:
            low = middle
        else:
            high = middle - 1
    return from_minor(low, decimals)


def _credits(context: VendContext) -> Decimal:
    return context.history.pay_type_change.remain + context.history.carried_credit


def _amount_for_energy(energy_kwh: Decimal, context: VendContext) -> Decimal:
    cost = context.tariff.cost_of(energy_kwh, context.history.month_energy_kwh)
    return round_money_up(cost, context.policy.decimals)


def _smallest_net(context: VendContext) -> Decimal:
    smallest_total = _price_amount(_amount_for_energy(ENERGY_UNIT_KWH, context), context).total
    return max(smallest_total - _credits(context), context.policy.minimum_purchase or ZERO, ZERO)


def _require_money(field_name: str, value: Decimal, decimals: int) -> None:
    if value < 0:
        raise InvalidInput.for_field(field_name, "cannot be negative")
    try:
        to_minor(value, decimals)
    except ValueError as error:
        raise InvalidInput.for_field(field_name, f"has more than {decimals} decimals") from error


def _require_valid_history(context: VendContext) -> None:
    history = context.history
    decimals = context.policy.decimals
    _require_money("outstanding_debt", history.outstanding_debt, decimals)
    _require_money("carried_credit", history.carried_credit, decimals)
    _require_money("prearranged", history.pay_type_change.prearranged, decimals)
    _require_money("receivable", history.pay_type_change.receivable, decimals)
    _require_money("remain", history.pay_type_change.remain, decimals)


def breakdown_from_payment(net_paid: Decimal, context: VendContext) -> VendBreakdown:
    """Splits a payment into energy, charges, VAT and debt; raises a VendRefused if it cannot."""
    policy = context.policy
    decimals = policy.decimals
    _require_money("net_paid", net_paid, decimals)
    _require_valid_history(context)
    if policy.minimum_purchase is not None and net_paid < policy.minimum_purchase:
        raise BelowMinimumPurchase(net_paid, policy.minimum_purchase)
    month_energy_before = context.history.month_energy_kwh
    funds = net_paid + _credits(context)
    affordable = _largest_affordable_amount(funds, context)
    energy = ZERO
    if affordable is not None:
        energy = deliverable_energy(context.tariff, affordable, month_energy_before)
    if energy <= 0:
        raise AmountBelowCharges(net_paid, _smallest_net(context))
    priced = _price_amount(_amount_for_energy(energy, context), context)
    if policy.hoarding_limit is not None and priced.amount > policy.hoarding_limit:
        raise HoardingLimitExceeded(priced.amount, policy.hoarding_limit)
    history = context.history
    return VendBreakdown(
        decimals=decimals,
        amount=priced.amount,
        energy_kwh=energy,
        charges=priced.charges,
        vat_percent=context.terms.vat_percent,
        vat=priced.vat,
        debt_repaid=round_money(priced.debt_repaid, decimals),
        remain_used=round_money(history.pay_type_change.remain, decimals),
        credit_used=round_money(history.carried_credit, decimals),
        credit_carried=round_money(funds - priced.total, decimals),
        net_amount=round_money(net_paid, decimals),
        needs_confirmation=policy.warn_amount is not None and net_paid > policy.warn_amount,
    )


def net_for_energy(energy_kwh: Decimal, context: VendContext) -> Decimal:
    """The net amount to pay for at least `energy_kwh` (whole tenths of a kWh, above zero)."""
    if energy_kwh <= 0 or not is_whole_energy_units(energy_kwh):
        raise InvalidInput.for_field("energy_kwh", f"must be a positive multiple of {ENERGY_UNIT_KWH} kWh")
    _require_valid_history(context)
    total = _price_amount(_amount_for_energy(energy_kwh, context), context).total
    return max(total - _credits(context), ZERO)


def breakdown_from_energy(energy_kwh: Decimal, context: VendContext) -> VendBreakdown:
    """The breakdown of paying net_for_energy: the same as breakdown_from_payment of that amount.

    Its energy is at least `energy_kwh`; more only where the last minor unit buys beyond it, or
    where credits from earlier purchases or a pay-type change cover more than was asked.
    """
    return breakdown_from_payment(net_for_energy(energy_kwh, context), context)
