"""Numbers from the tenant's numbering rules for customer codes and operation records.

A number is taken in its own small transaction before the operation it numbers; if that operation then
fails, the number is skipped (a gap), which numbering rules of this kind allow."""

from __future__ import annotations

from datetime import date

from gridvend.auth.context import TenantContext
from gridvend.bills.numbering import NumberingRule, counter_period, format_number
from gridvend.errors import Conflict
from gridvend.store.archives import ArchiveRepository
from gridvend.store.bills import BillRepository, CounterMoved
from gridvend.store.guarded import commit
from gridvend.store.items import ItemStore

ATTEMPTS = 5


def local_today(ctx: TenantContext) -> date:
    return ctx.calendar.today()


class Numbers:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._archives = ArchiveRepository(store, ctx)
        self._counters = BillRepository(store, ctx)

    def rule(self, code: str) -> NumberingRule | None:
        record = self._archives.get_by_code("numbering-rules", code)
        return NumberingRule.from_archive(record.code, record.data) if record else None

    def take(self, code: str) -> str | None:
        """The next number of rule `code`, or None when the tenant has no such rule."""
        rule = self.rule(code)
        if rule is None:
            return None
        for _ in range(ATTEMPTS):
            day = local_today(self._ctx)
            period = counter_period(rule, day)
            taken = self._counters.counter(rule.code, period)
            try:
                commit(self._store, [self._counters.counter_step(rule.code, period, taken)])
            except CounterMoved:
                continue
            return format_number(rule, taken + 1, day)
        raise Conflict("numbers are being taken too fast; retry")
