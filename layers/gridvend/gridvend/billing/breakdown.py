"""The vend breakdown: every line of a receipt, adding up exactly to the net amount paid."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gridvend.billing.charges import ChargeLine, ChargeSource
from gridvend.money import ZERO, to_minor


def _sum(amounts: list[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


@dataclass(frozen=True)
class VendBreakdown:
    """Net = amount + taxed + untaxed + VAT + OS - remain used - credit used + credit carried.

    amount: money worth of the energy put on the meter (the vending amount).
    charges: charge items, then the pre-installed, prearranged and receivable amounts when due.
    debt_repaid: the OS amount repaid by this purchase.
    remain_used / credit_used: credit from a pay-type change / from earlier purchases' rounding.
    credit_carried: what the payment leaves over after the energy was rounded down to whole
        tenths of a kWh and the lines to the tenant's decimals; it is the customer's credit at the
        next purchase, so no money is lost or counted twice.
    """

    decimals: int
    amount: Decimal
    energy_kwh: Decimal
    charges: tuple[ChargeLine, ...]
    vat_percent: Decimal
    vat: Decimal
    debt_repaid: Decimal
    remain_used: Decimal
    credit_used: Decimal
    credit_carried: Decimal
    net_amount: Decimal
    needs_confirmation: bool = False

    @property
    def taxed_amount(self) -> Decimal:
        return _sum([line.amount for line in self.charges if line.taxed])

    @property
    def untaxed_amount(self) -> Decimal:
        return _sum([line.amount for line in self.charges if not line.taxed])

    def charged_from(self, source: ChargeSource) -> Decimal:
        return _sum([line.amount for line in self.charges if line.source is source])

    @property
    def pre_installed(self) -> Decimal:
        return self.charged_from(ChargeSource.PRE_INSTALLED)

    @property
    def prearranged(self) -> Decimal:
        return self.charged_from(ChargeSource.PREARRANGED)

    @property
    def receivable(self) -> Decimal:
        return self.charged_from(ChargeSource.RECEIVABLE)

    def minor_units(self) -> dict[str, int]:
        """Every money line in integer minor units, as stored; raises if one is finer than allowed."""
        lines = {
            "amount": self.amount,
            "taxed_amount": self.taxed_amount,
            "untaxed_amount": self.untaxed_amount,
            "vat": self.vat,
            "debt_repaid": self.debt_repaid,
            "remain_used": self.remain_used,
            "credit_used": self.credit_used,
            "credit_carried": self.credit_carried,
            "net_amount": self.net_amount,
        }
        return {name: to_minor(value, self.decimals) for name, value in lines.items()}

    def lines_add_up(self) -> bool:
        """True when every line is in the tenant's decimals and they sum exactly to the net amount."""
        try:
            minor = self.minor_units()
            charge_minor = [to_minor(line.amount, self.decimals) for line in self.charges]
        except ValueError:
            return False
        expected_net = (
            minor["amount"]
            + sum(charge_minor)
            + minor["vat"]
            + minor["debt_repaid"]
            - minor["remain_used"]
            - minor["credit_used"]
            + minor["credit_carried"]
        )
        return expected_net == minor["net_amount"]
