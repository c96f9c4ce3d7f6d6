"""Line loss over a supply topology (seed 000 §6.1-6.3, seed 004 §7). Pure.

Each node of the tree has a master meter (what enters the node: `supplied`) and downstream meters (the consumer
meters fed from it and the master meters of its child nodes: `downstream`). For a period,
loss = supplied - downstream and loss rate = loss / supplied, for forward (import), reverse (export) and combined
(forward + reverse) active energy. Energy is in Wh (the registers' smallest step).

A meter's month of energy reaches the node cells as a *contribution*: the targets (node, side) it counts for and
its energy then. When the meter's month grows, the difference to the previous contribution is added, so the
cells are sums kept current from the stream, never recomputed from readings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT

Side = Literal["supplied", "downstream"]
Target = tuple[str, Side]  # (node id, side)
SIDES: tuple[Side, ...] = ("supplied", "downstream")


@dataclass(frozen=True)
class Energy:
    forward: int = 0
    reverse: int = 0

    @property
    def combined(self) -> int:
        return self.forward + self.reverse

    def __add__(self, other: Energy) -> Energy:
        return Energy(self.forward + other.forward, self.reverse + other.reverse)

    def __sub__(self, other: Energy) -> Energy:
        return Energy(self.forward - other.forward, self.reverse - other.reverse)


def month_energy(first: Mapping[str, Any], last: Mapping[str, Any]) -> Energy:
    """How much the import and export registers grew between a month's first and last reading."""

    def grew(code: str) -> int:
        if code not in first or code not in last:
            return 0
        return max(0, int(last[code]) - int(first[code]))

    return Energy(grew(ACTIVE_IMPORT), grew(ACTIVE_EXPORT))


@dataclass(frozen=True)
class TopologyNode:
    node_id: str
    code: str
    name: str
    topology_id: str
    level: str = "node"
    parent_id: str | None = None
    master_meter: str | None = None
    meters: tuple[str, ...] = ()


class Topology:
    """The nodes of one tenant (one or more topologies) with the lookups the stream and the reports need."""

    def __init__(self, nodes: Iterable[TopologyNode]) -> None:
        self.nodes: dict[str, TopologyNode] = {node.node_id: node for node in nodes}
        self._targets: dict[str, set[Target]] = {}
        self._children: dict[str | None, list[str]] = {}
        for node in self.nodes.values():
            parent = node.parent_id if node.parent_id in self.nodes else None
            self._children.setdefault(parent, []).append(node.node_id)
            if node.master_meter:
                self._targets.setdefault(node.master_meter, set()).add((node.node_id, "supplied"))
                if parent is not None:
                    self._targets[node.master_meter].add((parent, "downstream"))
            for meter in node.meters:
                self._targets.setdefault(meter, set()).add((node.node_id, "downstream"))
        for members in self._children.values():
            members.sort(key=lambda node_id: (self.nodes[node_id].code, node_id))

    def targets_of(self, meter: str) -> frozenset[Target]:
        return frozenset(self._targets.get(meter, ()))

    def children(self, node_id: str | None) -> list[str]:
        """The child nodes of a node, or the roots for None."""
        return list(self._children.get(node_id, ()))

    def of_topology(self, topology_id: str) -> Topology:
        return Topology(node for node in self.nodes.values() if node.topology_id == topology_id)

    def in_tree_order(self) -> list[tuple[str, int]]:
        """(node id, depth) from each root down, children after their parent."""
        ordered: list[tuple[str, int]] = []
        stack = [(node_id, 0) for node_id in reversed(self.children(None))]
        while stack:
            node_id, depth = stack.pop()
            ordered.append((node_id, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children(node_id)))
        return ordered


@dataclass(frozen=True)
class Contribution:
    """What one meter's month added to the node cells: the rollup version it came from, its energy, its targets."""

    version: int
    energy: Energy
    targets: frozenset[Target] = frozenset()


@dataclass(frozen=True)
class CellChange:
    energy: Energy
    meters: int  # +1 when a meter starts counting for the target, -1 when it stops


def contribution_changes(before: Contribution | None, after: Contribution) -> dict[Target, CellChange]:
    """The additions to each node cell that turn the cells with `before` into the cells with `after`."""
    changes: dict[Target, CellChange] = {}
    old_targets = before.targets if before else frozenset()
    old_energy = before.energy if before else Energy()
    for target in old_targets | after.targets:
        added = (after.energy if target in after.targets else Energy()) - (
            old_energy if target in old_targets else Energy()
        )
        meters = (target in after.targets) - (target in old_targets)
        if added != Energy() or meters:
            changes[target] = CellChange(added, meters)
    return changes


@dataclass(frozen=True)
class NodeEnergy:
    supplied: Energy = Energy()
    downstream: Energy = Energy()
    supplied_meters: int = 0
    downstream_meters: int = 0

    def __add__(self, other: NodeEnergy) -> NodeEnergy:
        return NodeEnergy(
            self.supplied + other.supplied,
            self.downstream + other.downstream,
            self.supplied_meters + other.supplied_meters,
            self.downstream_meters + other.downstream_meters,
        )

    @property
    def loss(self) -> Energy:
        return self.supplied - self.downstream


def loss_rate(supplied: int, loss: int) -> str | None:
    """Loss as a percentage of what was supplied (two decimals), None when nothing was supplied."""
    if supplied <= 0:
        return None
    hundredths = round(loss * 10000 / supplied)
    sign = "-" if hundredths < 0 else ""
    return f"{sign}{abs(hundredths) // 100}.{abs(hundredths) % 100:02d}"


def kwh(watt_hours: int) -> str:
    sign = "-" if watt_hours < 0 else ""
    return f"{sign}{abs(watt_hours) // 1000}.{abs(watt_hours) % 1000:03d}"


@dataclass(frozen=True)
class LossLine:
    node: TopologyNode
    depth: int
    energy: NodeEnergy
    children: list[str] = field(default_factory=list)


def loss_lines(topology: Topology, energy_by_node: Mapping[str, NodeEnergy]) -> list[LossLine]:
    return [
        LossLine(topology.nodes[node_id], depth, energy_by_node.get(node_id, NodeEnergy()), topology.children(node_id))
        for node_id, depth in topology.in_tree_order()
    ]
