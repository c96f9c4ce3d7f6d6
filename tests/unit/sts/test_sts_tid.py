"""TIDs: minutes since the base date, the 2024 rollover, distinct TIDs in one minute."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gridvend.sts import InvalidField, TidOutOfRange, next_base_date, next_tid, tid_from_time, time_from_tid


def test_tid_counts_minutes_since_1993() -> None:
    assert tid_from_time(datetime(2004, 3, 1, 13, 55), 1993) == 5871715
    assert tid_from_time(datetime(2004, 3, 1, 13, 55, 59), 1993) == 5871715
    assert time_from_tid(5871715, 1993) == datetime(2004, 3, 1, 13, 55)


def test_aware_times_count_by_their_wall_clock() -> None:
    nairobi = timezone(timedelta(hours=3))
    assert tid_from_time(datetime(2004, 3, 1, 13, 55, tzinfo=nairobi), 1993) == 5871715


def test_base_1993_runs_out_on_2024_11_24() -> None:
    last = time_from_tid((1 << 24) - 1, 1993)
    assert last == datetime(2024, 11, 24, 20, 15)
    with pytest.raises(TidOutOfRange, match="rollover"):
        tid_from_time(last + timedelta(minutes=1), 1993)
    assert tid_from_time(last + timedelta(minutes=1), 2014) == tid_from_time(datetime(2024, 11, 24, 20, 16), 2014)


def test_later_base_dates() -> None:
    assert tid_from_time(datetime(2014, 1, 1), 2014) == 0
    assert tid_from_time(datetime(2035, 1, 1, 0, 1), 2035) == 1
    with pytest.raises(TidOutOfRange):
        tid_from_time(datetime(2013, 12, 31, 23, 59), 2014)
    with pytest.raises(InvalidField):
        tid_from_time(datetime(2020, 1, 1), 2000)


def test_two_tokens_in_one_minute_get_distinct_tids() -> None:
    assert next_tid(100, None) == 100
    assert next_tid(100, 99) == 100
    assert next_tid(100, 100) == 101
    assert next_tid(100, 250) == 251
    with pytest.raises(TidOutOfRange):
        next_tid(5, (1 << 24) - 1)


def test_rollover_moves_to_the_next_base_date() -> None:
    assert next_base_date(1993) == 2014
    assert next_base_date(2014) == 2035
    with pytest.raises(InvalidField):
        next_base_date(2035)
