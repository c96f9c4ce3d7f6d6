"""A tenant's secure modules: which backend, which office, which keys (never the key bytes), and the
credit balance that vends draw down inside their own transactions.

Access patterns:
- module by id:           pk=T#<t>#SM  sk=<module id>   (`balance` = credit in tenths of a kWh)
- every module of tenant: pk=T#<t>#SM  (a tenant has few)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, FieldProblem, NotFound, Unprocessable
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put


class ModuleCreditExhausted(Unprocessable):
    title = "Secure module credit exhausted"


@dataclass(frozen=True)
class SecureModuleRecord:
    module_id: str
    name: str
    backend: str  # software | pkcs11 | bridge
    office: str | None = None
    is_default: bool = False
    keys: list[dict[str, Any]] = field(default_factory=list)  # VendingKeyInfo as shown: sgc, krn, type, ...
    balance_tenths: int = 0
    version: int = 1

    def public(self) -> dict[str, Any]:
        shown = asdict(self)
        shown["id"] = shown.pop("module_id")
        shown["balance_kwh"] = f"{self.balance_tenths / 10:.1f}"
        del shown["balance_tenths"]
        return shown


class SecureModuleRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}SM"

    def get(self, module_id: str) -> SecureModuleRecord | None:
        item = self._store.get(self.partition, module_id)
        return _record(item) if item else None

    def require(self, module_id: str) -> SecureModuleRecord:
        found = self.get(module_id)
        if found is None:
            raise NotFound(f"secure module '{module_id}' does not exist")
        return found

    def all(self) -> list[SecureModuleRecord]:
        return [_record(item) for item in self._store.query(self.partition, limit=200).items]

    def default(self) -> SecureModuleRecord | None:
        return next((module for module in self.all() if module.is_default), None)

    def create(self, record: SecureModuleRecord) -> SecureModuleRecord:
        taken = Conflict(f"secure module '{record.module_id}' exists", [FieldProblem("id", "already used")])
        commit(
            self._store,
            [
                Guarded(Put(self._item(record), Condition.absent()), taken),
                Guarded(
                    audit_put(self._ctx, AuditEntry("create", "secure-module", record.module_id, None, record.public()))
                ),
            ],
        )
        return record

    def save(self, current: SecureModuleRecord, updated: SecureModuleRecord, action: str) -> SecureModuleRecord:
        """Saves everything but the balance, which only credit operations move."""
        stored = replace(updated, version=current.version + 1, balance_tenths=current.balance_tenths)
        stale = Conflict(f"secure module '{current.module_id}' changed meanwhile; retry")
        item = self._item(stored)
        del item["balance"]
        commit(
            self._store,
            [
                Guarded(
                    Increment(
                        self.partition,
                        current.module_id,
                        {"version": 1},
                        assign={"data": item["data"]},
                        condition=Condition(equals={"version": current.version}),
                    ),
                    stale,
                ),
                Guarded(
                    audit_put(
                        self._ctx,
                        AuditEntry(action, "secure-module", current.module_id, current.public(), stored.public()),
                    )
                ),
            ],
        )
        return stored

    def credit_change(self, module_id: str, delta_tenths: int) -> Guarded:
        """Adds (or with a negative delta, draws) credit; a draw never takes the balance below zero."""
        condition = Condition(must_exist=True) if delta_tenths >= 0 else Condition(at_least={"balance": -delta_tenths})
        exhausted = ModuleCreditExhausted(
            f"secure module '{module_id}' has not enough credit for {-delta_tenths / 10:.1f} kWh"
        )
        return Guarded(Increment(self.partition, module_id, {"balance": delta_tenths}, condition=condition), exhausted)

    def _item(self, record: SecureModuleRecord) -> Item:
        data = asdict(record)
        balance = data.pop("balance_tenths")
        version = data.pop("version")
        return {
            "pk": self.partition,
            "sk": record.module_id,
            "entity": "secure-module",
            "balance": balance,
            "version": version,
            "data": data,
        }


def _record(item: Item) -> SecureModuleRecord:
    return SecureModuleRecord(
        **item["data"], balance_tenths=int(item.get("balance", 0)), version=int(item.get("version", 1))
    )
