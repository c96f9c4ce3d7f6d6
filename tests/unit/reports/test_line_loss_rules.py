"""The pure rules of line loss and of the backup format."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridvend.errors import InvalidInput
from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT
from gridvend.reports.backup_format import item_line, kept, line_item, moved
from gridvend.reports.line_loss import (
    CellChange,
    Contribution,
    Energy,
    Topology,
    TopologyNode,
    contribution_changes,
    loss_rate,
    month_energy,
)
from gridvend.reports.line_loss_periods import months_of


def test_a_meter_counts_as_supplied_for_its_node_and_downstream_for_the_parent() -> None:
    topology = Topology([
        TopologyNode("root", "R", "Root", "t1", master_meter="M0", meters=("C1",)),
        TopologyNode("child", "C", "Child", "t1", parent_id="root", master_meter="M1", meters=("C2", "C3")),
    ])
    assert topology.targets_of("M1") == {("child", "supplied"), ("root", "downstream")}
    assert topology.targets_of("C1") == {("root", "downstream")}
    assert topology.targets_of("M0") == {("root", "supplied")}
    assert topology.targets_of("elsewhere") == frozenset()
    assert topology.in_tree_order() == [("root", 0), ("child", 1)]


def test_a_growing_contribution_adds_only_the_difference_and_a_moved_meter_leaves_its_old_node() -> None:
    first = Contribution(1, Energy(100, 5), frozenset({("a", "downstream")}))
    grown = Contribution(2, Energy(160, 5), frozenset({("a", "downstream")}))
    assert contribution_changes(None, first) == {("a", "downstream"): CellChange(Energy(100, 5), 1)}
    assert contribution_changes(first, grown) == {("a", "downstream"): CellChange(Energy(60, 0), 0)}
    moved_meter = Contribution(3, Energy(160, 5), frozenset({("b", "downstream")}))
    assert contribution_changes(grown, moved_meter) == {
        ("a", "downstream"): CellChange(Energy(-160, -5), -1),
        ("b", "downstream"): CellChange(Energy(160, 5), 1),
    }


def test_month_energy_and_loss_rate() -> None:
    energy = month_energy({ACTIVE_IMPORT: 1000, ACTIVE_EXPORT: 10}, {ACTIVE_IMPORT: 1600, ACTIVE_EXPORT: 25})
    assert (energy.forward, energy.reverse, energy.combined) == (600, 15, 615)
    assert month_energy({}, {ACTIVE_IMPORT: 5}) == Energy()
    assert loss_rate(1000, 55) == "5.50" and loss_rate(1000, -3) == "-0.30" and loss_rate(0, 5) is None


def test_periods_cover_their_months_and_bad_ones_name_their_field() -> None:
    assert months_of({"season": "2026-q2"})[2] == ["2026-04", "2026-05", "2026-06"]
    assert len(months_of({"year": "2025"})[2]) == 12
    for params, field_name in (({"month": "2026-00"}, "month"), ({"season": "2026-Q0"}, "season"), ({}, "month")):
        with pytest.raises(InvalidInput) as refused:
            months_of(params)
        assert field_name in str(refused.value.problems)


def test_backup_lines_keep_numbers_exact_drop_secrets_and_move_to_the_new_tenant() -> None:
    item = {"pk": "T#acme#USER", "sk": "ann", "entity": "operator", "version": Decimal(3),
            "data": {"password_hash": "$argon2id$x", "rate": Decimal("0.125"), "tenant_id": "acme",
                     "ref": "T#acme#ARC#x", "raw": b"\x00\x01"}}
    line = item_line(item)
    assert "argon2" not in line
    back = line_item(line)
    assert back["data"]["rate"] == Decimal("0.125") and back["version"] == 3 and back["data"]["raw"] == b"\x00\x01"
    assert back["data"]["password_hash"] == ""
    there = moved(back, "acme", "newco")
    assert (there["pk"], there["data"]["ref"], there["data"]["tenant_id"]) == ("T#newco#USER", "T#newco#ARC#x", "newco")
    assert moved({"pk": "T#acme2#X"}, "acme", "newco") == {"pk": "T#acme2#X"}
    assert not kept({"pk": "T#acme#IDEMPOTENCY", "sk": "k"}, "acme")
    assert kept({"pk": "T#acme#VEND", "sk": "1", "entity": "vend"}, "acme")
