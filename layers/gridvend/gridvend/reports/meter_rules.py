"""Rules of the meter reports: a meter's using status (seed 000 §5.1) and when it expires (the end of its
model's service life, counted from its factory date, else its install date, else when it was recorded)."""

from __future__ import annotations

from datetime import date

USING = "using"
IN_WAREHOUSE = "in_warehouse"
OTHER = "other"
USING_STATUSES = (USING, IN_WAREHOUSE, OTHER)


def using_status(state: str) -> str:
    if state == "in_service":
        return USING
    return IN_WAREHOUSE if state == "in_warehouse" else OTHER


def _day(text: str | None) -> date | None:
    if not text or len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def years_later(start: date, years: int) -> date:
    if start.year + years > date.max.year:
        return date.max
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a year without one
        return start.replace(year=start.year + years, day=28)


def life_start(factory_date: str | None, install_date: str | None, created_at: str | None) -> tuple[date | None, str]:
    """The day a meter's service life counts from, and which date that was."""
    for basis, text in (("factory_date", factory_date), ("install_date", install_date), ("created_at", created_at)):
        day = _day(text)
        if day is not None:
            return day, basis
    return None, "-"


def expiry(start: date, life_years: int) -> date:
    return years_later(start, life_years)


def is_due(expires_on: date, today: date, within_days: int, include_overdue: bool) -> bool:
    """Expiring within the next `within_days` days (from today on), or already expired when overdue counts."""
    days_left = (expires_on - today).days
    if days_left < 0:
        return include_overdue
    return days_left <= within_days
