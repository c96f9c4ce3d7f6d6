"""Reading every item of one partition page by page (tenant-scoped: the partition starts with the tenant)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from gridvend.store.archives import ArchiveRecord, ArchiveRepository
from gridvend.store.items import Item, ItemStore

PAGE = 500


def every_item(
    store: ItemStore,
    partition: str,
    *,
    index: Literal["gsi1", "gsi2"] | None = None,
    sk_prefix: str | None = None,
    sk_between: tuple[str, str] | None = None,
    newest_first: bool = False,
) -> Iterator[Item]:
    start: dict[str, str] | None = None
    while True:
        page = store.query(partition, index=index, sk_prefix=sk_prefix, sk_between=sk_between, limit=PAGE,
                           start_key=start, newest_first=newest_first)
        yield from page.items
        if page.next_key is None:
            return
        start = page.next_key


def archive_records(archives: ArchiveRepository, kind: str) -> dict[str, ArchiveRecord]:
    """Every record of an archive kind by id."""
    records: dict[str, ArchiveRecord] = {}
    start: dict[str, str] | None = None
    while True:
        page, start = archives.page(kind, limit=PAGE, start_key=start)
        records.update((record.record_id, record) for record in page)
        if start is None:
            return records
