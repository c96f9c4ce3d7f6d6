"""The base-date rollover: TIDs counted from 1993 ran out on 2024-11-24 20:16 (tenant-local); a meter still on
base date 1993 first gets a key change to base date 2014 with the next KRN and the rollover bit set."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from gridvend.errors import Unprocessable
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.tid import TID_LIMIT, base_datetime, time_from_tid

NEXT_BASE_DATE = {1993: 2014, 2014: 2035}
MAX_KRN = 9


def base_date_exhausted_at(base_date: int) -> datetime:
    return time_from_tid(TID_LIMIT - 1, base_date)


def needs_rollover(identity: MeterKeyIdentity, local_now: datetime) -> bool:
    """True once the meter's base date can no longer number a token at `local_now` (tenant wall clock)."""
    return local_now.replace(tzinfo=None) > base_date_exhausted_at(identity.base_date) and (
        identity.base_date in NEXT_BASE_DATE
    )


def rolled_over(identity: MeterKeyIdentity) -> MeterKeyIdentity:
    """The identity the meter has after the rollover key change: next base date, next key revision."""
    if identity.krn >= MAX_KRN:
        raise Unprocessable(f"the meter is at key revision {MAX_KRN}; a rollover needs the next revision")
    new_base = NEXT_BASE_DATE[identity.base_date]
    base_datetime(new_base)
    return replace(identity, base_date=new_base, krn=identity.krn + 1)
