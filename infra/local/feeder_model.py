"""What the demo's simulated master meters read (infra/local/demo_feeder.py). Pure.

A node's master meter measures the energy its consumer meters and its child nodes' master meters take, plus the
node's loss: master register = (sum of the registers below it) x (1 + loss share), for import and export alike.
The masters read whenever a meter below them has reported (at most once a tick), from the latest register of each:
so between any two of their readings they measured exactly (1 + loss share) x what the meters below reported, and
the line-loss reports show the node's loss share. They first read once every meter below them has reported: a
register appearing later would count as energy taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT

ENERGY_CODES = (ACTIVE_IMPORT, ACTIVE_EXPORT)
REGISTER_STEP = Decimal("0.001")  # kWh with three decimals, as the meters' registers


@dataclass(frozen=True)
class MasteredNode:
    master_meter: str
    below: tuple[str, ...]  # consumer meters and the master meters of child nodes
    loss_share: Decimal


@dataclass(frozen=True)
class MasterReading:
    meter: str
    at: datetime
    registers: dict[str, Decimal]


class FeederModel:
    def __init__(self, nodes: Sequence[MasteredNode]) -> None:
        """`nodes` in order children first."""
        self._nodes = tuple(nodes)
        masters = {node.master_meter for node in nodes}
        self._consumers = frozenset(meter for node in nodes for meter in node.below if meter not in masters)
        self._latest: dict[str, tuple[datetime, dict[str, Decimal]]] = {}
        self._newest: datetime | None = None
        self._read_at: datetime | None = None

    @property
    def consumers(self) -> frozenset[str]:
        return self._consumers

    def observe(self, meter: str, at: datetime, registers: Mapping[str, Decimal]) -> None:
        """A reading of any meter: those below the masters are kept (the latest of each)."""
        energy = {code: Decimal(registers[code]) for code in ENERGY_CODES if code in registers}
        if meter not in self._consumers or not energy:
            return
        known = self._latest.get(meter)
        if known is not None and known[0] >= at:
            return
        self._latest[meter] = (at, energy)
        self._newest = at if self._newest is None else max(self._newest, at)

    def due(self) -> list[MasterReading]:
        """The masters' readings at the newest reading's time if anything was reported since they last read."""
        at = self._newest
        if at is None or len(self._latest) < len(self._consumers):
            return []
        if self._read_at is not None and at <= self._read_at:
            return []
        self._read_at = at
        values = {meter: registers for meter, (_, registers) in self._latest.items()}
        readings = []
        for node in self._nodes:
            registers = {
                code: (sum((values.get(meter, {}).get(code, Decimal(0)) for meter in node.below), Decimal(0))
                       * (1 + node.loss_share)).quantize(REGISTER_STEP)
                for code in ENERGY_CODES
            }
            values[node.master_meter] = registers
            readings.append(MasterReading(node.master_meter, at, registers))
        return readings
