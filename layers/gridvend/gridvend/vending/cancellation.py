"""Cancelling an issued vend: what the customer gets back and what the records give back. Pure.

A cancellation (seed 000 §4.5) returns the net amount less a cancel charge; a correction (error-tolerance
selling, seed 003) cancels a mistaken sale without charge so that it can be sold again correctly. Either
way the vend's energy goes back to the secure module, leaves the meter's month energy, and the carried
credit and debt the sale settled are restored. Day rollups record the undoing on the day it happens, apart
from the sales: rows `CANCEL#<scope>` (or `CORR#<scope>`) with the sale's figures negated, and `REFUND#<scope>`
with the money paid back (scope: SP#<sales point>, OP#<operator>, M#<serial>, as for sales).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from gridvend.errors import Conflict, Unprocessable
from gridvend.money import percent_of, round_money, to_minor
from gridvend.store.vends import MeterVendState


class UndoKind(StrEnum):
    CANCEL = "cancel"
    CORRECTION = "correction"

    @property
    def rollup_family(self) -> str:
        return "CANCEL" if self is UndoKind.CANCEL else "CORR"


class AlreadyCancelled(Conflict):
    title = "Already cancelled"


@dataclass(frozen=True)
class CancelCharge:
    code: str
    name: str
    amount: Decimal


def cancel_charge_from_item(item: dict[str, Any], net_amount: Decimal, decimals: int) -> CancelCharge:
    """A charge item as the cancel charge: a percent of the net amount, or its fixed amount."""
    if item.get("method") == "amount_percent":
        amount = percent_of(net_amount, Decimal(str(item.get("percent") or 0)), decimals)
    else:
        amount = round_money(Decimal(str(item.get("amount") or 0)), decimals)
    return CancelCharge(str(item.get("code", "")), str(item.get("name", "")), amount)


@dataclass(frozen=True)
class VendFigures:
    """The figures of a stored vend receipt that a cancellation gives back."""

    bill_number: str
    meter: str
    tid: int
    energy_kwh: Decimal
    amount: Decimal
    vat: Decimal
    charges: Decimal
    debt_repaid: Decimal
    credit_used: Decimal
    credit_carried: Decimal
    net_amount: Decimal
    month: str  # tenant-local YYYY-MM of the sale

    @classmethod
    def of_receipt(cls, receipt: dict[str, Any]) -> VendFigures:
        if receipt.get("status", "issued") != "issued":
            raise AlreadyCancelled(f"vend '{receipt['bill_number']}' is already {receipt['status']}")
        breakdown = receipt["breakdown"]
        return cls(
            bill_number=str(receipt["bill_number"]),
            meter=str(receipt["meter"]),
            tid=int(receipt["tid"]),
            energy_kwh=Decimal(receipt["energy_kwh"]),
            amount=Decimal(breakdown["amount"]),
            vat=Decimal(breakdown["vat"]),
            charges=sum((Decimal(line["amount"]) for line in breakdown["charges"]), Decimal(0)),
            debt_repaid=Decimal(breakdown["debt_repaid"]),
            credit_used=Decimal(breakdown["credit_used"]),
            credit_carried=Decimal(breakdown["credit_carried"]),
            net_amount=Decimal(breakdown["net_amount"]),
            month=str(receipt["time_local"])[:7],
        )

    @property
    def energy_tenths(self) -> int:
        return int(self.energy_kwh * 10)


@dataclass(frozen=True)
class Undoing:
    kind: UndoKind
    vend: VendFigures
    charge: CancelCharge | None
    refund: Decimal

    def tallies(self, decimals: int) -> dict[str, dict[str, int]]:
        """Rollup increments on the day of the undoing, by row family: the sale's figures negated (`CANCEL` or
        `CORR`), and the money paid back (`REFUND`: the refund as amount and net, the cancel charge kept)."""
        vend = self.vend
        fee = self.charge.amount if self.charge else Decimal(0)
        refund = to_minor(self.refund, decimals)
        return {
            self.kind.rollup_family: {
                "tally_count": 1,
                "tally_amount": -to_minor(vend.amount, decimals),
                "tally_energy": -vend.energy_tenths,
                "tally_vat": -to_minor(vend.vat, decimals),
                "tally_charges": -to_minor(vend.charges, decimals),
                "tally_debt": -to_minor(vend.debt_repaid, decimals),
                "tally_net": -to_minor(vend.net_amount, decimals),
            },
            "REFUND": {
                "tally_count": 1,
                "tally_amount": refund,
                "tally_energy": 0,
                "tally_vat": 0,
                "tally_charges": to_minor(fee, decimals),
                "tally_debt": 0,
                "tally_net": refund,
            },
        }

    def restored_state(self, state: MeterVendState, decimals: int) -> MeterVendState:
        """The meter's vend state without this sale's energy and credit; the last TID stays (TIDs never go back)."""
        vend = self.vend
        month_tenths = state.month_energy_tenths
        if state.month == vend.month:
            month_tenths = max(0, month_tenths - vend.energy_tenths)
        carried = state.carried_credit_minor + to_minor(vend.credit_used - vend.credit_carried, decimals)
        return replace(state, month_energy_tenths=month_tenths, carried_credit_minor=max(0, carried))


def undoing(kind: UndoKind, receipt: dict[str, Any], charge: CancelCharge | None) -> Undoing:
    if receipt.get("kind") == "replacement-remainder":
        raise Unprocessable("a replacement remainder token was not sold: it cannot be cancelled or corrected")
    vend = VendFigures.of_receipt(receipt)
    if kind is UndoKind.CORRECTION:
        charge = None
    fee = charge.amount if charge else Decimal(0)
    refund = vend.net_amount - fee
    if refund < 0:
        raise Unprocessable(f"the cancel charge {fee} is more than the net amount {vend.net_amount}")
    return Undoing(kind, vend, charge, refund)
