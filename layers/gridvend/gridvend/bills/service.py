"""Bill use cases, whatever the type: number and draft, edit or delete a draft, check and uncheck.
Checking needs `bills:check`, unchecking `bills:uncheck`; a checked bill cannot change until unchecked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.bills.handler import BillHandler
from gridvend.bills.model import Bill, BillContent, BillStatus
from gridvend.bills.numbering import NumberingRule, counter_period, format_number
from gridvend.clock import utc_now
from gridvend.errors import Conflict, InvalidInput
from gridvend.ids import new_id
from gridvend.store.archives import ArchiveRepository
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.bills import BillRepository, CounterMoved
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import ItemStore

TRANSACTION_LIMIT = 100  # DynamoDB's item limit for one TransactWriteItems call
NUMBER_ATTEMPTS = 5
NUMBER_PATTERN_MAX = 40


class BillService:
    def __init__(self, store: ItemStore, ctx: TenantContext, handlers: Sequence[BillHandler]) -> None:
        self._store = store
        self._ctx = ctx
        self._handlers = {handler.bill_type: handler for handler in handlers}
        self.bills = BillRepository(store, ctx)
        self._archives = ArchiveRepository(store, ctx)

    @property
    def bill_types(self) -> tuple[str, ...]:
        return tuple(self._handlers)

    def get(self, bill_id: str) -> Bill:
        return self.bills.require(bill_id, self.bill_types)

    def create(self, bill_type: str, payload: dict[str, Any]) -> Bill:
        handler = self._handlers[bill_type]
        manual_number = payload.pop("number", None)
        content = handler.prepare(payload)
        rule = self._numbering_rule(handler)
        if rule is None:
            if not isinstance(manual_number, str) or not 1 <= len(manual_number.strip()) <= NUMBER_PATTERN_MAX:
                codes = " or ".join(handler.numbering_codes)
                raise InvalidInput.for_field("number", f"required: the tenant has no numbering rule {codes}")
            return self._create(bill_type, content, manual_number.strip(), [])
        if manual_number is not None:
            raise InvalidInput.for_field("number", f"set by the numbering rule '{rule.code}'")
        for _ in range(NUMBER_ATTEMPTS):
            day = local_today(self._ctx)
            period = counter_period(rule, day)
            taken = self.bills.counter(rule.code, period)
            number = format_number(rule, taken + 1, day, *self._number_codes(content))
            try:
                return self._create(bill_type, content, number, [self.bills.counter_step(rule.code, period, taken)])
            except CounterMoved:
                continue
        raise Conflict("bill numbers are being taken too fast; retry")

    def update(self, bill_id: str, changes: dict[str, Any]) -> Bill:
        current = self.get(bill_id)
        expected_version = changes.pop("version", None)
        if expected_version is not None and expected_version != current.version:
            raise Conflict(f"bill '{current.number}' is at version {current.version}, not {expected_version}")
        _refuse_checked(current, "edited")
        handler = self._handlers[current.bill_type]
        content = handler.prepare(handler.payload(current, changes))
        updated = replace(
            current,
            header=content.header,
            lines=content.lines,
            search_terms=content.search_terms,
            updated_at=_now(),
        )
        self._commit_change(current, updated, "update")
        return self.get(bill_id)

    def delete(self, bill_id: str) -> None:
        current = self.get(bill_id)
        _refuse_checked(current, "deleted")
        operations = self.bills.deletion_operations(current)
        operations.append(self._audit("delete", current, None))
        commit(self._store, operations)

    def check(self, bill_id: str) -> Bill:
        self._ctx.require("bills", "check")
        current = self.get(bill_id)
        if current.status is BillStatus.CHECKED:
            raise Conflict(f"bill '{current.number}' is already checked")
        outcome = self._handlers[current.bill_type].check(current)
        checked = replace(
            current, status=BillStatus.CHECKED, effects=outcome.effects, checked_by=self._ctx.username,
            checked_at=_now(),
        )
        self._commit_change(current, checked, "check", outcome.operations)
        return self.get(bill_id)

    def uncheck(self, bill_id: str) -> Bill:
        self._ctx.require("bills", "uncheck")
        current = self.get(bill_id)
        if current.status is not BillStatus.CHECKED:
            raise Conflict(f"bill '{current.number}' is not checked")
        undo = self._handlers[current.bill_type].uncheck(current)
        draft = replace(current, status=BillStatus.DRAFT, effects={}, checked_by=None, checked_at=None)
        self._commit_change(current, draft, "uncheck", undo)
        return self.get(bill_id)

    def page(
        self, bill_type: str, status: BillStatus | None, *, term: str | None, limit: int,
        start_key: dict[str, str] | None,
    ) -> tuple[list[Bill], dict[str, str] | None]:
        return self.bills.page(bill_type, status, term=term, limit=limit, start_key=start_key)

    def _create(self, bill_type: str, content: BillContent, number: str, extra: list[Guarded]) -> Bill:
        moment = _now()
        bill = Bill(
            bill_id=new_id(),
            bill_type=bill_type,
            number=number,
            status=BillStatus.DRAFT,
            header=content.header,
            lines=content.lines,
            search_terms=content.search_terms,
            created_by=self._ctx.username,
            created_at=moment,
            updated_at=moment,
        )
        commit(self._store, [*extra, *self.bills.creation_operations(bill), self._audit("create", None, bill)])
        return bill

    def _commit_change(self, current: Bill, updated: Bill, action: str, effects: Sequence[Guarded] = ()) -> None:
        stale = Conflict(f"bill '{current.number}' was changed meanwhile; reload and retry")
        operations = [
            *effects,
            self.bills.save_operation(current, updated, stale),
            self._audit(action, current, updated),
        ]
        if len(operations) > TRANSACTION_LIMIT:
            raise InvalidInput.for_field(
                "lines",
                f"checking this bill needs {len(operations)} writes in one transaction; DynamoDB allows "
                f"{TRANSACTION_LIMIT}: split the bill",
            )
        commit(self._store, operations)

    def _audit(self, action: str, before: Bill | None, after: Bill | None) -> Guarded:
        subject = after or before
        assert subject is not None
        entry = AuditEntry(
            action,
            f"bill:{subject.bill_type}",
            subject.bill_id,
            before.snapshot() if before else None,
            after.snapshot() if after else None,
        )
        return Guarded(audit_put(self._ctx, entry))

    def _numbering_rule(self, handler: BillHandler) -> NumberingRule | None:
        for code in handler.numbering_codes:
            record = self._archives.get_by_code("numbering-rules", code)
            if record is not None:
                return NumberingRule.from_archive(record.code, record.data)
        return None

    def _number_codes(self, content: BillContent) -> tuple[str, str]:
        branch = self._archives.get("branches", content.branch_id) if content.branch_id else None
        point_id = self._ctx.sales_point_id
        point = self._archives.get("sales-points", point_id) if point_id else None
        return (branch.code if branch else "", point.code if point else "")


def local_today(ctx: TenantContext) -> date:
    """Bill dates and number periods follow the tenant's calendar, not UTC's."""
    return ctx.calendar.today()


def _refuse_checked(bill: Bill, what: str) -> None:
    if bill.status is BillStatus.CHECKED:
        raise Conflict(f"bill '{bill.number}' is checked and cannot be {what}; uncheck it first")


def _now() -> str:
    return utc_now().isoformat(timespec="milliseconds")
