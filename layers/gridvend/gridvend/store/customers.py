"""Customers of a tenant, keyed by their unique code, the records of what was done for them
(registration, contracts added or cancelled, replacements, pay-type changes, settlements), and their IC
cards (access patterns listed with CardRepository below).

Access patterns:
- customer by code:                  pk=T#<t>#CUST  sk=C#<CODE>
- customers by code prefix / all:    pk=T#<t>#CUST  sk begins with C#<prefix>
- customers by name prefix:          gsi1pk=T#<t>#CUST#NAME  gsi1sk=<lower-case name>#<CODE>
- customers by phone (prefix):       gsi2pk=T#<t>#CUST#PHONE  gsi2sk=<phone digits>#<CODE>
- customer by meter serial:          the meter's contract (store/contracts.py), then the customer by code
- operation record by id:            pk=T#<t>#CUSTOP  sk=O#<id>
- operation records of a customer:   gsi1pk=T#<t>#CUSTOP#C#<CODE>  gsi1sk=<id>  (ids sort by time)
- operation records of a type:       gsi2pk=T#<t>#CUSTOP#T#<type>  gsi2sk=<id>
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.customers.card_model import Card
from gridvend.customers.model import Customer
from gridvend.errors import Conflict, FieldProblem, NotFound
from gridvend.ids import new_id
from gridvend.store.archives import Reference
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded
from gridvend.store.items import Check, Condition, Delete, Item, ItemStore, Put


def now_text() -> str:
    return utc_now().isoformat(timespec="milliseconds")


def normal_code(code: str) -> str:
    return code.strip().upper()


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


@dataclass(frozen=True)
class CustomerQuery:
    code_prefix: str | None = None
    name_prefix: str | None = None
    phone_prefix: str | None = None


@dataclass(frozen=True)
class CustomerPlan:
    partition: str
    index: Literal["gsi1", "gsi2"] | None
    sk_prefix: str


def customer_references(customer: Customer | None) -> list[Reference]:
    if customer is None:
        return []
    references = [Reference("customer_type_id", "customer-types", customer.customer_type_id)]
    if customer.region_id:
        references.append(Reference("region_id", "regions", customer.region_id))
    if customer.bank_id:
        references.append(Reference("bank_id", "banks", customer.bank_id))
    return references


class CustomerRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}CUST"

    def key(self, code: str) -> tuple[str, str]:
        return self.partition, f"C#{normal_code(code)}"

    def get(self, code: str) -> Customer | None:
        item = self._store.get(*self.key(code))
        return Customer.from_stored(item["data"], int(item.get("version", 1))) if item else None

    def require(self, code: str) -> Customer:
        customer = self.get(code)
        if customer is None:
            raise NotFound(f"customer '{normal_code(code)}' does not exist")
        return customer

    def plan(self, query: CustomerQuery) -> CustomerPlan:
        if query.name_prefix:
            return CustomerPlan(f"{self.partition}#NAME", "gsi1", query.name_prefix.strip().lower())
        if query.phone_prefix:
            return CustomerPlan(f"{self.partition}#PHONE", "gsi2", phone_digits(query.phone_prefix))
        return CustomerPlan(self.partition, None, f"C#{normal_code(query.code_prefix or '')}")

    def page(
        self, query: CustomerQuery, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[Customer], dict[str, str] | None]:
        plan = self.plan(query)
        page = self._store.query(
            plan.partition, index=plan.index, sk_prefix=plan.sk_prefix, limit=limit, start_key=start_key
        )
        return [Customer.from_stored(item["data"], int(item.get("version", 1))) for item in page.items], page.next_key

    def creation(self, customer: Customer) -> Guarded:
        taken = Conflict(
            f"customer code '{customer.code}' is already used", [FieldProblem("customer.code", "already used")]
        )
        return Guarded(Put(self.item(customer), Condition.absent()), taken)

    def save(self, current: Customer, updated: Customer) -> Guarded:
        stored = replace(updated, version=current.version + 1, updated_at=now_text())
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Put(self.item(stored), condition), self._stale(current))

    def deletion(self, current: Customer) -> Guarded:
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Delete(self.partition, f"C#{current.code}", condition), self._stale(current))

    def unchanged(self, current: Customer) -> Guarded:
        """For a transaction that relies on the customer as read (status, type) without changing it."""
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Check(self.partition, f"C#{current.code}", condition), self._stale(current))

    def audit(self, action: str, before: Customer | None, after: Customer | None) -> Guarded:
        subject = after or before
        assert subject is not None
        entry = AuditEntry(
            action, "customer", subject.code, before.public() if before else None, after.public() if after else None
        )
        return Guarded(audit_put(self._ctx, entry))

    def item(self, customer: Customer) -> Item:
        item: Item = {
            "pk": self.partition,
            "sk": f"C#{customer.code}",
            "gsi1pk": f"{self.partition}#NAME",
            "gsi1sk": f"{customer.name.lower()}#{customer.code}",
            "entity": "customer",
            "version": customer.version,
            "data": customer.stored(),
        }
        digits = phone_digits(customer.phone)
        if digits:
            item["gsi2pk"] = f"{self.partition}#PHONE"
            item["gsi2sk"] = f"{digits}#{customer.code}"
        return item

    def _stale(self, current: Customer) -> Conflict:
        return Conflict(f"customer '{current.code}' was changed meanwhile; reload and retry")


class OperationRecords:
    """One record per business operation on a customer: what it was, its number, charges and payment."""

    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}CUSTOP"

    def new(
        self,
        operation: str,
        customer_code: str,
        details: dict[str, Any],
        number: str | None = None,
        record_id: str | None = None,
    ) -> tuple[dict[str, Any], Guarded]:
        record_id = record_id or new_id()
        record = {
            "id": record_id,
            "type": operation,
            "number": number or record_id,
            "customer_code": customer_code,
            "at": now_text(),
            "by": self._ctx.username,
            **details,
        }
        item: Item = {
            "pk": self.partition,
            "sk": f"O#{record_id}",
            "gsi1pk": f"{self.partition}#C#{customer_code}",
            "gsi1sk": record_id,
            "gsi2pk": f"{self.partition}#T#{operation}",
            "gsi2sk": record_id,
            "entity": f"customer-operation:{operation}",
            "data": record,
        }
        return record, Guarded(Put(item, Condition.absent()))

    def get(self, record_id: str) -> dict[str, Any] | None:
        item = self._store.get(self.partition, f"O#{record_id}")
        return dict(item["data"]) if item else None

    def amended(self, record: dict[str, Any], changes: dict[str, Any]) -> Guarded:
        """Rewrites a record with `changes` (e.g. a replacement's remainder once a vend delivered it)."""
        updated = {**record, **changes}
        stale = Conflict(f"record '{record['id']}' was changed meanwhile; retry")
        item = self._store.get(self.partition, f"O#{record['id']}")
        if item is None:
            raise stale
        return Guarded(Put({**item, "data": updated}, Condition(must_exist=True)), stale)

    def partition_for(self, customer_code: str | None, operation: str | None) -> tuple[str, Literal["gsi1", "gsi2"]]:
        if customer_code is not None:
            return f"{self.partition}#C#{normal_code(customer_code)}", "gsi1"
        return f"{self.partition}#T#{operation}", "gsi2"

    def page(
        self,
        *,
        customer_code: str | None = None,
        operation: str | None = None,
        limit: int,
        start_key: dict[str, str] | None,
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        partition, index = self.partition_for(customer_code, operation)
        page = self._store.query(partition, index=index, limit=limit, start_key=start_key, newest_first=True)
        records = [dict(item["data"]) for item in page.items]
        if customer_code is not None and operation is not None:
            records = [record for record in records if record["type"] == operation]
        return records, page.next_key


class CardRepository:
    """IC cards of a tenant.

    Access patterns:
    - card by number:               pk=T#<t>#CARD  sk=K#<card no>
    - cards in a status:            gsi1pk=T#<t>#CARD#ST#<status>  gsi1sk=<card no>
    - cards of a customer:          gsi2pk=T#<t>#CARD#C#<CODE>  gsi2sk=<card no>
    """

    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}CARD"

    def get(self, card_no: str) -> Card | None:
        item = self._store.get(self.partition, f"K#{card_no}")
        return Card.from_stored(item["data"], int(item.get("version", 1))) if item else None

    def require(self, card_no: str) -> Card:
        card = self.get(card_no)
        if card is None:
            raise NotFound(f"card '{card_no}' does not exist")
        return card

    def list_partition(
        self, status: str | None, customer_code: str | None
    ) -> tuple[str, Literal["gsi1", "gsi2"] | None]:
        if customer_code:
            return f"{self.partition}#C#{normal_code(customer_code)}", "gsi2"
        if status:
            return f"{self.partition}#ST#{status}", "gsi1"
        return self.partition, None

    def page(
        self, status: str | None, customer_code: str | None, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[Card], dict[str, str] | None]:
        partition, index = self.list_partition(status, customer_code)
        page = self._store.query(
            partition, index=index, sk_prefix=None if index else "K#", limit=limit, start_key=start_key
        )
        cards = [Card.from_stored(item["data"], int(item.get("version", 1))) for item in page.items]
        if customer_code and status:
            cards = [card for card in cards if card.status.value == status]
        return cards, page.next_key

    def creation(self, card: Card, field_name: str) -> Guarded:
        taken = Conflict(
            f"card '{card.card_no}' is already registered", [FieldProblem(field_name, "already registered")]
        )
        return Guarded(Put(self._item(card), Condition.absent()), taken)

    def save(self, current: Card, updated: Card) -> Guarded:
        stored = replace(updated, version=current.version + 1, updated_at=now_text())
        stale = Conflict(f"card '{current.card_no}' was changed meanwhile; reload and retry")
        condition = Condition(must_exist=True, equals={"version": current.version})
        return Guarded(Put(self._item(stored), condition), stale)

    def audit(self, action: str, before: Card | None, after: Card | None) -> Guarded:
        subject = after or before
        assert subject is not None
        entry = AuditEntry(
            action, "card", subject.card_no, before.public() if before else None, after.public() if after else None
        )
        return Guarded(audit_put(self._ctx, entry))

    def _item(self, card: Card) -> Item:
        item: Item = {
            "pk": self.partition,
            "sk": f"K#{card.card_no}",
            "gsi1pk": f"{self.partition}#ST#{card.status.value}",
            "gsi1sk": card.card_no,
            "entity": "card",
            "version": card.version,
            "data": card.stored(),
        }
        if card.customer_code:
            item["gsi2pk"] = f"{self.partition}#C#{card.customer_code}"
            item["gsi2sk"] = card.card_no
        return item
