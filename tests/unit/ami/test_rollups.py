"""Rollups merge readings in any order, any number of times, to the same result."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gridvend.ami.rollups import Rollup, StoredReading, day_mark, merge, success_rate
from gridvend.iot import obis

START = datetime(2025, 3, 1, tzinfo=UTC)


def _reading(minute: int, energy: int, volts: int) -> StoredReading:
    return StoredReading("M1", START + timedelta(minutes=minute),
                         {obis.ACTIVE_IMPORT: energy, obis.VOLTAGE_L1: volts, obis.RELAY_STATE: 1})


def _rolled(readings: list[StoredReading]) -> Rollup:
    rollup = Rollup("M1", "2025-03-01")
    for reading in readings:
        rollup = merge(rollup, reading, day_mark(reading.at))
    return rollup


readings = st.lists(
    st.tuples(st.integers(0, 1439), st.integers(2200, 2400)), min_size=1, max_size=30, unique_by=lambda pair: pair[0]
).map(lambda pairs: [_reading(minute, 1000 + minute * 3, volts) for minute, volts in pairs])


@settings(max_examples=60, deadline=None)
@given(readings, st.randoms(use_true_random=False))
def test_order_and_repetition_do_not_change_a_rollup(batch: list[StoredReading], shuffler: random.Random) -> None:
    shuffled = batch * 2
    shuffler.shuffle(shuffled)

    assert _rolled(shuffled) == _rolled(sorted(batch, key=lambda reading: reading.at))


def test_a_day_keeps_first_and_last_registers_extremes_and_reading_count() -> None:
    rollup = _rolled([_reading(600, 1500, 2310), _reading(60, 1180, 2280), _reading(1200, 2700, 2350)])

    assert rollup.consumption() == 2700 - 1180
    assert rollup.first == {obis.ACTIVE_IMPORT: 1180}  # only cumulative registers start a day
    assert rollup.last[obis.RELAY_STATE] == 1
    assert (rollup.lowest[obis.VOLTAGE_L1], rollup.highest[obis.VOLTAGE_L1]) == (2280, 2350)
    assert rollup.reading_count == 3 and success_rate(rollup, 96) == 3 / 96
    assert success_rate(_rolled([_reading(minute, minute, 2300) for minute in range(0, 1440, 15)]), 96) == 1.0
