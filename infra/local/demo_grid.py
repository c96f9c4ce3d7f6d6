"""The demo tenant's supply topology, for the line-loss reports. Feeder line L1 (master meter 58000000098) feeds
the fleet meters 58000000000 and 58000000009 and the transformer area T1 (master meter 58000000099), which feeds
the vending demo meters 58000000001..08. The consumer meters are the demo fleet's (iot/router/services.py); the two
master meters are simulated by infra/local/demo_feeder.py, which measures what its node's meters draw plus a loss.

DEMO_TOPOLOGY holds the archive records in bootstrap's `(kind, payload)` shape (`@kind:CODE` names another record
by its code)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from infra.local.demo_vending import DEMO_METERS

TOPOLOGY_CODE = "FEEDER1"


@dataclass(frozen=True)
class DemoNode:
    code: str
    name: str
    level: str
    master_meter: str
    meters: tuple[str, ...]
    loss_share: Decimal  # what the simulated master meter measures beyond its node's meters
    parent_code: str | None = None


TRANSFORMER = DemoNode("T1", "Transformer 1 area", "transformer", "58000000099", tuple(DEMO_METERS), Decimal("0.04"),
                       parent_code="L1")
LINE = DemoNode("L1", "Line 1", "line", "58000000098", ("58000000000", "58000000009"), Decimal("0.03"))
# Parents after their children: each master meter's reading is computed from what is below it.
DEMO_NODES = (TRANSFORMER, LINE)


def _node_record(node: DemoNode) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": node.code,
        "name": node.name,
        "topology_id": f"@topologies:{TOPOLOGY_CODE}",
        "level": node.level,
        "master_meter": node.master_meter,
        "meters": list(node.meters),
    }
    if node.parent_code is not None:
        record["parent_id"] = f"@topology-nodes:{node.parent_code}"
    return record


DEMO_TOPOLOGY: list[tuple[str, dict[str, Any]]] = [
    ("topologies", {"code": TOPOLOGY_CODE, "name": "Feeder 1 (demo)"}),
    *(("topology-nodes", _node_record(node)) for node in reversed(DEMO_NODES)),
]
