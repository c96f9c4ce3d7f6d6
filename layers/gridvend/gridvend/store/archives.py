"""Archive records of a tenant: unique codes, reference counts that block deleting what is in use,
optimistic versions, and an audit entry in the same transaction as each change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, InvalidInput, NotFound
from gridvend.ids import new_id
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, Delete, Increment, Item, ItemStore, Put
from gridvend.store.read_cache import read_cache

ROOT_PARENT = "ROOT"


@dataclass(frozen=True)
class Reference:
    field: str
    kind: str
    record_id: str


@dataclass(frozen=True)
class ArchiveRecord:
    kind: str
    record_id: str
    code: str
    name: str
    data: dict[str, Any]
    version: int
    ref_count: int
    created_at: str
    updated_at: str

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.record_id, **self.data, "version": self.version}


class ArchiveRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def tenant_id(self) -> str:
        return self._ctx.tenant_id

    def partition(self, kind: str) -> str:
        return f"{self._ctx.key_prefix}ARC#{kind}"

    def get(self, kind: str, record_id: str) -> ArchiveRecord | None:
        item = self._store.get(self.partition(kind), f"R#{record_id}")
        return _record(kind, item) if item else None

    def require(self, kind: str, record_id: str) -> ArchiveRecord:
        record = self.get(kind, record_id)
        if record is None:
            raise NotFound(f"{kind} '{record_id}' does not exist")
        return record

    def get_by_code(self, kind: str, code: str) -> ArchiveRecord | None:
        guard = self._store.get(self.partition(kind), f"C#{code.upper()}")
        return self.get(kind, guard["data"]["id"]) if guard else None

    def recent(self, kind: str, record_id: str) -> ArchiveRecord | None:
        """`get` through the process's short-lived read cache (gridvend.store.read_cache): for hot paths such as
        the vend, which may see another process's change up to the cache's TTL late."""
        return read_cache(self._store).remembered(
            self._ctx.tenant_id, _cache_namespace(kind), f"R#{record_id}", lambda: self.get(kind, record_id)
        )

    def recent_by_code(self, kind: str, code: str) -> ArchiveRecord | None:
        """`get_by_code` through the read cache, as `recent`."""
        return read_cache(self._store).remembered(
            self._ctx.tenant_id, _cache_namespace(kind), f"C#{code.upper()}", lambda: self.get_by_code(kind, code)
        )

    def page(
        self,
        kind: str,
        *,
        limit: int,
        start_key: dict[str, str] | None,
        contains: str | None = None,
        name_prefix: str | None = None,
        parent_id: str | None = None,
    ) -> tuple[list[ArchiveRecord], dict[str, str] | None]:
        if parent_id is not None:
            page = self._store.query(
                f"{self.partition(kind)}#P#{parent_id}", index="gsi2", limit=limit, start_key=start_key
            )
        elif name_prefix is not None:
            page = self._store.query(
                self.partition(kind),
                index="gsi1",
                sk_prefix=name_prefix.lower(),
                limit=limit,
                start_key=start_key,
            )
        else:
            page = self._store.query(
                self.partition(kind),
                sk_prefix="R#",
                contains=("search", contains.lower()) if contains else None,
                limit=limit,
                start_key=start_key,
            )
        return [_record(kind, item) for item in page.items], page.next_key

    def create(
        self,
        kind: str,
        code: str,
        name: str,
        data: dict[str, Any],
        references: list[Reference],
        parent_id: str | None = None,
    ) -> ArchiveRecord:
        record_id = new_id()
        now = utc_now().isoformat(timespec="milliseconds")
        record = ArchiveRecord(kind, record_id, code, name, data, 1, 0, now, now)
        operations: list[Guarded] = [
            Guarded(Put(self._item(record, parent_id), Condition.absent())),
            Guarded(Put(self._code_guard(kind, code, record_id), Condition.absent()), _duplicate_code(code)),
            *self.reference_changes([], references),
            Guarded(audit_put(self._ctx, AuditEntry("create", kind, record_id, None, record.snapshot()))),
        ]
        self._commit(kind, operations)
        return record

    def update(
        self,
        current: ArchiveRecord,
        code: str,
        name: str,
        data: dict[str, Any],
        old_references: list[Reference],
        new_references: list[Reference],
        parent_id: str | None = None,
    ) -> ArchiveRecord:
        now = utc_now().isoformat(timespec="milliseconds")
        updated = ArchiveRecord(
            current.kind,
            current.record_id,
            code,
            name,
            data,
            current.version + 1,
            current.ref_count,
            current.created_at,
            now,
        )
        kind = current.kind
        stale = Conflict(f"{kind} '{current.record_id}' was changed by someone else; reload and retry")
        item = self._item(updated, parent_id)
        operations: list[Guarded] = [
            Guarded(Put(item, Condition(must_exist=True, equals={"version": current.version})), stale),
        ]
        if code.upper() != current.code.upper():
            operations.append(Guarded(Delete(self.partition(kind), f"C#{current.code.upper()}")))
            operations.append(
                Guarded(
                    Put(self._code_guard(kind, code, current.record_id), Condition.absent()),
                    _duplicate_code(code),
                )
            )
        operations += self.reference_changes(old_references, new_references)
        operations.append(
            Guarded(
                audit_put(
                    self._ctx,
                    AuditEntry("update", kind, current.record_id, current.snapshot(), updated.snapshot()),
                )
            )
        )
        self._commit(kind, operations)
        return updated

    def delete(self, current: ArchiveRecord, references: list[Reference]) -> None:
        kind = current.kind
        in_use = Conflict(f"{kind} '{current.record_id}' is in use by other records and cannot be deleted")
        operations: list[Guarded] = [
            Guarded(
                Delete(
                    self.partition(kind),
                    f"R#{current.record_id}",
                    Condition(must_exist=True, equals={"version": current.version}, at_most={"ref_count": 0}),
                ),
                in_use,
            ),
            Guarded(Delete(self.partition(kind), f"C#{current.code.upper()}")),
            *self.reference_changes(references, []),
            Guarded(audit_put(self._ctx, AuditEntry("delete", kind, current.record_id, current.snapshot()))),
        ]
        self._commit(kind, operations)

    def _commit(self, kind: str, operations: list[Guarded]) -> None:
        try:
            commit(self._store, operations)
        finally:
            read_cache(self._store).forget(self._ctx.tenant_id, _cache_namespace(kind))

    def reference_changes(self, removed: list[Reference], added: list[Reference]) -> list[Guarded]:
        """One increment per referenced record (DynamoDB allows one operation per item in a transaction)."""
        deltas: dict[tuple[str, str], int] = {}
        first_field: dict[tuple[str, str], str] = {}
        for references, delta in ((removed, -1), (added, +1)):
            for ref in references:
                target = (ref.kind, ref.record_id)
                deltas[target] = deltas.get(target, 0) + delta
                first_field.setdefault(target, ref.field)
        changes: list[Guarded] = []
        for (kind, record_id), delta in deltas.items():
            if delta == 0:
                continue
            missing = InvalidInput.for_field(first_field[(kind, record_id)], f"{kind} '{record_id}' does not exist")
            increment = Increment(
                self.partition(kind), f"R#{record_id}", {"ref_count": delta}, condition=Condition.present()
            )
            changes.append(Guarded(increment, missing if delta > 0 else None))
        return changes

    def _item(self, record: ArchiveRecord, parent_id: str | None) -> Item:
        partition = self.partition(record.kind)
        return {
            "pk": partition,
            "sk": f"R#{record.record_id}",
            "gsi1pk": partition,
            "gsi1sk": f"{record.name.lower()}#{record.record_id}",
            "gsi2pk": f"{partition}#P#{parent_id or ROOT_PARENT}",
            "gsi2sk": record.record_id,
            "entity": f"archive:{record.kind}",
            "search": f"{record.code} {record.name}".lower(),
            "version": record.version,
            "ref_count": record.ref_count,
            "data": {
                "code": record.code,
                "name": record.name,
                "fields": record.data,
                "created_at": record.created_at,
                "updated_at": record.updated_at,
            },
        }

    def _code_guard(self, kind: str, code: str, record_id: str) -> Item:
        return {
            "pk": self.partition(kind),
            "sk": f"C#{code.upper()}",
            "entity": "code-guard",
            "data": {"id": record_id},
        }


def _cache_namespace(kind: str) -> str:
    return f"archives:{kind}"


def _duplicate_code(code: str) -> Conflict:
    return Conflict(f"code '{code}' is already used", [FieldProblem("code", "already used")])


def _record(kind: str, item: Item) -> ArchiveRecord:
    data = item["data"]
    return ArchiveRecord(
        kind=kind,
        record_id=item["sk"].removeprefix("R#"),
        code=data["code"],
        name=data["name"],
        data=data.get("fields") or {},
        version=int(item.get("version", 1)),
        ref_count=int(item.get("ref_count", 0)),
        created_at=data["created_at"],
        updated_at=data["updated_at"],
    )
