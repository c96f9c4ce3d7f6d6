"""Where each sales point sits: its branch and the branch's region (and the regions under a region), from the
archives; report filters by branch or region become sets of sales points through this."""

from __future__ import annotations

from dataclasses import dataclass

from gridvend.store.archives import ArchiveRecord, ArchiveRepository

PAGE = 200


def all_records(archives: ArchiveRepository, kind: str) -> list[ArchiveRecord]:
    records: list[ArchiveRecord] = []
    start: dict[str, str] | None = None
    while True:
        page, start = archives.page(kind, limit=PAGE, start_key=start)
        records += page
        if start is None:
            return records


@dataclass(frozen=True)
class Places:
    branch_of_sales_point: dict[str, str]
    region_of_branch: dict[str, str]
    parent_of_region: dict[str, str]

    @staticmethod
    def load(archives: ArchiveRepository) -> Places:
        return Places(
            {r.record_id: str(r.data.get("branch_id") or "-") for r in all_records(archives, "sales-points")},
            {r.record_id: str(r.data.get("region_id") or "-") for r in all_records(archives, "branches")},
            {r.record_id: str(r.data.get("parent_id") or "") for r in all_records(archives, "regions")},
        )

    def regions_within(self, roots: frozenset[str]) -> frozenset[str]:
        """The regions named and every region below them."""
        found = set(roots)
        grew = True
        while grew:
            below = {region for region, parent in self.parent_of_region.items() if parent in found}
            grew = not below <= found
            found |= below
        return frozenset(found)
