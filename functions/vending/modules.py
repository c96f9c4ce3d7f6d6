"""Secure modules of a tenant: the backend that makes its tokens, its key files and its credit."""

from __future__ import annotations

import functools
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from functions.common.deps import settings
from functions.common.master_key import secure_master_key
from functions.vending.schemas import CreditTransfer, ModuleCreation
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput, Unprocessable
from gridvend.secure.credit import CreditTransferType, ModuleCredit
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import parse_key_file
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.wrapped_key_store import JsonFileWrappedKeyStore
from gridvend.store.guarded import commit
from gridvend.store.items import ItemStore
from gridvend.store.secure_modules import SecureModuleRecord, SecureModuleRepository


def _key_store_path(tenant_id: str, module_id: str) -> Path:
    return settings().state_dir / "secure-keys" / tenant_id / f"{module_id}.json"


@functools.lru_cache(maxsize=64)
def _software_module(tenant_id: str, module_id: str) -> SoftwareSecureModule:
    return SoftwareSecureModule(
        secure_master_key(),
        store=JsonFileWrappedKeyStore(_key_store_path(tenant_id, module_id)),
        allow_plaintext_keys=True,
    )


def backend_for(tenant_id: str, record: SecureModuleRecord) -> SecureModule:
    if record.backend == "software":
        return _software_module(tenant_id, record.module_id)
    raise Unprocessable(f"secure module '{record.module_id}' uses the {record.backend} backend, not reachable here")


def clear_backends() -> None:
    _software_module.cache_clear()


def _key_infos(module: SecureModule) -> list[dict[str, object]]:
    return [
        {"sgc": info.sgc, "krn": info.krn, "key_type": info.key_type.value, "dkga": info.dkga, "current": info.current}
        for info in module.list_keys()
    ]


class ModuleService:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self.repository = SecureModuleRepository(store, ctx)

    def create(self, request: ModuleCreation) -> SecureModuleRecord:
        record = SecureModuleRecord(
            module_id=request.id,
            name=request.name,
            backend=request.backend,
            office=request.office,
            is_default=request.is_default,
        )
        return self.repository.create(record)

    def load_key_file(self, module_id: str, key_file_text: str) -> SecureModuleRecord:
        current = self.repository.require(module_id)
        try:
            key_file = parse_key_file(key_file_text)
        except ValueError as error:
            raise InvalidInput.for_field("key_file", str(error)) from None
        module = backend_for(self._ctx.tenant_id, current)
        module.load_key_file(key_file)
        return self.repository.save(current, replace(current, keys=_key_infos(module)), "load-key-file")

    def transfer_credit(self, module_id: str, transfer: CreditTransfer) -> SecureModuleRecord:
        current = self.repository.require(module_id)
        credit = ModuleCredit(Decimal(current.balance_tenths) / 10)
        after = credit.transfer(CreditTransferType(transfer.type), transfer.energy_kwh)
        delta = after.to_tenths() - current.balance_tenths
        commit(self._store, [self.repository.credit_change(module_id, delta)])
        return self.repository.require(module_id)

    def module_for_vend(self, sales_point_module_id: str | None) -> SecureModuleRecord:
        record = self.repository.get(sales_point_module_id) if sales_point_module_id else self.repository.default()
        if record is None:
            raise Unprocessable("no secure module serves this sales point; create one and mark it default")
        return record
