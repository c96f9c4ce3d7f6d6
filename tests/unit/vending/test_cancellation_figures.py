"""What a cancellation gives back: refund = net - cancel charge, negated tallies, the vend state restored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gridvend.errors import Conflict, Unprocessable
from gridvend.store.vends import MeterVendState
from gridvend.vending.cancellation import CancelCharge, UndoKind, cancel_charge_from_item, undoing


def receipt(**changes: Any) -> dict[str, Any]:
    base = {
        "bill_number": "V1",
        "status": "issued",
        "meter": "M1",
        "tid": 1000,
        "energy_kwh": "40.5",
        "time_local": "2025-03-04T10:00",
        "breakdown": {
            "amount": "87.00",
            "charges": [{"amount": "1.00"}],
            "vat": "12.00",
            "debt_repaid": "0.00",
            "credit_used": "3.00",
            "credit_carried": "0.50",
            "net_amount": "100.00",
        },
    }
    return base | changes


def test_refund_is_net_less_charge_and_tallies_are_negated() -> None:
    undone = undoing(UndoKind.CANCEL, receipt(), CancelCharge("CXL", "Cancel", Decimal("5.00")))
    assert undone.refund == Decimal("95.00")
    tallies = undone.tallies(2)
    assert tallies["CANCEL"]["tally_net"] == -10000 and tallies["CANCEL"]["tally_energy"] == -405
    assert tallies["CANCEL"]["tally_charges"] == -100
    assert tallies["REFUND"] == {
        "tally_count": 1,
        "tally_amount": 9500,
        "tally_energy": 0,
        "tally_vat": 0,
        "tally_charges": 500,
        "tally_debt": 0,
        "tally_net": 9500,
    }


def test_a_correction_takes_no_charge_and_tallies_apart() -> None:
    undone = undoing(UndoKind.CORRECTION, receipt(), CancelCharge("CXL", "Cancel", Decimal("5.00")))
    assert undone.charge is None and undone.refund == Decimal("100.00")
    assert set(undone.tallies(2)) == {"CORR", "REFUND"}


def test_state_loses_the_month_energy_of_the_same_month_only_and_gets_credit_back() -> None:
    undone = undoing(UndoKind.CANCEL, receipt(), None)
    state = MeterVendState(
        "M1", last_tid=1001, month="2025-03", month_energy_tenths=500, carried_credit_minor=50, version=3
    )
    restored = undone.restored_state(state, 2)
    assert (restored.month_energy_tenths, restored.carried_credit_minor, restored.last_tid) == (95, 300, 1001)
    next_month = undone.restored_state(MeterVendState("M1", month="2025-04", month_energy_tenths=70), 2)
    assert next_month.month_energy_tenths == 70


def test_refusals() -> None:
    with pytest.raises(Conflict):
        undoing(UndoKind.CANCEL, receipt(status="cancelled"), None)
    with pytest.raises(Unprocessable):
        undoing(UndoKind.CANCEL, receipt(), CancelCharge("BIG", "Big", Decimal("100.01")))


def test_charge_items_as_cancel_charges() -> None:
    fixed = cancel_charge_from_item(
        {"code": "F", "name": "Fee", "method": "per_times", "amount": "2.5"}, Decimal("100"), 2
    )
    assert fixed.amount == Decimal("2.50")
    percent = cancel_charge_from_item(
        {"code": "P", "name": "Pct", "method": "amount_percent", "percent": "3"}, Decimal("55.55"), 2
    )
    assert percent.amount == Decimal("1.67")
