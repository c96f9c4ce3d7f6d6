"""What a household draws over a day, and what its rooftop panel gives back. Deterministic for a seed."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

# Share of the base load by hour of day: low at night, a morning bump, the evening peak.
_DAILY_SHAPE = (
    0.45, 0.4, 0.4, 0.4, 0.45, 0.6, 0.9, 1.1, 1.0, 0.85, 0.8, 0.8,
    0.85, 0.8, 0.8, 0.85, 0.95, 1.2, 1.6, 1.7, 1.5, 1.2, 0.8, 0.55,
)


@dataclass(frozen=True)
class LoadProfile:
    base_watts: float
    solar_peak_watts: float = 0.0
    noise: float = 0.1

    def demand_watts(self, local_time: datetime, rng: random.Random) -> float:
        hour = local_time.hour
        share = _DAILY_SHAPE[hour] + (_DAILY_SHAPE[(hour + 1) % 24] - _DAILY_SHAPE[hour]) * local_time.minute / 60
        return max(0.0, self.base_watts * share * (1 + rng.uniform(-self.noise, self.noise)))

    def solar_watts(self, local_time: datetime) -> float:
        if self.solar_peak_watts <= 0:
            return 0.0
        hours = local_time.hour + local_time.minute / 60
        if not 6.0 <= hours <= 18.0:
            return 0.0
        return self.solar_peak_watts * math.sin(math.pi * (hours - 6.0) / 12.0)
