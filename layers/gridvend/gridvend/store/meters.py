"""Meters of a tenant: one item per meter (its state history inside it), reference counts on the meter
model and branch, optimistic versions, and state moves conditioned on the meter being as it was read.

Access patterns:
- meter by serial:                          pk=T#<t>#METER  sk=M#<serial>
- meters by serial prefix:                  pk=T#<t>#METER  sk begins with M#<prefix>
- stored serials between two (imports):     pk=T#<t>#METER  sk between M#<first> and M#<last>
- meters in a state, by serial:             gsi1pk=T#<t>#METER#ST#<state>  gsi1sk=<serial>
- meters of a branch, by state and serial:  gsi2pk=T#<t>#METER#BR#<branch>  gsi2sk=<state>#<serial>
- meters of a model / on a concentrator:    a filter on `search` (|md:<model>|cc:<concentrator>|) inside one
                                            of the queries above
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, NotFound
from gridvend.meters.model import HistoryEntry, Meter, snapshot
from gridvend.meters.states import MeterState
from gridvend.store.archives import ArchiveRepository, Reference
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.bulk import stored_keys
from gridvend.store.guarded import Guarded
from gridvend.store.items import Condition, Delete, Item, ItemStore, Put

MeterChange = tuple[Meter | None, Meter | None]  # (before, after): None before = new, None after = removed


@dataclass(frozen=True)
class MeterQuery:
    state: MeterState | None = None
    branch_id: str | None = None
    model_id: str | None = None
    concentrator_id: str | None = None
    serial_prefix: str | None = None


@dataclass(frozen=True)
class QueryPlan:
    partition: str
    index: Literal["gsi1", "gsi2"] | None
    sk_prefix: str | None
    filter_tokens: tuple[str, ...]  # the first is sent as the query's filter, the rest are applied here


def now_text() -> str:
    return utc_now().isoformat(timespec="milliseconds")


def search_text(meter: Meter) -> str:
    return (
        f"|sn:{meter.serial}|md:{meter.model_id}|br:{meter.branch_id or '-'}"
        f"|st:{meter.state.value}|cc:{meter.concentrator_id or '-'}|"
    )


def meter_references(meter: Meter | None) -> list[Reference]:
    if meter is None:
        return []
    references = [Reference("model_id", "meter-models", meter.model_id)]
    if meter.branch_id:
        references.append(Reference("branch_id", "branches", meter.branch_id))
    return references


class MeterRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._archives = ArchiveRepository(store, ctx)

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}METER"

    def key(self, serial: str) -> tuple[str, str]:
        return self.partition, f"M#{serial}"

    def get(self, serial: str) -> Meter | None:
        item = self._store.get(*self.key(serial))
        return _meter(item) if item else None

    def require(self, serial: str) -> Meter:
        meter = self.get(serial)
        if meter is None:
            raise NotFound(f"meter '{serial}' does not exist")
        return meter

    def plan(self, query: MeterQuery) -> QueryPlan:
        prefix = query.serial_prefix or ""
        tokens = [f"|md:{query.model_id}|"] if query.model_id else []
        if query.concentrator_id:
            tokens.append(f"|cc:{query.concentrator_id}|")
        if query.branch_id and query.state:
            branch = f"{self.partition}#BR#{query.branch_id}"
            return QueryPlan(branch, "gsi2", f"{query.state.value}#{prefix}", tuple(tokens))
        if query.state:
            return QueryPlan(f"{self.partition}#ST#{query.state.value}", "gsi1", prefix or None, tuple(tokens))
        if query.branch_id:
            serial_token = [f"|sn:{prefix}"] if prefix else []
            return QueryPlan(f"{self.partition}#BR#{query.branch_id}", "gsi2", None, (*serial_token, *tokens))
        return QueryPlan(self.partition, None, f"M#{prefix}", tuple(tokens))

    def page(
        self, query: MeterQuery, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[Meter], dict[str, str] | None]:
        """Filters beyond the first one are applied to the page, so a page may hold fewer than `limit`."""
        plan = self.plan(query)
        page = self._store.query(
            plan.partition,
            index=plan.index,
            sk_prefix=plan.sk_prefix,
            contains=("search", plan.filter_tokens[0]) if plan.filter_tokens else None,
            limit=limit,
            start_key=start_key,
        )
        meters = [_meter(item) for item in page.items]
        kept = [meter for meter in meters if all(token in search_text(meter) for token in plan.filter_tokens[1:])]
        return kept, page.next_key

    def existing_serials(self, serials: Iterable[str]) -> set[str]:
        return stored_keys(self._store, self.partition, "M#", serials)

    def moved(
        self, meter: Meter, to_state: MeterState, reason: str, bill_id: str | None = None, **changes: Any
    ) -> Meter:
        entry = HistoryEntry(now_text(), meter.state.value, to_state.value, reason, self._ctx.username, bill_id)
        return meter.moved(to_state, entry, **changes)

    def first_entry(self, state: MeterState, reason: str, bill_id: str | None = None) -> HistoryEntry:
        return HistoryEntry(now_text(), None, state.value, reason, self._ctx.username, bill_id)

    def state_change_operations(
        self,
        serial: str,
        from_states: Sequence[MeterState],
        to_state: MeterState,
        reason: str,
        *,
        bill_id: str | None = None,
        audited: bool = True,
        **changes: Any,
    ) -> list[Guarded]:
        """Moves one meter; the write holds only if the meter is still as read here, so in the state checked.
        For callers that add these operations to their own transaction (contracts, replacement, vending)."""
        current = self.require(serial)
        if current.state not in from_states:
            raise wrong_state(current, from_states)
        updated = self.moved(current, to_state, reason, bill_id, **changes)
        operations = self.changes_operations([(current, updated)])
        if audited:
            operations.append(self.audit(reason, current, updated))
        return operations

    def changes_operations(self, changes: Sequence[MeterChange]) -> list[Guarded]:
        """Creates, updates and removes meters; reference counts on models and branches in one increment each."""
        operations: list[Guarded] = []
        removed: list[Reference] = []
        added: list[Reference] = []
        moment = now_text()
        for before, after in changes:
            if before is None and after is not None:
                operations.append(self._creation(replace(after, version=1, created_at=moment, updated_at=moment)))
            elif before is not None and after is None:
                operations.append(self._deletion(before))
            elif before is not None and after is not None:
                operations.append(self._update(before, replace(after, updated_at=moment)))
            removed += meter_references(before)
            added += meter_references(after)
        return operations + self._archives.reference_changes(removed, added)

    def audit(self, action: str, before: Meter | None, after: Meter | None) -> Guarded:
        serial = (after or before).serial  # type: ignore[union-attr]
        entry = AuditEntry(
            action, "meter", serial, snapshot(before) if before else None, snapshot(after) if after else None
        )
        return Guarded(audit_put(self._ctx, entry))

    def item(self, meter: Meter) -> Item:
        item: Item = {
            "pk": self.partition,
            "sk": f"M#{meter.serial}",
            "gsi1pk": f"{self.partition}#ST#{meter.state.value}",
            "gsi1sk": meter.serial,
            "entity": "meter",
            "search": search_text(meter),
            "version": meter.version,
            "data": meter.stored(),
        }
        if meter.branch_id:
            item["gsi2pk"] = f"{self.partition}#BR#{meter.branch_id}"
            item["gsi2sk"] = f"{meter.state.value}#{meter.serial}"
        return item

    def _creation(self, meter: Meter) -> Guarded:
        duplicate = Conflict(f"meter '{meter.serial}' already exists", [FieldProblem("serial", "already exists")])
        return Guarded(Put(self.item(meter), Condition.absent()), duplicate)

    def _update(self, current: Meter, updated: Meter) -> Guarded:
        stale = Conflict(f"meter '{current.serial}' was changed meanwhile; reload and retry")
        stored = replace(updated, version=current.version + 1)
        return Guarded(Put(self.item(stored), Condition(must_exist=True, equals={"version": current.version})), stale)

    def _deletion(self, current: Meter) -> Guarded:
        stale = Conflict(f"meter '{current.serial}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Delete(self.partition, f"M#{current.serial}", condition), stale)


def wrong_state(meter: Meter, expected: Sequence[MeterState]) -> Conflict:
    wanted = " or ".join(state.value for state in expected)
    message = f"meter '{meter.serial}' is {meter.state.value}, not {wanted}"
    return Conflict(message, [FieldProblem("serial", message)])


def _meter(item: Item) -> Meter:
    return Meter.from_stored(item["data"], int(item.get("version", 1)))
