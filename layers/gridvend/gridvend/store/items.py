"""The storage port: items, pages, conditional writes and all-or-nothing transactions over one table.

Repositories are written against `ItemStore`; `DynamoItemStore` (PynamoDB) and `MemoryItemStore` implement it,
and one contract test suite runs against both.

Access patterns (table `pk`/`sk` and the overloaded GSIs `gsi1`, `gsi2`):
- records of an archive kind:           pk=T#<t>#ARC#<kind>   sk=R#<id>
- unique code guard of a kind:           pk=T#<t>#ARC#<kind>   sk=C#<code>
- archive records by name prefix:        gsi1pk=T#<t>#ARC#<kind>  gsi1sk=<lower-case name>
- children of a parent record:           gsi2pk=T#<t>#ARC#<kind>#P#<parent id>  gsi2sk=<id>
- the tenant registry (platform):        pk=T#platform#TENANT  sk=<tenant id>
- operators (users) of a tenant:         pk=T#<t>#USER  sk=<username>
- login log:                             pk=T#<t>#LOGIN#<yyyy-mm>  sk=<iso time>#<id>
- audit trail:                           pk=T#<t>#AUDIT#<yyyy-mm>  sk=<iso time>#<id>
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Item = dict[str, Any]
KEY_ATTRIBUTES = ("pk", "sk")
INDEXES: dict[str, tuple[str, str]] = {"gsi1": ("gsi1pk", "gsi1sk"), "gsi2": ("gsi2pk", "gsi2sk")}


@dataclass(frozen=True)
class Condition:
    """A condition on the item as it is before the write; all parts must hold."""

    must_exist: bool | None = None
    equals: dict[str, Any] = field(default_factory=dict)
    at_most: dict[str, int] = field(default_factory=dict)
    at_least: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def absent() -> Condition:
        return Condition(must_exist=False)

    @staticmethod
    def present() -> Condition:
        return Condition(must_exist=True)


@dataclass(frozen=True)
class Put:
    item: Item
    condition: Condition | None = None


@dataclass(frozen=True)
class Delete:
    pk: str
    sk: str
    condition: Condition | None = None


@dataclass(frozen=True)
class Increment:
    """Adds `amounts` to number attributes (missing ones count as 0) and sets `assign` attributes."""

    pk: str
    sk: str
    amounts: dict[str, int]
    assign: dict[str, Any] = field(default_factory=dict)
    condition: Condition | None = None


@dataclass(frozen=True)
class Check:
    pk: str
    sk: str
    condition: Condition


WriteOp = Put | Delete | Increment | Check


@dataclass(frozen=True)
class Page:
    items: list[Item]
    next_key: dict[str, str] | None


class TransactionConflict(Exception):
    """A condition of the transaction failed; `failed` holds the indexes of the operations whose did."""

    def __init__(self, failed: Sequence[int]) -> None:
        super().__init__(f"transaction condition failed at operations {list(failed)}")
        self.failed = list(failed)


class TransactionRaced(Exception):
    """Another transaction was writing the same items at that moment (DynamoDB's TransactionConflict);
    nothing was written, and the same transaction may succeed when tried again."""


class ItemStore(abc.ABC):
    @abc.abstractmethod
    def get(self, pk: str, sk: str) -> Item | None: ...

    @abc.abstractmethod
    def batch_get(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        """Strongly consistent reads of many items in one round trip where the store allows (BatchGetItem):
        the item of each (pk, sk) in the order asked, None where there is none; a key may repeat."""

    @abc.abstractmethod
    def query(
        self,
        partition: str,
        *,
        index: Literal["gsi1", "gsi2"] | None = None,
        sk_prefix: str | None = None,
        sk_between: tuple[str, str] | None = None,
        contains: tuple[str, str] | None = None,
        limit: int = 50,
        start_key: dict[str, str] | None = None,
        newest_first: bool = False,
    ) -> Page: ...

    @abc.abstractmethod
    def transact(self, operations: Sequence[WriteOp]) -> None:
        """Applies every operation or none; raises TransactionConflict when a condition fails."""

    @abc.abstractmethod
    def put_many(self, items: Sequence[Item]) -> None:
        """Bulk write (BatchWriteItem semantics): unconditional puts, batched; not one transaction, so a
        failure part-way leaves the earlier items written. For imports whose uniqueness was checked first."""

    def put(self, item: Item, condition: Condition | None = None) -> None:
        self.transact([Put(item, condition)])
