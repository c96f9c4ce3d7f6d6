"""`state_change_operations`, the move other features (contracts, replacement) put in their transactions."""

from __future__ import annotations

import pytest

from gridvend.auth.context import system_context
from gridvend.errors import Conflict
from gridvend.meters.schemas import NewMeter
from gridvend.meters.service import MeterService
from gridvend.meters.states import MeterState
from gridvend.store.archives import ArchiveRepository
from gridvend.store.guarded import commit
from gridvend.store.memory import MemoryItemStore
from gridvend.store.meters import MeterRepository

SERIAL = "01234567890"


@pytest.fixture
def store() -> MemoryItemStore:
    return MemoryItemStore()


@pytest.fixture
def meters(store: MemoryItemStore) -> MeterRepository:
    ctx = system_context("unit-meters", "contracts")
    model = ArchiveRepository(store, ctx).create("meter-models", "M", "Model", {}, [])
    MeterService(store, ctx).create(NewMeter(serial=SERIAL, model_id=model.record_id, sgc="123456"))
    return MeterRepository(store, ctx)


def test_a_move_from_an_expected_state_is_recorded_in_the_history(
    store: MemoryItemStore, meters: MeterRepository
) -> None:
    operations = meters.state_change_operations(SERIAL, [MeterState.IN_WAREHOUSE], MeterState.OUT_FOR_INSTALLATION,
                                                "drawn")
    commit(store, operations)
    moved = meters.require(SERIAL)
    assert moved.state is MeterState.OUT_FOR_INSTALLATION and moved.version == 2
    assert [(entry.from_state, entry.to_state, entry.by) for entry in moved.history][-1] == (
        "in_warehouse", "out_for_installation", "contracts")


def test_a_move_from_another_state_is_refused_before_anything_is_written(meters: MeterRepository) -> None:
    with pytest.raises(Conflict, match="in_warehouse, not in_service"):
        meters.state_change_operations(SERIAL, [MeterState.IN_SERVICE], MeterState.REPLACED, "replaced")
    assert meters.require(SERIAL).version == 1


def test_a_move_fails_in_its_transaction_when_the_meter_changed_after_it_was_read(
    store: MemoryItemStore, meters: MeterRepository
) -> None:
    first = meters.state_change_operations(SERIAL, [MeterState.IN_WAREHOUSE], MeterState.MAINTENANCE, "repair")
    second = meters.state_change_operations(SERIAL, [MeterState.IN_WAREHOUSE], MeterState.SCRAPPED, "scrap")
    commit(store, first)
    with pytest.raises(Conflict, match="changed meanwhile"):
        commit(store, second)
    assert meters.require(SERIAL).state is MeterState.MAINTENANCE
