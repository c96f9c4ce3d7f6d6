"""The sales rollup cells that the stream handler keeps and every sales report reads.

Access patterns:
- day cells of a month:   pk=T#<t>#RPT#DAY#<yyyy-mm>  sk=<yyyy-mm-dd>#<cell key>
- month cells of a year:  pk=T#<t>#RPT#MON#<yyyy>     sk=<yyyy-mm>#<cell key>
  where <cell key> = <sales point>#<operator>#<customer type>#<meter model>#<family>
- years that have cells:  pk=T#<t>#RPT#YEARS          sk=<yyyy>   (where an open-ended range starts and ends)
- changes applied:        pk=T#<t>#RPT#SEEN           sk=<source> (S#<bill> sale, C#<bill> correction, R#<id> refund)
The dimensions live in the sort key ('#' and '%' in ids are %-escaped). The measures use the table's numeric
tally_* attributes, one cell per family: SAL (sales: all seven), COR (corrections: count, net, energy) and
REF (refunds: count, net = amount refunded), so corrections and refunds stay apart from sales.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from gridvend.auth.context import TenantContext
from gridvend.reports.cells import CELL_DIMENSIONS, Cell
from gridvend.reports.facts import CORRECTION_MEASURES, REFUND_MEASURES
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put, TransactionConflict, WriteOp

CellKind = Literal["day", "month"]
PAGE = 1000
_known_years: set[tuple[int, str, str]] = set()


FAMILIES: dict[str, dict[str, str]] = {
    "SAL": {
        "sales_count": "tally_count", "sales_amount": "tally_amount", "sales_net": "tally_net",
        "sales_energy": "tally_energy", "vat": "tally_vat", "charges": "tally_charges", "debt": "tally_debt",
    },
    "COR": {"correction_count": "tally_count", "correction_net": "tally_net", "correction_energy": "tally_energy"},
    "REF": {"refund_count": "tally_count", "refund_amount": "tally_net"},
}


def family_of(measures: dict[str, int]) -> str:
    if any(name in CORRECTION_MEASURES for name in measures):
        return "COR"
    return "REF" if any(name in REFUND_MEASURES for name in measures) else "SAL"


def escaped(value: str) -> str:
    return value.replace("%", "%25").replace("#", "%23")


def unescaped(value: str) -> str:
    return value.replace("%23", "#").replace("%25", "%")


def months_between(first: str, last: str) -> list[str]:
    """YYYY-MM months from first to last inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


class SalesRollupRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._prefix = ctx.key_prefix
        self._tenant = ctx.tenant_id

    def apply(self, source: str, local_date: str, dims: dict[str, str], measures: dict[str, int]) -> bool:
        """Adds one change to its day and month cells, once: False when this source was applied before."""
        family = family_of(measures)
        attributes = FAMILIES[family]
        amounts = {attributes[name]: value for name, value in measures.items() if name in attributes}
        parts = "#".join([*(escaped(dims.get(name, "-")) for name in CELL_DIMENSIONS), family])
        month, year = local_date[:7], local_date[:4]
        operations: list[WriteOp] = [
            Put({"pk": f"{self._prefix}RPT#SEEN", "sk": source, "entity": "report-source"}, Condition.absent()),
            Increment(
                f"{self._prefix}RPT#DAY#{month}",
                f"{local_date}#{parts}",
                amounts,
                assign={"entity": "sales-cell"},
            ),
            Increment(
                f"{self._prefix}RPT#MON#{year}",
                f"{month}#{parts}",
                amounts,
                assign={"entity": "sales-cell"},
            ),
        ]
        first_of_year = (id(self._store), self._tenant, year) not in _known_years
        if first_of_year:
            operations.append(Put({"pk": f"{self._prefix}RPT#YEARS", "sk": year, "entity": "report-year"}))
        try:
            self._store.transact(operations)
        except TransactionConflict as conflict:
            if 0 in conflict.failed:
                return False
            raise
        _known_years.add((id(self._store), self._tenant, year))
        return True

    def years(self) -> list[str]:
        return [str(item["sk"]) for item in self._pages(f"{self._prefix}RPT#YEARS", None)]

    def cells(self, kind: CellKind, period_from: str | None, period_to: str | None) -> list[Cell]:
        """The cells of the periods in the inclusive range (either end open: the first or last year with cells)."""
        years = self.years()
        if not years:
            return []
        first = period_from or f"{years[0]}-01-01"
        last = period_to or f"{years[-1]}-12-31"
        if first > last:
            return []
        width = 10 if kind == "day" else 7
        bounds = (first[:width], last[:width] + "#\uffff")
        if kind == "day":
            partitions = [f"{self._prefix}RPT#DAY#{month}" for month in months_between(first, last)]
        else:
            partitions = [f"{self._prefix}RPT#MON#{year}" for year in range(int(first[:4]), int(last[:4]) + 1)]
        return [_cell(item) for partition in partitions for item in self._pages(partition, bounds)]

    def _pages(self, partition: str, bounds: tuple[str, str] | None) -> Iterator[Item]:
        start: dict[str, str] | None = None
        while True:
            page = self._store.query(partition, sk_between=bounds, limit=PAGE, start_key=start)
            yield from page.items
            if page.next_key is None:
                return
            start = page.next_key


def _cell(item: Item) -> Cell:
    period, *parts, family = str(item["sk"]).split("#")
    dims = {name: unescaped(part) for name, part in zip(CELL_DIMENSIONS, parts, strict=True)}
    measures = {name: int(item.get(attribute, 0)) for name, attribute in FAMILIES[family].items()}
    return Cell(period, dims, measures)
