"""A report's query parameters, declared once: the catalogue shows them to the console (which renders a form for
any report from them) and the same declaration checks a query string, naming the field on bad input."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from gridvend.errors import InvalidInput

ParameterKind = Literal["date", "month", "integer", "boolean", "choice", "text", "list"]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_TEXT = re.compile(r"^[A-Za-z0-9 ._:@/+-]{1,100}$")
MAX_LIST = 200
FIRST_YEAR, LAST_YEAR = 1970, 2999


@dataclass(frozen=True)
class ReportParameter:
    name: str
    kind: ParameterKind
    title: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def described(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"name": self.name, "kind": self.kind, "title": self.title, "required": self.required}
        if self.default is not None:
            shown["default"] = self.default
        if self.choices:
            shown["choices"] = list(self.choices)
        if self.minimum is not None:
            shown["minimum"] = self.minimum
        if self.maximum is not None:
            shown["maximum"] = self.maximum
        return shown

    def read(self, raw: str | None) -> Any:
        """The checked value of the query string's text (the default when absent)."""
        if raw is None or raw == "":
            if self.required:
                raise InvalidInput.for_field(self.name, "required")
            return self.default
        return _READERS[self.kind](self, raw)


def _day(parameter: ReportParameter, raw: str) -> str:
    if not _DAY.match(raw) or not FIRST_YEAR <= int(raw[:4]) <= LAST_YEAR:
        raise InvalidInput.for_field(parameter.name, f"a date as YYYY-MM-DD, years {FIRST_YEAR} to {LAST_YEAR}")
    try:
        date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput.for_field(parameter.name, "not a calendar date") from None
    return raw


def _month(parameter: ReportParameter, raw: str) -> str:
    if not _MONTH.match(raw) or not 1 <= int(raw[5:7]) <= 12 or not FIRST_YEAR <= int(raw[:4]) <= LAST_YEAR:
        raise InvalidInput.for_field(parameter.name, f"a month as YYYY-MM, years {FIRST_YEAR} to {LAST_YEAR}")
    return raw


def _integer(parameter: ReportParameter, raw: str) -> int:
    text = raw[1:] if raw.startswith("-") else raw
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput.for_field(parameter.name, "a whole number")
    value = int(raw)
    low, high = parameter.minimum, parameter.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidInput.for_field(parameter.name, f"a whole number from {low} to {high}")
    return value


def _boolean(parameter: ReportParameter, raw: str) -> bool:
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise InvalidInput.for_field(parameter.name, "true or false")


def _choice(parameter: ReportParameter, raw: str) -> str:
    if raw not in parameter.choices:
        raise InvalidInput.for_field(parameter.name, f"one of {', '.join(parameter.choices)}")
    return raw


def _text(parameter: ReportParameter, raw: str) -> str:
    if not _TEXT.match(raw):
        raise InvalidInput.for_field(parameter.name, "up to 100 letters, digits or . _ : @ / + - and spaces")
    return raw


def _list(parameter: ReportParameter, raw: str) -> frozenset[str]:
    values = [value.strip() for value in raw.split(",") if value.strip()]
    if not values or len(values) > MAX_LIST or not all(_TEXT.match(value) for value in values):
        raise InvalidInput.for_field(parameter.name, f"one to {MAX_LIST} ids separated by commas")
    if parameter.choices and not set(values) <= set(parameter.choices):
        raise InvalidInput.for_field(parameter.name, f"among {', '.join(parameter.choices)}")
    return frozenset(values)


_READERS = {
    "date": _day,
    "month": _month,
    "integer": _integer,
    "boolean": _boolean,
    "choice": _choice,
    "text": _text,
    "list": _list,
}


def read_parameters(declared: Sequence[ReportParameter], params: Mapping[str, str]) -> dict[str, Any]:
    """Every declared parameter's value; a range given as from/to must not end before it starts."""
    values = {parameter.name: parameter.read(params.get(parameter.name)) for parameter in declared}
    first, last = values.get("from"), values.get("to")
    if isinstance(first, str) and isinstance(last, str) and first > last:
        raise InvalidInput.for_field("to", "before 'from'")
    return values


def month_span(first: str, last: str, most: int) -> list[str]:
    """The months from `first` to `last`, refused (naming `from`) when more than `most`."""
    months = months_from_to(first, last) if first <= last else []
    if len(months) > most:
        raise InvalidInput.for_field("from", f"a range of at most {most} months")
    return months


def month_days(month: str) -> tuple[str, str]:
    """The first and last day of a YYYY-MM month."""
    days = calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
    return f"{month}-01", f"{month}-{days:02d}"


def months_from_to(first: str, last: str) -> list[str]:
    """YYYY-MM months from the month of `first` to the month of `last`, inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
