"""Scheduled collection (seed 000 §3.7, seed 004 §5): read chosen OBIS items from a set of meters every
N minutes, hours, days or months (N from 1 to 64) from a base time on. Each run is a read task; its
results are kept per period."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from enum import StrEnum

from gridvend.tenancy.calendar import TenantCalendar

MAX_EVERY = 64
UTC_CALENDAR = TenantCalendar.named("UTC")


class PeriodUnit(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


_FIXED = {
    PeriodUnit.MINUTE: timedelta(minutes=1), PeriodUnit.HOUR: timedelta(hours=1), PeriodUnit.DAY: timedelta(days=1)
}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the month's last day when it is shorter (Jan 31 -> Feb 28)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def run_at(base: datetime, unit: PeriodUnit, every: int, number: int) -> datetime:
    """The start of run `number` (0 is the base time)."""
    if unit is PeriodUnit.MONTH:
        return add_months(base, every * number)
    return base + _FIXED[unit] * every * number


def next_run_after(
    base: datetime, unit: PeriodUnit, every: int, moment: datetime, calendar: TenantCalendar = UTC_CALENDAR
) -> datetime:
    """The first run strictly after `moment` (runs missed meanwhile are skipped, not made up). Minutes and hours
    are fixed lengths of time; days and months keep the base's wall-clock time on the tenant's calendar, so a
    daily 02:00 read stays at 02:00 across daylight saving changes and a monthly one at the month's turn."""
    if moment < base:
        return base
    if unit in (PeriodUnit.MINUTE, PeriodUnit.HOUR):
        period = _FIXED[unit] * every
        return base + period * ((moment - base) // period + 1)
    base_wall, moment_wall = calendar.wall(base), calendar.wall(moment)
    if unit is PeriodUnit.MONTH:
        months = (moment_wall.year - base_wall.year) * 12 + moment_wall.month - base_wall.month
        number = max(0, months // every - 1)
    else:
        number = max(0, (moment_wall - base_wall) // (_FIXED[unit] * every) - 1)
    while calendar.at_wall(run_at(base_wall, unit, every, number)) <= moment:
        number += 1
    return calendar.at_wall(run_at(base_wall, unit, every, number))


def expected_runs_per_day(unit: PeriodUnit, every: int) -> float:
    """How many readings a day a meter on this schedule should give (for the reading success rate)."""
    if unit is PeriodUnit.MONTH:
        return 1 / (30 * every)
    return timedelta(days=1) / (_FIXED[unit] * every)
