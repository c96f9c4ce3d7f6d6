"""The one wall clock. Every moment the domain and the services act at is read here, so a test (or a replay)
can set it for the whole process. Durations between two points in one process use `time.monotonic`, not this."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """Stands still at the moment it is set to until it is moved."""

    def __init__(self, moment: datetime) -> None:
        self.moment = as_utc(moment)

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = as_utc(moment)

    def advance(self, by: timedelta) -> datetime:
        self.moment += by
        return self.moment


_clock: Clock = SystemClock()


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a moment needs its zone; naive datetimes are ambiguous")
    return moment.astimezone(UTC)


def utc_now() -> datetime:
    return _clock.now()


def utc_stamp(moment: datetime | None = None, timespec: str = "seconds") -> str:
    """ISO 8601 in UTC, as every stored moment is written."""
    return (moment or utc_now()).astimezone(UTC).isoformat(timespec=timespec)


def use_clock(clock: Clock | None) -> None:
    """Sets the process's clock; None puts the system clock back."""
    global _clock
    _clock = clock or SystemClock()


@contextmanager
def clock_at(moment: datetime) -> Iterator[FixedClock]:
    """The process's clock stands at `moment` inside the block."""
    fixed = FixedClock(moment)
    previous = _clock
    use_clock(fixed)
    try:
        yield fixed
    finally:
        use_clock(previous)
