"""The period of a line-loss query: a month (YYYY-MM), a season (YYYY-Q1..Q4: quarters of the calendar year)
or a year (YYYY), as the months it covers. Pure."""

from __future__ import annotations

import re

from gridvend.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SEASON = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^\d{4}$")
PERIOD_FIELDS = ("month", "season", "year")


def months_of(params: dict[str, str]) -> tuple[str, str, list[str]]:
    """(field, period as given, months) from exactly one of month, season or year."""
    given = [name for name in PERIOD_FIELDS if params.get(name)]
    if len(given) != 1:
        raise InvalidInput.for_field("month", "exactly one of month (YYYY-MM), season (YYYY-Q1..Q4) or year (YYYY)")
    name = given[0]
    raw = params[name].strip()
    if name == "month":
        found = _MONTH.match(raw)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise InvalidInput.for_field("month", "a month as YYYY-MM")
        return name, raw, [raw]
    if name == "season":
        found = _SEASON.match(raw)
        if not found:
            raise InvalidInput.for_field("season", "a season as YYYY-Q1 to YYYY-Q4")
        first = (int(found.group(2)) - 1) * 3 + 1
        return name, raw.upper(), [f"{found.group(1)}-{month:02d}" for month in range(first, first + 3)]
    if not _YEAR.match(raw):
        raise InvalidInput.for_field("year", "a year as YYYY")
    return name, raw, [f"{raw}-{month:02d}" for month in range(1, 13)]
