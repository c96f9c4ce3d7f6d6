"""Energy in the units STS credit tokens carry: whole tenths of a kWh, never more than was paid for."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from gridvend.billing.tariffs import Tariff

ENERGY_UNIT_KWH = Decimal("0.1")


def floor_energy(energy_kwh: Decimal) -> Decimal:
    return energy_kwh.quantize(ENERGY_UNIT_KWH, rounding=ROUND_FLOOR)


def is_whole_energy_units(energy_kwh: Decimal) -> bool:
    return energy_kwh == floor_energy(energy_kwh)


def deliverable_energy(tariff: Tariff, money: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
    """The most energy, in whole tenths of a kWh, whose exact cost is at most `money`.

    The tariff's division is only as precise as the Decimal context, so the floor of it is checked
    against the exact cost and moved by one unit where the division rounded across a boundary.
    """
    if money <= 0:
        return floor_energy(Decimal(0))
    energy = floor_energy(tariff.energy_for(money, month_energy_before_kwh))
    while energy > 0 and tariff.cost_of(energy, month_energy_before_kwh) > money:
        energy -= ENERGY_UNIT_KWH
    while tariff.cost_of(energy + ENERGY_UNIT_KWH, month_energy_before_kwh) <= money:
        energy += ENERGY_UNIT_KWH
    return energy
