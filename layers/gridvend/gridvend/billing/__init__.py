"""Billing: tariffs, charge items, VAT and debt recovery, from a payment to a vend breakdown. Pure."""

from gridvend.billing.breakdown import VendBreakdown
from gridvend.billing.calculation import (
    VendContext,
    VendPolicy,
    breakdown_from_energy,
    breakdown_from_payment,
    net_for_energy,
)
from gridvend.billing.charges import ChargeItem, ChargeLine, ChargeMethod, ChargeSource
from gridvend.billing.debt import DebtRepayment, RepaymentMethod
from gridvend.billing.energy import ENERGY_UNIT_KWH, deliverable_energy, floor_energy
from gridvend.billing.errors import (
    AmountBelowCharges,
    BelowMinimumPurchase,
    HoardingLimitExceeded,
    VendRefused,
)
from gridvend.billing.history import PurchaseHistory
from gridvend.billing.pay_type_change import PayTypeChange, PayTypeChangeCarry
from gridvend.billing.periods import PurchasePeriods
from gridvend.billing.tariffs import (
    PriceStep,
    ServiceRate,
    ServiceRateTariff,
    SinglePriceTariff,
    SteppedTariff,
    Tariff,
    TouTariff,
)
from gridvend.billing.terms import CustomerTypeTerms
from gridvend.money import from_minor, round_money, to_minor

__all__ = [
    "ENERGY_UNIT_KWH",
    "AmountBelowCharges",
    "BelowMinimumPurchase",
    "ChargeItem",
    "ChargeLine",
    "ChargeMethod",
    "ChargeSource",
    "CustomerTypeTerms",
    "DebtRepayment",
    "HoardingLimitExceeded",
    "PayTypeChange",
    "PayTypeChangeCarry",
    "PriceStep",
    "PurchaseHistory",
    "PurchasePeriods",
    "RepaymentMethod",
    "ServiceRate",
    "ServiceRateTariff",
    "SinglePriceTariff",
    "SteppedTariff",
    "Tariff",
    "TouTariff",
    "VendBreakdown",
    "VendContext",
    "VendPolicy",
    "VendRefused",
    "breakdown_from_energy",
    "breakdown_from_payment",
    "deliverable_energy",
    "floor_energy",
    "from_minor",
    "net_for_energy",
    "round_money",
    "to_minor",
]
