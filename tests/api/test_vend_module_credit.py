"""Moving a secure module's credit while vends draw on it: a transfer writes only over the balance it read."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from functions.vending.modules import ModuleService
from functions.vending.schemas import CreditTransfer
from gridvend.auth.context import system_context
from gridvend.errors import Conflict
from gridvend.store.items import ItemStore, WriteOp
from gridvend.store.secure_modules import CREDIT_TRANSFER_ATTEMPTS, SecureModuleRecord, SecureModuleRepository
from tests.stores import unique_tenant


def module_with_credit(store: ItemStore, tenths: int) -> tuple[ModuleService, SecureModuleRepository]:
    ctx = system_context(unique_tenant("credit"), "test")
    service = ModuleService(store, ctx)
    service.repository.create(SecureModuleRecord(module_id="SM1", name="office module", backend="software"))
    service.repository.set_credit("SM1", lambda _: tenths)
    return service, service.repository


def vends_land_before_writes(store: ItemStore, repository: SecureModuleRepository, tenths: int, times: int) -> None:
    """The next `times` writes each find a vend of `tenths` committed just before them (after their reads)."""
    original = store.transact
    remaining = [times]

    def transact(operations: Sequence[WriteOp]) -> None:
        if remaining[0] > 0:
            remaining[0] -= 1
            original([repository.credit_change("SM1", -tenths).operation])
        original(operations)

    store.transact = transact  # type: ignore[method-assign]


def balance(repository: SecureModuleRepository) -> int:
    return repository.require("SM1").balance_tenths


def test_replace_ends_exactly_at_its_amount_when_a_vend_lands_in_between(item_store: ItemStore) -> None:
    service, repository = module_with_credit(item_store, 1000)
    vends_land_before_writes(item_store, repository, tenths=75, times=1)
    shown = service.transfer_credit("SM1", CreditTransfer(type="replace", energy_kwh=Decimal("50.0")))
    assert shown.balance_tenths == 500
    assert balance(repository) == 500  # reading 100.0 and adding -50.0 would have left 42.5


def test_decrease_counts_from_the_balance_after_the_vend(item_store: ItemStore) -> None:
    service, repository = module_with_credit(item_store, 1000)
    vends_land_before_writes(item_store, repository, tenths=75, times=1)
    service.transfer_credit("SM1", CreditTransfer(type="decrease", energy_kwh=Decimal("90.0")))
    assert balance(repository) == 25


def test_a_balance_that_keeps_moving_gives_a_conflict_and_no_transfer(item_store: ItemStore) -> None:
    service, repository = module_with_credit(item_store, 1000)
    vends_land_before_writes(item_store, repository, tenths=10, times=1000)
    with pytest.raises(Conflict):
        service.transfer_credit("SM1", CreditTransfer(type="replace", energy_kwh=Decimal("500.0")))
    assert balance(repository) == 1000 - 10 * CREDIT_TRANSFER_ATTEMPTS  # only the vends moved it
