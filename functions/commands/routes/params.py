"""Query parameters the AMI routes share: times, days, months, meter serials."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from gridvend.clock import utc_now
from gridvend.errors import InvalidInput
from gridvend.meters.serials import SERIAL_PATTERN, SERIAL_RULE, normal_serial

DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def meter_param(params: dict[str, str], name: str = "meter") -> str:
    serial = normal_serial(params.get(name, ""))
    if not SERIAL_PATTERN.match(serial):
        raise InvalidInput.for_field(name, SERIAL_RULE)
    return serial


def time_param(params: dict[str, str], name: str, default: datetime) -> datetime:
    raw = params.get(name)
    if not raw:
        return default
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise InvalidInput.for_field(name, "an ISO 8601 time with its offset, e.g. 2025-01-31T00:00:00Z") from None
    if moment.tzinfo is None:
        raise InvalidInput.for_field(name, "give the time's UTC offset, e.g. 2025-01-31T00:00:00Z")
    return moment.astimezone(UTC)


def day_param(params: dict[str, str], name: str, default: str | None = None) -> str:
    value = params.get(name) or default or f"{utc_now():%Y-%m-%d}"
    if not DAY.match(value):
        raise InvalidInput.for_field(name, "YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.for_field(name, "not a calendar day") from None
    return value


def month_param(params: dict[str, str], name: str = "month") -> str:
    value = params.get(name) or f"{utc_now():%Y-%m}"
    if not MONTH.match(value):
        raise InvalidInput.for_field(name, "YYYY-MM")
    return value


def window(params: dict[str, str], default_days: int = 1) -> tuple[datetime, datetime]:
    until = time_param(params, "until", utc_now())
    since = time_param(params, "since", until - timedelta(days=default_days))
    if since > until:
        raise InvalidInput.for_field("since", "after until")
    return since, until
