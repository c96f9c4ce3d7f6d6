"""Meters of a part of the supply grid (archives `power-grids`, `topologies`, `topology-nodes`, `lines`,
`transformers`): a node with every node below it, a whole topology, every topology of a power grid, or
the nodes a line feeds (the line's sub-lines and transformers included). A node's meters are its consumer
meters and, unless left out, its master meter."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, model_validator

from gridvend.archives.fields import RecordId
from gridvend.auth.context import TenantContext
from gridvend.errors import NotFound
from gridvend.store.archives import ArchiveRecord, ArchiveRepository
from gridvend.store.items import ItemStore

PAGE = 500


class GridTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    node_id: RecordId | None = None
    topology_id: RecordId | None = None
    power_grid_id: RecordId | None = None
    line_id: RecordId | None = None
    master_meters: bool = True

    @model_validator(mode="after")
    def _one_place(self) -> GridTarget:
        given = [name for name in ("node_id", "topology_id", "power_grid_id", "line_id") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of node_id, topology_id, power_grid_id, line_id")
        return self


def _every(archives: ArchiveRepository, kind: str) -> list[ArchiveRecord]:
    found: list[ArchiveRecord] = []
    start: dict[str, str] | None = None
    while True:
        page, start = archives.page(kind, limit=PAGE, start_key=start)
        found += page
        if start is None:
            return found


def _required(archives: ArchiveRepository, kind: str, record_id: str) -> None:
    if archives.get(kind, record_id) is None:
        raise NotFound(f"{kind.rstrip('s').replace('-', ' ')} '{record_id}' does not exist")


def _below(records: Iterable[ArchiveRecord], roots: Iterable[str]) -> set[str]:
    """The roots and everything under them along parent_id."""
    children: dict[str, list[str]] = {}
    for record in records:
        parent = record.data.get("parent_id")
        if parent:
            children.setdefault(str(parent), []).append(record.record_id)
    reached = set(roots)
    frontier = list(reached)
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in reached:
                reached.add(child)
                frontier.append(child)
    return reached


def _root_nodes(archives: ArchiveRepository, nodes: list[ArchiveRecord], target: GridTarget) -> set[str]:
    if target.node_id:
        _required(archives, "topology-nodes", target.node_id)
        return {target.node_id}
    if target.topology_id:
        _required(archives, "topologies", target.topology_id)
        return {node.record_id for node in nodes if node.data.get("topology_id") == target.topology_id}
    if target.power_grid_id:
        _required(archives, "power-grids", target.power_grid_id)
        topologies = {record.record_id for record in _every(archives, "topologies")
                      if record.data.get("power_grid_id") == target.power_grid_id}
        return {node.record_id for node in nodes if node.data.get("topology_id") in topologies}
    assert target.line_id is not None
    _required(archives, "lines", target.line_id)
    lines = _below(_every(archives, "lines"), [target.line_id])
    transformers = {record.record_id for record in _every(archives, "transformers")
                    if record.data.get("line_id") in lines}
    return {node.record_id for node in nodes
            if node.data.get("line_id") in lines or node.data.get("transformer_id") in transformers}


def grid_meters(store: ItemStore, ctx: TenantContext, target: GridTarget) -> list[str]:
    """Serials of the grid part's meters, each once, parents' before their children's."""
    archives = ArchiveRepository(store, ctx)
    nodes = _every(archives, "topology-nodes")
    reached = _below(nodes, _root_nodes(archives, nodes, target))
    parents = {node.record_id: node.data.get("parent_id") for node in nodes}

    def depth(node: ArchiveRecord) -> tuple[int, str]:
        steps, current = 0, node.data.get("parent_id")
        while current and steps < len(parents):
            steps, current = steps + 1, parents.get(str(current))
        return steps, node.code

    serials: list[str] = []
    for node in sorted((node for node in nodes if node.record_id in reached), key=depth):
        if target.master_meters and node.data.get("master_meter"):
            serials.append(str(node.data["master_meter"]))
        serials += [str(serial) for serial in node.data.get("meters") or ()]
    return list(dict.fromkeys(serials))

