"""Token identifiers: minutes since the base date, 24 bits.

The TID counts minutes from 00:00 on 1 January of the base date, in tenant-local time (each tenant
chooses its zone on purpose; pass naive local datetimes, or aware ones whose wall clock is the tenant's).
2^24 minutes after 1993-01-01 is 2024-11-24 20:16: meters then move to base date 2014 (later 2035)
through a key change with the rollover bit set, which also clears their memory of used TIDs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from gridvend.sts.errors import InvalidField, TidOutOfRange

BASE_DATES = (1993, 2014, 2035)
TID_LIMIT = 1 << 24
_MINUTE = timedelta(minutes=1)


def base_datetime(base_date: int) -> datetime:
    if base_date not in BASE_DATES:
        raise InvalidField("base_date must be 1993, 2014 or 2035")
    return datetime(base_date, 1, 1)


def tid_from_time(local_time: datetime, base_date: int) -> int:
    """Whole minutes from the base date to ``local_time`` (tenant-local wall clock)."""
    if not isinstance(local_time, datetime):
        raise InvalidField("local_time must be a datetime")
    minutes = (local_time.replace(tzinfo=None) - base_datetime(base_date)) // _MINUTE
    if minutes < 0:
        raise TidOutOfRange(f"time lies before base date {base_date}")
    if minutes >= TID_LIMIT:
        raise TidOutOfRange(
            f"time lies past the last TID of base date {base_date}: the meter needs a rollover key change"
        )
    return int(minutes)


def time_from_tid(tid: int, base_date: int) -> datetime:
    """The tenant-local minute a TID stands for (inverse of ``tid_from_time``)."""
    check_tid(tid)
    return base_datetime(base_date) + tid * _MINUTE


def check_tid(tid: int) -> int:
    if not isinstance(tid, int) or isinstance(tid, bool) or not 0 <= tid < TID_LIMIT:
        raise TidOutOfRange("tid must be 0..16777215")
    return tid


def next_tid(candidate: int, last_tid: int | None) -> int:
    """The TID to use: ``candidate``, or one minute after ``last_tid`` if that one is not older.

    TIDs for one meter strictly increase, so two tokens in the same minute still get distinct TIDs.
    """
    tid = candidate if last_tid is None else max(candidate, last_tid + 1)
    return check_tid(tid)


def next_base_date(base_date: int) -> int:
    """The base date a rollover key change moves a meter to (1993 -> 2014 -> 2035)."""
    index = BASE_DATES.index(base_datetime(base_date).year)
    if index + 1 == len(BASE_DATES):
        raise InvalidField("2035 is the last base date")
    return BASE_DATES[index + 1]
