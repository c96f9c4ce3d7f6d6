"""Simulated time: runs `speed` times faster than the wall clock from a start in the past, and never
gets ahead of the wall clock (the cloud refuses readings from the future); once it has caught up it
runs in real time."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SimClock:
    def __init__(
        self,
        speed: float,
        backlog: timedelta,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed < 1:
            raise ValueError("speed is at least 1 (real time)")
        self.speed = speed
        self._wall = wall
        self._monotonic = monotonic
        self._started_wall = wall()
        self._started = monotonic()
        self.start = self._started_wall - backlog

    def now(self) -> datetime:
        elapsed = self._monotonic() - self._started
        simulated = self.start + timedelta(seconds=elapsed * self.speed)
        return min(simulated, self._wall())
