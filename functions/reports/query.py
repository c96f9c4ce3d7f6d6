"""A report's query string: the date range (either end open), dimension filters, grouping, view and format."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from gridvend.errors import InvalidInput
from gridvend.reports.cells import DIMENSIONS, GROUPS

FORMATS = ("json", "csv", "xlsx", "pdf")
VIEWS = ("summary", "detail")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class ReportQuery:
    date_from: str | None
    date_to: str | None
    filters: dict[str, frozenset[str]] = field(default_factory=dict)
    group_by: tuple[str, ...] = ()
    view: str = "summary"
    form: str = "json"


def range_end(name: str, raw: str | None, *, last: bool) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as a day: the first day of the period, or the last one for `to`."""
    if raw is None or raw == "":
        return None
    if not _DATE.match(raw):
        raise InvalidInput.for_field(name, "a date as YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        year = int(raw[:4])
        month = int(raw[5:7]) if len(raw) >= 7 else (12 if last else 1)
        if not 1 <= month <= 12:
            raise ValueError
        days = calendar.monthrange(year, month)[1]
        day = int(raw[8:10]) if len(raw) == 10 else (days if last else 1)
        if not 1 <= day <= days:
            raise ValueError
    except ValueError:
        raise InvalidInput.for_field(name, "not a calendar date") from None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_query(params: dict[str, str], default_group: tuple[str, ...]) -> ReportQuery:
    date_from = range_end("from", params.get("from"), last=False)
    date_to = range_end("to", params.get("to"), last=True)
    if date_from and date_to and date_from > date_to:
        raise InvalidInput.for_field("to", "before 'from'")
    filters: dict[str, frozenset[str]] = {}
    for name in DIMENSIONS:
        raw = params.get(name)
        if raw is not None:
            values = frozenset(value.strip() for value in raw.split(",") if value.strip())
            if not values:
                raise InvalidInput.for_field(name, "one or more ids separated by commas")
            filters[name] = values
    group_by = default_group
    if "group" in params:
        group_by = tuple(part.strip() for part in params["group"].split(",") if part.strip())
        unknown = [part for part in group_by if part not in GROUPS]
        if unknown or len(set(group_by)) != len(group_by):
            raise InvalidInput.for_field("group", f"distinct names among {', '.join(GROUPS)}")
    view = params.get("view", "summary")
    if view not in VIEWS:
        raise InvalidInput.for_field("view", f"one of {', '.join(VIEWS)}")
    form = params.get("format", "json")
    if form not in FORMATS:
        raise InvalidInput.for_field("format", f"one of {', '.join(FORMATS)}")
    return ReportQuery(date_from, date_to, filters, group_by, view, form)
