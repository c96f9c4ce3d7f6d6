"""Line loss over a topology: readings go through the real stream consumers, and every node's supplied,
downstream and loss figures equal the ones computed here from the readings themselves."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.line_loss_setup import (
    AREA1_MASTER,
    AREA1_METERS,
    AREA2_MASTER,
    AREA2_METERS,
    LINE_MASTER,
    LINE_METERS,
    at,
    build_grid,
    send_readings,
)

# (meter, first import Wh, last import Wh, first export, last export) in January and February 2026
JANUARY = {
    LINE_MASTER: (1_000_000, 1_250_500, 0, 2_000),
    AREA1_MASTER: (500_000, 620_000, 0, 0),
    AREA2_MASTER: (70_000, 150_250, 0, 500),
    AREA1_METERS[0]: (10_000, 70_100, 0, 0),
    AREA1_METERS[1]: (3_000, 53_000, 0, 0),
    AREA2_METERS[0]: (0, 75_000, 0, 300),
    LINE_METERS[0]: (9_000, 29_000, 0, 0),
}
FEBRUARY_GROWTH = {LINE_MASTER: 100_000, AREA1_MASTER: 60_000, AREA1_METERS[0]: 55_000}


def january_readings() -> list[tuple[str, Any, int, int]]:
    readings = []
    for meter, (first, last, first_out, last_out) in JANUARY.items():
        readings.append((meter, at("2026-01-02"), first, first_out))
        readings.append((meter, at("2026-01-30"), last, last_out))
    return readings


def used(meter: str) -> int:
    first, last, _, _ = JANUARY[meter]
    return last - first


def kwh(watt_hours: int) -> str:
    return f"{watt_hours // 1000}.{watt_hours % 1000:03d}" if watt_hours >= 0 else f"-{kwh(-watt_hours)}"


def rows_by_code(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in body["rows"]}


def test_loss_per_node_is_the_master_meter_less_the_meters_downstream(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    grid = build_grid(api, tenant_id, headers)
    send_readings(api, tenant_id, january_readings(), twice=True)

    reply = api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-01", headers=headers)
    assert reply.status == 200, reply.body
    rows = rows_by_code(reply.body)
    line_down = used(AREA1_MASTER) + used(AREA2_MASTER) + used(LINE_METERS[0])
    area1_down = sum(used(meter) for meter in AREA1_METERS)
    assert rows["L1"]["supplied_kwh"] == kwh(used(LINE_MASTER))
    assert rows["L1"]["downstream_kwh"] == kwh(line_down)
    assert rows["L1"]["loss_kwh"] == kwh(used(LINE_MASTER) - line_down)
    assert rows["L1"]["loss_rate"] == f"{(used(LINE_MASTER) - line_down) * 100 / used(LINE_MASTER):.2f}"
    assert rows["L1"]["downstream_meters"] == 3
    assert rows["A1"]["supplied_kwh"] == kwh(used(AREA1_MASTER))
    assert rows["A1"]["loss_kwh"] == kwh(used(AREA1_MASTER) - area1_down)
    assert rows["A2"]["loss_kwh"] == kwh(used(AREA2_MASTER) - used(AREA2_METERS[0]))
    assert [row["code"] for row in reply.body["rows"]] == ["L1", "A1", "A2"]

    areas = api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-01&level=transformer",
                     headers=headers).body
    assert sorted(rows_by_code(areas)) == ["A1", "A2"]


def test_a_season_adds_its_months_and_a_later_reading_adds_only_its_growth(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    grid = build_grid(api, tenant_id, headers)
    send_readings(api, tenant_id, january_readings())
    february = []
    for meter, growth in FEBRUARY_GROWTH.items():
        start = JANUARY[meter][1]
        february += [(meter, at("2026-02-03"), start, 0), (meter, at("2026-02-10"), start + growth // 2, 0)]
    send_readings(api, tenant_id, february)
    send_readings(api, tenant_id, [(meter, at("2026-02-20"), JANUARY[meter][1] + growth, 0)
                                   for meter, growth in FEBRUARY_GROWTH.items()], twice=True)

    season = rows_by_code(api.call(
        "GET", f"/v1/line-loss?topology={grid.topology_id}&season=2026-Q1", headers=headers).body)
    assert season["A1"]["supplied_kwh"] == kwh(used(AREA1_MASTER) + FEBRUARY_GROWTH[AREA1_MASTER])
    assert season["A1"]["downstream_kwh"] == kwh(
        sum(used(meter) for meter in AREA1_METERS) + FEBRUARY_GROWTH[AREA1_METERS[0]]
    )
    year = rows_by_code(api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&year=2026", headers=headers).body)
    assert year == season
    february_only = rows_by_code(api.call(
        "GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-02", headers=headers).body)
    assert february_only["L1"]["supplied_kwh"] == kwh(FEBRUARY_GROWTH[LINE_MASTER])
    assert february_only["L1"]["downstream_kwh"] == kwh(FEBRUARY_GROWTH[AREA1_MASTER])


def test_the_tree_and_the_energy_statistics_show_the_same_figures(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    grid = build_grid(api, tenant_id, headers)
    send_readings(api, tenant_id, january_readings())
    tree = api.call("GET", f"/v1/line-loss/tree?topology={grid.topology_id}&month=2026-01", headers=headers).body
    [root] = tree["roots"]
    assert root["code"] == "L1" and [child["code"] for child in root["children"]] == ["A1", "A2"]
    assert root["children"][1]["loss_kwh"] == kwh(used(AREA2_MASTER) - used(AREA2_METERS[0]))

    stats = rows_by_code(api.call(
        "GET", f"/v1/energy-statistics?topology={grid.topology_id}&month=2026-01", headers=headers).body)
    reverse = JANUARY[AREA2_MASTER][3] - JANUARY[AREA2_MASTER][2]
    assert stats["A2"]["supplied_reverse_kwh"] == kwh(reverse)
    assert stats["A2"]["supplied_combined_kwh"] == kwh(used(AREA2_MASTER) + reverse)
    assert stats["A2"]["downstream_reverse_kwh"] == kwh(JANUARY[AREA2_METERS[0]][3])

    exported = api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-01&format=csv",
                        headers=headers).body
    assert exported["content_type"] == "text/csv" and exported["filename"] == "line-loss.csv"


def test_bad_queries_are_refused_naming_the_field(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    grid = build_grid(api, tenant_id, headers)
    for query, field_name in (
        ("month=2026-01", "topology"),
        (f"topology={grid.topology_id}", "month"),
        (f"topology={grid.topology_id}&month=2026-13", "month"),
        (f"topology={grid.topology_id}&season=2026-Q5", "season"),
        (f"topology={grid.topology_id}&month=2026-01&year=2026", "month"),
        (f"topology={grid.topology_id}&month=2026-01&level=street", "level"),
        (f"topology={grid.topology_id}&month=2026-01&energy=apparent", "energy"),
    ):
        reply = api.call("GET", f"/v1/line-loss?{query}", headers=headers)
        assert reply.status == 400, (query, reply.body)
        assert field_name in str(reply.body), (query, reply.body)
    bad_node = {"code": "X", "name": "x", "topology_id": grid.topology_id, "master_meter": "M1", "meters": ["M1"]}
    assert api.call("POST", "/v1/archives/topology-nodes", bad_node, headers).status == 400


def test_another_tenant_sees_neither_the_topology_nor_its_loss(api: Api) -> None:
    tenant_id, headers = api.new_tenant()
    grid = build_grid(api, tenant_id, headers)
    send_readings(api, tenant_id, january_readings())
    other_id, other_headers = api.new_tenant()
    other_grid = build_grid(api, other_id, other_headers)
    send_readings(api, other_id, [(LINE_MASTER, at("2026-01-03"), 0, 0), (LINE_MASTER, at("2026-01-04"), 7, 0)])

    assert api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-01",
                    headers=other_headers).status == 404
    mine = rows_by_code(api.call("GET", f"/v1/line-loss?topology={grid.topology_id}&month=2026-01",
                                 headers=headers).body)
    theirs = rows_by_code(api.call("GET", f"/v1/line-loss?topology={other_grid.topology_id}&month=2026-01",
                                   headers=other_headers).body)
    assert mine["L1"]["supplied_kwh"] == kwh(used(LINE_MASTER))
    assert theirs["L1"]["supplied_kwh"] == "0.007"
