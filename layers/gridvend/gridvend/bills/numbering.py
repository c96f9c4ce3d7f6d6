"""Bill numbers from a tenant's numbering rule: fixed parts (prefix, branch, date) then a serial that
counts per period (monthly, yearly or never reset). Pure: the counter itself lives in the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class NumberingRule:
    code: str
    prefix: str
    parts: tuple[str, ...]
    serial_digits: int
    reset: str  # monthly | yearly | never

    @staticmethod
    def from_archive(code: str, fields: dict[str, Any]) -> NumberingRule:
        return NumberingRule(
            code=code.upper(),
            prefix=str(fields.get("prefix") or ""),
            parts=tuple(fields.get("parts") or ()),
            serial_digits=int(fields.get("serial_digits") or 6),
            reset=str(fields.get("reset") or "never"),
        )


def counter_period(rule: NumberingRule, day: date) -> str:
    if rule.reset == "monthly":
        return f"{day:%Y-%m}"
    if rule.reset == "yearly":
        return f"{day:%Y}"
    return "ALL"


def format_number(
    rule: NumberingRule, serial: int, day: date, branch_code: str = "", sales_point_code: str = ""
) -> str:
    """The parts in the rule's order, then the serial zero-padded (wider if it outgrows its digits)."""
    values = {
        "prefix": rule.prefix,
        "branch": branch_code.upper(),
        "sales_point": sales_point_code.upper(),
        "yyyy": f"{day:%Y}",
        "yyyymm": f"{day:%Y%m}",
        "yyyymmdd": f"{day:%Y%m%d}",
    }
    fixed = "".join(values.get(part, "") for part in rule.parts)
    return f"{fixed}{serial:0{rule.serial_digits}d}"
