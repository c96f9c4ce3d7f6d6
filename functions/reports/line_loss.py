"""Line-loss reports over one topology for a month, season or year, from the node cells the stream keeps:
the loss table (per node, optionally only lines or transformer areas), the same figures as a tree for the
topology screen, and the energy statistics (forward, reverse and combined active energy per node)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from functions.reports.topologies import load_topology
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput, NotFound
from gridvend.reports.line_loss import Energy, LossLine, NodeEnergy, Topology, kwh, loss_lines, loss_rate
from gridvend.reports.line_loss_periods import months_of
from gridvend.reports.line_loss_store import LineLossStore
from gridvend.reports.table import Column, ReportTable
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import ItemStore

EnergyKind = Literal["forward", "reverse", "combined"]
ENERGY_KINDS: tuple[EnergyKind, ...] = ("forward", "reverse", "combined")
LEVELS = ("line", "transformer", "area", "node")
FORMATS = ("json", "csv", "xlsx", "pdf")


@dataclass(frozen=True)
class LossQuery:
    topology_id: str
    period_field: str
    period: str
    months: list[str]
    levels: frozenset[str]
    energy: EnergyKind
    form: str


def parse_loss_query(params: dict[str, str]) -> LossQuery:
    topology_id = (params.get("topology") or "").strip()
    if not topology_id:
        raise InvalidInput.for_field("topology", "the id of a topology")
    period_field, period, months = months_of(params)
    levels = frozenset(part.strip() for part in (params.get("level") or "").split(",") if part.strip())
    if not levels <= set(LEVELS):
        raise InvalidInput.for_field("level", f"one or more of {', '.join(LEVELS)}")
    energy = params.get("energy", "forward")
    if energy not in ENERGY_KINDS:
        raise InvalidInput.for_field("energy", f"one of {', '.join(ENERGY_KINDS)}")
    form = params.get("format", "json")
    if form not in FORMATS:
        raise InvalidInput.for_field("format", f"one of {', '.join(FORMATS)}")
    return LossQuery(topology_id, period_field, period, months, levels, energy, form)


def of_kind(energy: Energy, kind: EnergyKind) -> int:
    return energy.forward if kind == "forward" else energy.reverse if kind == "reverse" else energy.combined


def topology_lines(store: ItemStore, ctx: TenantContext, query: LossQuery) -> tuple[str, list[LossLine]]:
    """The topology's name and its nodes in tree order with their energy summed over the period's months."""
    record = ArchiveRepository(store, ctx).get("topologies", query.topology_id)
    if record is None:
        raise NotFound(f"topology '{query.topology_id}' does not exist")
    topology: Topology = load_topology(store, ctx).of_topology(query.topology_id)
    cells = LineLossStore(store, ctx.tenant_id)
    energy: dict[str, NodeEnergy] = {}
    for month in query.months:
        for node_id, node_energy in cells.month_cells(month).items():
            if node_id in topology.nodes:
                energy[node_id] = energy.get(node_id, NodeEnergy()) + node_energy
    return record.name, loss_lines(topology, energy)


def _parameters(query: LossQuery, title: str) -> dict[str, Any]:
    return {
        "topology": query.topology_id,
        "topology_name": title,
        query.period_field: query.period,
        "from": query.months[0],
        "to": query.months[-1],
        "energy": query.energy,
        "level": sorted(query.levels),
    }


def _loss_figures(line: LossLine, kind: EnergyKind) -> dict[str, Any]:
    supplied = of_kind(line.energy.supplied, kind)
    downstream = of_kind(line.energy.downstream, kind)
    return {
        "supplied_kwh": kwh(supplied),
        "downstream_kwh": kwh(downstream),
        "loss_kwh": kwh(supplied - downstream),
        "loss_rate": loss_rate(supplied, supplied - downstream),
        "downstream_meters": line.energy.downstream_meters,
    }


LOSS_COLUMNS = [
    Column("code", "Node", "text"), Column("name", "Name", "text"), Column("level", "Level", "text"),
    Column("parent", "Parent", "text"), Column("master_meter", "Master meter", "text"),
    Column("supplied_kwh", "Supplied kWh", "energy"), Column("downstream_kwh", "Downstream kWh", "energy"),
    Column("loss_kwh", "Loss kWh", "energy"), Column("loss_rate", "Loss %", "text"),
    Column("downstream_meters", "Meters read", "count"),
]


def loss_table(store: ItemStore, ctx: TenantContext, query: LossQuery) -> ReportTable:
    title, lines = topology_lines(store, ctx, query)
    codes = {line.node.node_id: line.node.code for line in lines}
    rows = []
    for line in lines:
        if query.levels and line.node.level not in query.levels:
            continue
        rows.append({
            "code": line.node.code, "name": line.node.name, "level": line.node.level,
            "parent": codes.get(line.node.parent_id or "", "-"), "master_meter": line.node.master_meter or "-",
            **_loss_figures(line, query.energy),
        })
    return ReportTable("line-loss", f"Line loss: {title}", LOSS_COLUMNS, rows, {}, _parameters(query, title))


def loss_tree(store: ItemStore, ctx: TenantContext, query: LossQuery) -> dict[str, Any]:
    """The topology as nested nodes, each with its figures, for drawing the loss on the topology."""
    title, lines = topology_lines(store, ctx, query)
    shown: dict[str, dict[str, Any]] = {}
    for line in lines:
        shown[line.node.node_id] = {
            "id": line.node.node_id, "code": line.node.code, "name": line.node.name, "level": line.node.level,
            "master_meter": line.node.master_meter, "meters": len(line.node.meters),
            **_loss_figures(line, query.energy), "children": [],
        }
    roots: list[dict[str, Any]] = []
    for line in lines:
        node = shown[line.node.node_id]
        parent = shown.get(line.node.parent_id or "")
        (parent["children"] if parent is not None else roots).append(node)
    return {"report": "line-loss-tree", "parameters": _parameters(query, title), "roots": roots}


ENERGY_COLUMNS = [
    Column("code", "Node", "text"), Column("name", "Name", "text"), Column("level", "Level", "text"),
    *(
        Column(f"{side}_{kind}_kwh", f"{side.capitalize()} {kind} kWh", "energy")
        for side in ("supplied", "downstream") for kind in ENERGY_KINDS
    ),
]


def energy_table(store: ItemStore, ctx: TenantContext, query: LossQuery) -> ReportTable:
    title, lines = topology_lines(store, ctx, query)
    rows = []
    for line in lines:
        if query.levels and line.node.level not in query.levels:
            continue
        row: dict[str, Any] = {"code": line.node.code, "name": line.node.name, "level": line.node.level}
        for side, energy in (("supplied", line.energy.supplied), ("downstream", line.energy.downstream)):
            for kind in ENERGY_KINDS:
                row[f"{side}_{kind}_kwh"] = kwh(of_kind(energy, kind))
        rows.append(row)
    return ReportTable(
        "energy-statistics", f"Energy statistics: {title}", ENERGY_COLUMNS, rows, {}, _parameters(query, title)
    )
