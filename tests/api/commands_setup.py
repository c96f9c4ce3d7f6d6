"""Set-up shared by the command tests: a settable clock and the command context (recording publisher,
in-memory shadows and objects) over the API's store. Import `clock` and `devices` into a test module to use them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from functions.commands.context import CommandContext, use_context
from gridvend.iot.publishing import MemoryShadowStore, RecordingPublisher
from gridvend.store.ami.firmware import MemoryObjectStore
from tests.api.conftest import Api


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def devices(api: Api, clock: Clock) -> Iterator[CommandContext]:
    context = CommandContext(api.store, RecordingPublisher(), MemoryShadowStore(), MemoryObjectStore(), clock)
    use_context(context)
    yield context
    use_context(None)
