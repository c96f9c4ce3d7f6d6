"""Builders for billing tests: the seed's step tariff and a customer type with every kind of charge."""

from __future__ import annotations

from decimal import Decimal

from gridvend.billing import (
    ChargeItem,
    ChargeMethod,
    CustomerTypeTerms,
    DebtRepayment,
    PriceStep,
    PurchaseHistory,
    SinglePriceTariff,
    SteppedTariff,
    VendContext,
    VendPolicy,
)
from gridvend.billing.periods import LATER_PURCHASE


def seed_step_tariff() -> SteppedTariff:
    """Seed 000 §2.12 f: 0-200 kWh at 0.6, 200-500 at 0.75, 500 and above at 1.0."""
    return SteppedTariff(
        (
            PriceStep(Decimal(200), Decimal("0.6")),
            PriceStep(Decimal(500), Decimal("0.75")),
            PriceStep(None, Decimal("1.0")),
        )
    )


def full_terms(repayment: DebtRepayment | None = None) -> CustomerTypeTerms:
    return CustomerTypeTerms(
        vat_percent=Decimal(15),
        vending_charges=(
            ChargeItem("LEVY", "Electrification levy", ChargeMethod.AMOUNT_PERCENT, Decimal(2), taxed=True),
            ChargeItem("SVC", "Service fee", ChargeMethod.PER_TIMES, Decimal("1.50"), taxed=True),
            ChargeItem("METER", "Meter rent", ChargeMethod.MONTHLY, Decimal(5), taxed=False),
            ChargeItem("LIC", "Licence", ChargeMethod.YEARLY, Decimal(12), taxed=False),
        ),
        repayment=repayment,
    )


def later_history(**overrides: object) -> PurchaseHistory:
    """A purchase in a month and year the customer already bought in."""
    fields: dict[str, object] = {"periods": LATER_PURCHASE}
    fields.update(overrides)
    return PurchaseHistory(**fields)  # type: ignore[arg-type]


def unit_price_context(
    terms: CustomerTypeTerms | None = None,
    history: PurchaseHistory | None = None,
    policy: VendPolicy | None = None,
    price: str = "1.0",
) -> VendContext:
    """1 currency unit per kWh: 0.1 kWh costs 0.10, so amounts and energy read alike."""
    return VendContext(
        tariff=SinglePriceTariff(Decimal(price)),
        terms=terms or full_terms(),
        history=history or later_history(),
        policy=policy or VendPolicy(decimals=2),
    )
