"""Fixtures of the billing unit tests."""

from __future__ import annotations

import pytest

from gridvend.billing import SteppedTariff

from .builders import seed_step_tariff


@pytest.fixture
def step_tariff() -> SteppedTariff:
    return seed_step_tariff()
