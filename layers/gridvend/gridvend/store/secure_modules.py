"""A tenant's secure modules: which backend, which office, which keys (never the key bytes), and the
credit balance that vends draw down inside their own transactions.

Access patterns:
- module by id:           pk=T#<t>#SM  sk=<module id>   (`balance` = credit in tenths of a kWh)
- every module of tenant: pk=T#<t>#SM  (a tenant has few)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, FieldProblem, NotFound, Unprocessable
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Busy, Guarded, commit
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put
from gridvend.store.read_cache import read_cache

CACHE_NAMESPACE = "secure-modules"
CREDIT_TRANSFER_ATTEMPTS = 8


class ModuleCreditExhausted(Unprocessable):
    title = "Secure module credit exhausted"


class CreditMoved(Conflict):
    """The balance changed between a transfer's read and its write."""


@dataclass(frozen=True)
class SecureModuleRecord:
    module_id: str
    name: str
    backend: str  # software | pkcs11 | bridge
    office: str | None = None
    is_default: bool = False
    keys: list[dict[str, Any]] = field(default_factory=list)  # VendingKeyInfo as shown: sgc, krn, type, ...
    balance_tenths: int = 0
    wrapped_data_key: str = ""  # software backend: its data key, wrapped by the key service (hex)
    version: int = 1

    def public(self) -> dict[str, Any]:
        shown = asdict(self)
        del shown["wrapped_data_key"]
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

    def recent_default(self) -> SecureModuleRecord | None:
        """`default` through the process's short-lived read cache (gridvend.store.read_cache), for the vend: which
        module and backend sell. Its balance may be stale; vends draw credit with a condition, never from it."""
        return read_cache(self._store).remembered(self._ctx.tenant_id, CACHE_NAMESPACE, "default", self.default)

    def recent(self, module_id: str) -> SecureModuleRecord | None:
        """`get` through the read cache, as `recent_default`."""
        return read_cache(self._store).remembered(
            self._ctx.tenant_id, CACHE_NAMESPACE, f"M#{module_id}", lambda: self.get(module_id)
        )

    def create(self, record: SecureModuleRecord) -> SecureModuleRecord:
        taken = Conflict(f"secure module '{record.module_id}' exists", [FieldProblem("id", "already used")])
        self._commit(
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
        self._commit(
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

    def set_credit(
        self, module_id: str, balance_after: Callable[[int], int], action: str = "credit"
    ) -> SecureModuleRecord:
        """Moves the balance to `balance_after(balance as read)` (tenths), written only if the balance is still
        as read: a vend or transfer that moved it in between makes the transfer read and compute again (a few
        times, then a 409). So a "replace" ends exactly at its amount, and two transfers never mix."""
        for _ in range(CREDIT_TRANSFER_ATTEMPTS):
            current = self.require(module_id)
            target = balance_after(current.balance_tenths)
            moved = CreditMoved(f"the credit of secure module '{module_id}' changed meanwhile")
            change = Increment(
                self.partition,
                module_id,
                {"balance": target - current.balance_tenths},
                condition=Condition(equals={"balance": current.balance_tenths}),
            )
            entry = AuditEntry(
                action,
                "secure-module",
                module_id,
                {"balance_kwh": f"{current.balance_tenths / 10:.1f}"},
                {"balance_kwh": f"{target / 10:.1f}"},
            )
            try:
                commit(self._store, [Guarded(change, moved), Guarded(audit_put(self._ctx, entry))])
            except (CreditMoved, Busy):
                continue
            return replace(current, balance_tenths=target)
        raise Conflict(f"the credit of secure module '{module_id}' keeps changing (vends under way); retry")

    def _commit(self, operations: list[Guarded]) -> None:
        try:
            commit(self._store, operations)
        finally:
            read_cache(self._store).forget(self._ctx.tenant_id, CACHE_NAMESPACE)

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
