"""Set-up shared by the command tests: the process clock stood still and the command context (recording publisher,
in-memory shadows and objects) over the API's store. Import `clock` and `devices` into a test module to use them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from functions.commands.context import CommandContext, use_context
from gridvend.clock import FixedClock, clock_at
from gridvend.iot.publishing import MemoryShadowStore, RecordingPublisher
from gridvend.store.ami.firmware import MemoryObjectStore
from tests.api.conftest import Api


class Clock:
    """The process's one clock, stood still for the test: set `now` to move it."""

    def __init__(self, fixed: FixedClock) -> None:
        self._fixed = fixed

    @property
    def now(self) -> datetime:
        return self._fixed.now()

    @now.setter
    def now(self, moment: datetime) -> None:
        self._fixed.set(moment)


@pytest.fixture
def clock() -> Iterator[Clock]:
    with clock_at(datetime.now(UTC)) as fixed:
        yield Clock(fixed)


@pytest.fixture
def devices(api: Api, clock: Clock) -> Iterator[CommandContext]:
    context = CommandContext(api.store, RecordingPublisher(), MemoryShadowStore(), MemoryObjectStore())
    use_context(context)
    yield context
    use_context(None)
