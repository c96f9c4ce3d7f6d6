"""Commands and scheduled collection aimed at a part of the supply grid: a topology node and the nodes below
it, a whole topology, a power grid's topologies, or what a line feeds; each meter once, another tenant's grid
never reached."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from functions.commands.context import CommandContext
from functions.commands.sweeper import sweep
from gridvend.iot import obis
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from tests.api.commands_setup import Clock, clock, devices
from tests.api.conftest import Api
from tests.api.line_loss_setup import create

__all__ = ["clock", "devices"]


@dataclass
class Grid:
    tenant_id: str
    headers: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    serials: dict[str, str] = field(default_factory=dict)  # short name -> serial


def _grid(api: Api) -> Grid:
    """Power grid G with topology T: line node L (line 1; master M0, meter C0) feeding area A (master M1,
    meters C1 C2, on a transformer of sub-line 2) and area B (master M2, meter C3). Topology U outside G:
    node X (meter C9). Every meter has its own module."""
    tenant_id, headers = api.new_tenant()
    grid = Grid(tenant_id, headers)
    base = f"{uuid.uuid4().int % 10**7:07d}"
    grid.serials = {name: f"{base}{number:04d}" for number, name in enumerate(
        ["M0", "C0", "M1", "C1", "C2", "M2", "C3", "C9"])}
    s = grid.serials
    site = create(api, headers, "sites", {"code": "S1", "name": "Site"})
    project = create(api, headers, "projects", {"code": "P1", "name": "Project", "site_id": site})
    grid.ids["G"] = create(api, headers, "power-grids", {"code": "G1", "name": "Grid", "project_id": project})
    grid.ids["line1"] = create(api, headers, "lines", {"code": "LN1", "name": "Line 1"})
    grid.ids["line2"] = create(api, headers, "lines", {"code": "LN2", "name": "Line 2", "parent_id": grid.ids["line1"]})
    grid.ids["TR"] = create(api, headers, "transformers", {"code": "TR1", "name": "TR", "line_id": grid.ids["line2"]})
    grid.ids["T"] = create(api, headers, "topologies", {"code": "T", "name": "T", "power_grid_id": grid.ids["G"]})
    grid.ids["U"] = create(api, headers, "topologies", {"code": "U", "name": "U"})
    grid.ids["L"] = create(api, headers, "topology-nodes", {
        "code": "L", "name": "L", "topology_id": grid.ids["T"], "level": "line", "line_id": grid.ids["line1"],
        "master_meter": s["M0"], "meters": [s["C0"]]})
    grid.ids["A"] = create(api, headers, "topology-nodes", {
        "code": "A", "name": "A", "topology_id": grid.ids["T"], "parent_id": grid.ids["L"], "level": "transformer",
        "transformer_id": grid.ids["TR"], "master_meter": s["M1"], "meters": [s["C1"], s["C2"]]})
    grid.ids["B"] = create(api, headers, "topology-nodes", {
        "code": "B", "name": "B", "topology_id": grid.ids["T"], "parent_id": grid.ids["L"], "level": "area",
        "master_meter": s["M2"], "meters": [s["C3"]]})
    grid.ids["X"] = create(api, headers, "topology-nodes", {
        "code": "X", "name": "X", "topology_id": grid.ids["U"], "meters": [s["C9"]]})
    registry = ThingRegistry(api.store, tenant_id)
    for serial in s.values():
        registry.register(Thing(f"MOD-{serial}", ThingKind.MODULE, (serial,), f"{tenant_id}:MOD-{serial}"))
    return grid


def _reached(api: Api, grid: Grid, target: dict[str, object]) -> list[str]:
    reply = api.call("POST", "/v1/commands", {"kind": "read", "targets": {"grid": target},
                                              "params": {"obis": [obis.CREDIT]}}, grid.headers)
    assert reply.status == 201, reply.body
    assert reply.body["target"] == {"grid": {"master_meters": True, **target}}
    items = api.call("GET", f"/v1/tasks/{reply.body['task_id']}/commands?limit=50", headers=grid.headers).body["items"]
    names = {serial: name for name, serial in grid.serials.items()}
    return sorted(names[item["meter"]] for item in items)


def test_a_command_reaches_each_part_of_the_grid(api: Api, devices: CommandContext) -> None:
    grid = _grid(api)

    assert _reached(api, grid, {"node_id": grid.ids["A"]}) == ["C1", "C2", "M1"]
    assert _reached(api, grid, {"node_id": grid.ids["L"]}) == ["C0", "C1", "C2", "C3", "M0", "M1", "M2"]
    assert _reached(api, grid, {"topology_id": grid.ids["U"]}) == ["C9"]
    assert _reached(api, grid, {"power_grid_id": grid.ids["G"]}) == ["C0", "C1", "C2", "C3", "M0", "M1", "M2"]
    assert _reached(api, grid, {"line_id": grid.ids["line2"]}) == ["C1", "C2", "M1"]
    assert _reached(api, grid, {"line_id": grid.ids["line1"]}) == ["C0", "C1", "C2", "C3", "M0", "M1", "M2"]
    without_masters = api.call("POST", "/v1/commands", {
        "kind": "relay_connect", "targets": {"grid": {"node_id": grid.ids["L"], "master_meters": False}}},
        grid.headers)
    assert without_masters.body["total"] == 4


def test_a_grid_target_is_checked(api: Api, devices: CommandContext) -> None:
    grid = _grid(api)
    _, other = api.new_tenant()

    def send(target: dict[str, object], headers: dict[str, str] = grid.headers) -> tuple[int, str]:
        reply = api.call("POST", "/v1/commands", {"kind": "relay_connect", "targets": {"grid": target}}, headers)
        return reply.status, str(reply.body.get("detail", ""))

    assert send({"node_id": grid.ids["A"], "line_id": grid.ids["line1"]})[0] == 400
    assert send({})[0] == 400
    assert send({"node_id": "missing"})[0] == 404
    assert send({"node_id": grid.ids["A"]}, other)[0] == 404
    assert send({"power_grid_id": grid.ids["G"]}, other)[0] == 404
    empty = create(api, grid.headers, "topologies", {"code": "E", "name": "Empty"})
    assert send({"topology_id": empty}) == (400, "targets: no meter matches")
    assert devices.publisher.sent == []  # type: ignore[attr-defined]


def test_a_collection_schedule_reads_a_grid_node_each_period(api: Api, devices: CommandContext,
                                                             clock: Clock) -> None:
    grid = _grid(api)
    body = {"name": "Area A hourly", "obis": [obis.ACTIVE_IMPORT], "unit": "hour", "every": 1,
            "base_time": (clock.now - timedelta(minutes=30)).isoformat(),
            "targets": {"grid": {"node_id": grid.ids["A"]}}}
    schedule = api.call("POST", "/v1/collection-schedules", body, grid.headers)
    assert schedule.status == 201, schedule.body

    for hour in (1, 2):
        clock.now = datetime.fromisoformat(schedule.body["next_run"]) + timedelta(hours=hour - 1, seconds=1)
        sweep(devices, [grid.tenant_id])

    shown = api.call("GET", f"/v1/collection-schedules/{schedule.body['schedule_id']}", headers=grid.headers).body
    assert len(shown["runs"]) == 2
    expected = sorted(grid.serials[name] for name in ("M1", "C1", "C2"))
    for run in shown["runs"]:
        items = api.call("GET", f"/v1/tasks/{run['task_id']}/commands", headers=grid.headers).body["items"]
        assert sorted(item["meter"] for item in items) == expected
    sent = devices.publisher.sent  # type: ignore[attr-defined]
    assert {command.meter for _, _, command in sent} == set(expected)
    missing = api.call("POST", "/v1/collection-schedules", {**body, "targets": {"grid": {"node_id": "nope"}}},
                       grid.headers)
    assert missing.status == 404
