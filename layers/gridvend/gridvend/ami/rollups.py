"""Daily and monthly rollups of a meter's readings. Merging is idempotent and order-free (first and
last by time, minimum and maximum, a set of reporting minutes), so a rollup fed the same reading twice,
or readings out of order, ends the same: the stream that feeds it may redeliver.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from gridvend.iot.messages import utc_stamp
from gridvend.iot.obis import ACTIVE_IMPORT, OBIS_ITEMS, ItemKind

MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class StoredReading:
    meter: str
    at: datetime  # UTC
    registers: dict[str, int]  # OBIS code -> value in the item's smallest step


@dataclass(frozen=True)
class Rollup:
    """One meter over one period (a local day "2025-01-31" or month "2025-01")."""

    meter: str
    period: str
    first_at: str = ""
    first: dict[str, int] = field(default_factory=dict)  # cumulative registers at the first reading
    last_at: str = ""
    last: dict[str, int] = field(default_factory=dict)  # every value at the last reading
    highest: dict[str, int] = field(default_factory=dict)
    lowest: dict[str, int] = field(default_factory=dict)
    marks: tuple[int, ...] = ()  # minutes of the day (daily) or days of the month (monthly) with readings

    @property
    def reading_count(self) -> int:
        return len(self.marks)

    def consumption(self, code: str = ACTIVE_IMPORT) -> int:
        """How much a cumulative register grew over the period (in its smallest step)."""
        if code not in self.first or code not in self.last:
            return 0
        return max(0, self.last[code] - self.first[code])


def merge(rollup: Rollup, reading: StoredReading, mark: int) -> Rollup:
    stamp = utc_stamp(reading.at)
    cumulative = {code: value for code, value in reading.registers.items() if _kind(code) is ItemKind.REGISTER}
    instant = {code: value for code, value in reading.registers.items() if _kind(code) is ItemKind.INSTANT}
    first_at, first = rollup.first_at, rollup.first
    if not first_at or stamp < first_at:
        first_at, first = stamp, cumulative
    last_at, last = rollup.last_at, rollup.last
    if not last_at or stamp > last_at:
        last_at, last = stamp, dict(reading.registers)
    highest, lowest = dict(rollup.highest), dict(rollup.lowest)
    for code, value in instant.items():
        highest[code] = max(highest.get(code, value), value)
        lowest[code] = min(lowest.get(code, value), value)
    marks = rollup.marks if mark in rollup.marks else tuple(sorted((*rollup.marks, mark)))
    return replace(
        rollup, first_at=first_at, first=first, last_at=last_at, last=last, highest=highest, lowest=lowest, marks=marks
    )


def day_mark(local_time: datetime) -> int:
    return local_time.hour * 60 + local_time.minute


def month_mark(local_time: datetime) -> int:
    return local_time.day


def success_rate(rollup: Rollup, expected_readings: int) -> float:
    """Share of the expected readings that arrived (1.0 at most)."""
    if expected_readings <= 0:
        return 0.0
    return min(1.0, rollup.reading_count / expected_readings)


def _kind(code: str) -> ItemKind | None:
    item = OBIS_ITEMS.get(code)
    return item.kind if item else None
