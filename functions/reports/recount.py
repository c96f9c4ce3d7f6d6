"""Counts a tenant's running totals for the dashboard afresh from its records (meters, customers, archive
records, things, points of collection, open alarms), for a tenant whose records predate the counters.

Run while the tenant is quiet (a change streamed during the recount may count twice or not at all):
  PYTHONPATH=. .venv/bin/python -m functions.reports.recount --tenant demo
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterator

from functions.reports.scan import every_item
from gridvend.archives.kinds import ARCHIVE_KINDS
from gridvend.reports.counts import TOTAL_KEYS, count_changes
from gridvend.store.items import Item, ItemStore

COUNTED_PARTITIONS = ("METER", "CUST", "THING", "THINGMETER", "POC")


def counted_items(store: ItemStore, tenant_id: str) -> Iterator[Item]:
    prefix = f"T#{tenant_id}#"
    for partition in COUNTED_PARTITIONS:
        yield from every_item(store, prefix + partition)
    for kind in ARCHIVE_KINDS:
        yield from every_item(store, f"{prefix}ARC#{kind}", sk_prefix="R#")
    yield from every_item(store, f"{prefix}ALARM#OPEN", index="gsi1")


def recount(store: ItemStore, tenant_id: str) -> dict[str, int]:
    """Writes every running total as counted now (zero for totals no record counts under any more)."""
    totals: Counter[str] = Counter()
    for item in counted_items(store, tenant_id):
        found = count_changes("INSERT", None, item)
        if found is not None and found[0] == tenant_id:
            totals.update({change.key: change.delta for change in found[1] if change.month is None})
    partition = f"T#{tenant_id}#RPT#COUNT"
    stale = {
        str(item["sk"]) for item in every_item(store, partition)
        if str(item["sk"]).split("|")[0] in TOTAL_KEYS and str(item["sk"]) not in totals
    }
    for key, count in [*totals.items(), *((key, 0) for key in sorted(stale))]:
        store.put({"pk": partition, "sk": key, "entity": "report-count", "tally_count": count})
    return dict(totals)


def main(argv: list[str] | None = None) -> None:
    from functions.common.deps import item_store

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", required=True)
    options = parser.parse_args(argv)
    for key, count in sorted(recount(item_store(), options.tenant).items()):
        print(f"{key}\t{count}")


if __name__ == "__main__":
    main()
