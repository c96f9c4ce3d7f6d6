"""OBIS codes (IEC 62056-61) of every data item a meter reports or a command reads or sets.

On the wire a value is a JSON number in the item's unit; in storage it is an integer of the item's
smallest step (`decimals` places: 1234.567 kWh with 3 decimals is stored as 1234567).
Codes with 128 in group B or C are manufacturer-specific, as the standard allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

OBIS_PATTERN = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")


class ItemKind(StrEnum):
    REGISTER = "register"  # cumulative (energy): only grows
    INSTANT = "instant"  # instantaneous value (power, voltage, current)
    STATE = "state"  # a state code (relay, mode)
    PARAMETER = "parameter"  # a setting a command can change


@dataclass(frozen=True)
class ObisItem:
    code: str
    name: str
    unit: str
    decimals: int
    kind: ItemKind

    def to_stored(self, value: Decimal) -> int:
        return int((value * (Decimal(10) ** self.decimals)).to_integral_value(ROUND_HALF_EVEN))

    def from_stored(self, stored: int) -> Decimal:
        return Decimal(int(stored)).scaleb(-self.decimals)


CLOCK = "0.0.1.0.0.255"
ACTIVE_IMPORT = "1.0.1.8.0.255"
ACTIVE_EXPORT = "1.0.2.8.0.255"
ACTIVE_POWER = "1.0.1.7.0.255"
VOLTAGE_L1 = "1.0.32.7.0.255"
CURRENT_L1 = "1.0.31.7.0.255"
POWER_FACTOR = "1.0.13.7.0.255"
FREQUENCY = "1.0.14.7.0.255"
CREDIT = "0.0.19.10.0.255"
RELAY_STATE = "0.0.96.3.10.255"
RELAY_MODE = "0.128.96.3.0.255"
ACTIVE_TARIFF = "0.0.96.14.0.255"
SIGNAL_STRENGTH = "0.0.96.12.5.255"
FIRMWARE_VERSION = "1.0.0.2.0.255"
POWER_THRESHOLD = "0.0.17.0.0.255"
ALARM_AMOUNT_1 = "0.128.19.1.0.255"
ALARM_AMOUNT_2 = "0.128.19.2.0.255"
HOARDING_LIMIT = "0.128.19.3.0.255"
CT_RATIO = "1.0.0.4.2.255"
PT_RATIO = "1.0.0.4.3.255"
TOU_RATES = 4


def import_rate(rate: int) -> str:
    """Active energy import in TOU rate 1..4."""
    return f"1.0.1.8.{rate}.255"


def export_rate(rate: int) -> str:
    return f"1.0.2.8.{rate}.255"


_ITEMS = [
    ObisItem(ACTIVE_IMPORT, "active energy import", "kWh", 3, ItemKind.REGISTER),
    ObisItem(ACTIVE_EXPORT, "active energy export", "kWh", 3, ItemKind.REGISTER),
    *(ObisItem(import_rate(rate), f"active energy import T{rate}", "kWh", 3, ItemKind.REGISTER)
      for rate in range(1, TOU_RATES + 1)),
    *(ObisItem(export_rate(rate), f"active energy export T{rate}", "kWh", 3, ItemKind.REGISTER)
      for rate in range(1, TOU_RATES + 1)),
    ObisItem(ACTIVE_POWER, "active power import", "W", 0, ItemKind.INSTANT),
    ObisItem(VOLTAGE_L1, "voltage L1", "V", 1, ItemKind.INSTANT),
    ObisItem(CURRENT_L1, "current L1", "A", 3, ItemKind.INSTANT),
    ObisItem(POWER_FACTOR, "power factor", "", 3, ItemKind.INSTANT),
    ObisItem(FREQUENCY, "frequency", "Hz", 2, ItemKind.INSTANT),
    ObisItem(CREDIT, "credit register", "kWh", 3, ItemKind.INSTANT),
    ObisItem(RELAY_STATE, "relay state (1 closed, 0 open)", "", 0, ItemKind.STATE),
    ObisItem(RELAY_MODE, "relay mode (0 prepayment, 1 forced on, 2 forced off)", "", 0, ItemKind.STATE),
    ObisItem(ACTIVE_TARIFF, "active TOU rate", "", 0, ItemKind.STATE),
    ObisItem(SIGNAL_STRENGTH, "signal strength", "dBm", 0, ItemKind.INSTANT),
    ObisItem(FIRMWARE_VERSION, "firmware version number", "", 0, ItemKind.STATE),
    ObisItem(CLOCK, "clock (unix seconds)", "s", 0, ItemKind.STATE),
    ObisItem(POWER_THRESHOLD, "power threshold", "W", 0, ItemKind.PARAMETER),
    ObisItem(ALARM_AMOUNT_1, "low credit alarm 1", "kWh", 3, ItemKind.PARAMETER),
    ObisItem(ALARM_AMOUNT_2, "low credit alarm 2", "kWh", 3, ItemKind.PARAMETER),
    ObisItem(HOARDING_LIMIT, "hoarding limit (most credit held)", "kWh", 3, ItemKind.PARAMETER),
    ObisItem(CT_RATIO, "CT ratio", "", 0, ItemKind.PARAMETER),
    ObisItem(PT_RATIO, "PT ratio", "", 0, ItemKind.PARAMETER),
]

OBIS_ITEMS: dict[str, ObisItem] = {item.code: item for item in _ITEMS}
# What a module reports on its own, every reporting period.
PERIODIC_READING = (
    ACTIVE_IMPORT, *(import_rate(rate) for rate in range(1, TOU_RATES + 1)), ACTIVE_EXPORT,
    ACTIVE_POWER, VOLTAGE_L1, CURRENT_L1, CREDIT, RELAY_STATE,
)


class UnknownObis(ValueError):
    pass


def obis_item(code: str) -> ObisItem:
    try:
        return OBIS_ITEMS[code]
    except KeyError:
        shape = "an OBIS code this system does not know" if OBIS_PATTERN.match(code) else "not an OBIS code"
        raise UnknownObis(f"{code[:40]!r} is {shape}") from None


def stored_registers(values: dict[str, Decimal]) -> dict[str, int]:
    return {code: obis_item(code).to_stored(value) for code, value in values.items()}


def wire_registers(stored: dict[str, int]) -> dict[str, Decimal]:
    return {code: obis_item(code).from_stored(value) for code, value in stored.items() if code in OBIS_ITEMS}
