"""A tenant's supply topology read from its archives (kinds `topology-nodes`), whole or per topology; and a
cache of it for the stream consumer (a node edited reaches the stream's lookups within CACHE_SECONDS)."""

from __future__ import annotations

import time
from collections.abc import Callable

from functions.reports.places import all_records
from gridvend.auth.context import TenantContext, system_context
from gridvend.reports.line_loss import Topology, TopologyNode
from gridvend.store.archives import ArchiveRecord, ArchiveRepository
from gridvend.store.items import ItemStore

CACHE_SECONDS = 300.0


def node_of(record: ArchiveRecord) -> TopologyNode:
    data = record.data
    return TopologyNode(
        node_id=record.record_id,
        code=record.code,
        name=record.name,
        topology_id=str(data.get("topology_id") or ""),
        level=str(data.get("level") or "node"),
        parent_id=data.get("parent_id") or None,
        master_meter=data.get("master_meter") or None,
        meters=tuple(data.get("meters") or ()),
    )


def load_topology(store: ItemStore, ctx: TenantContext) -> Topology:
    return Topology(node_of(record) for record in all_records(ArchiveRepository(store, ctx), "topology-nodes"))


class TopologyCache:
    def __init__(self, store: ItemStore, clock: Callable[[], float] = time.monotonic) -> None:
        self._store, self._clock = store, clock
        self._known: dict[str, tuple[float, Topology]] = {}

    def of(self, tenant_id: str) -> Topology:
        cached = self._known.get(tenant_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        topology = load_topology(self._store, system_context(tenant_id, "line-loss"))
        self._known[tenant_id] = (self._clock(), topology)
        return topology
