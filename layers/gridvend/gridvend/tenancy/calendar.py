"""A tenant's calendar: which local day, month and year a moment falls in, and the UTC span of each.
Everything that files or reads by period (rollups, report cells, bill numbers, monthly charges, allowances,
postpaid bills, line loss, schedules) asks this, so 23:59 and 00:00 tenant time fall on the same side
everywhere, in any zone, across daylight saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridvend.clock import as_utc, utc_now

DAY_FORMAT = "%Y-%m-%d"
MONTH_FORMAT = "%Y-%m"


def zone_named(name: str | None) -> ZoneInfo:
    """The IANA zone; UTC where the name is missing or unknown (settings validate it when written)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def month_of(day: date) -> str:
    return f"{day:{MONTH_FORMAT}}"


def first_of_month(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


def next_month(month: str) -> str:
    first = first_of_month(month)
    return month_of((first + timedelta(days=32)).replace(day=1))


def previous_month(month: str) -> str:
    return month_of(first_of_month(month) - timedelta(days=1))


@dataclass(frozen=True)
class TenantCalendar:
    zone: ZoneInfo

    @classmethod
    def named(cls, name: str | None) -> TenantCalendar:
        return cls(zone_named(name))

    @property
    def zone_name(self) -> str:
        return self.zone.key

    def local(self, moment: datetime | None = None) -> datetime:
        """The moment (now by default) on the tenant's wall clock, zone attached."""
        return as_utc(moment or utc_now()).astimezone(self.zone)

    def wall(self, moment: datetime | None = None) -> datetime:
        """The tenant's wall-clock time without its zone, as receipts print it."""
        return self.local(moment).replace(tzinfo=None)

    def day(self, moment: datetime | None = None) -> date:
        return self.local(moment).date()

    def today(self) -> date:
        return self.day()

    def day_key(self, moment: datetime | None = None) -> str:
        return f"{self.local(moment):{DAY_FORMAT}}"

    def month_key(self, moment: datetime | None = None) -> str:
        return f"{self.local(moment):{MONTH_FORMAT}}"

    def year_key(self, moment: datetime | None = None) -> str:
        return f"{self.local(moment):%Y}"

    def day_start(self, day: date) -> datetime:
        """The UTC instant the local day begins. Where a daylight saving change skips midnight, midnight is read
        with the offset from before the jump, which is the instant of the jump: the day begins there."""
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)

    def day_span(self, day: date) -> tuple[datetime, datetime]:
        """[start, end) of the local day, in UTC."""
        return self.day_start(day), self.day_start(day + timedelta(days=1))

    def month_span(self, month: str) -> tuple[datetime, datetime]:
        """[start, end) of the local month 'YYYY-MM', in UTC."""
        return self.day_start(first_of_month(month)), self.day_start(first_of_month(next_month(month)))

    def at_wall(self, wall: datetime) -> datetime:
        """The UTC instant a naive local wall time names: the first of the two in a repeated hour; a time that a
        spring-forward skips is read with the offset from before the jump (02:30 becomes 03:30)."""
        return wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
