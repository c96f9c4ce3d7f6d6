"""Meter serial numbers: the normal form, and serial ranges such as 01000000001..01000000050."""

from __future__ import annotations

import re

SERIAL_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,31}$")
SERIAL_RULE = "1-32 letters, digits or hyphens, starting with a letter or digit"


def normal_serial(raw: str) -> str:
    """Serials are compared and stored upper-case, without surrounding spaces."""
    return raw.strip().upper()


def is_valid_serial(serial: str) -> bool:
    return bool(SERIAL_PATTERN.match(serial))


class SerialRangeError(ValueError):
    pass


class RangeTooLong(SerialRangeError):
    def __init__(self, count: int, most: int) -> None:
        super().__init__(f"the range holds {count} meters; at most {most}")
        self.count = count


def expand_range(first: str, last: str, most: int) -> list[str]:
    """Every serial from first to last inclusive, keeping leading zeros; both must be digits of one length."""
    first, last = normal_serial(first), normal_serial(last)
    if not (first.isdigit() and last.isdigit()):
        raise SerialRangeError("a range needs numeric serials")
    if len(first) != len(last):
        raise SerialRangeError("both ends of a range need the same number of digits")
    if int(last) < int(first):
        raise SerialRangeError("the range ends before it starts")
    count = int(last) - int(first) + 1
    if count > most:
        raise RangeTooLong(count, most)
    width = len(first)
    return [str(number).zfill(width) for number in range(int(first), int(last) + 1)]
