"""Archive schemas of the supply topology (seed 004 §7, seed 000 §6): a topology belongs to a power grid;
its nodes form a tree (a line, a transformer's supply area, or any other point of supply). Each node has
a master meter that measures what enters it, and the consumer meters fed directly from it; a child node's
master meter counts as downstream of its parent."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from gridvend.archives.fields import ArchiveInput, RecordId
from gridvend.meters.serials import SERIAL_PATTERN

MAX_NODE_METERS = 2000


def _normal_serial(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


MeterSerial = Annotated[str, BeforeValidator(_normal_serial), StringConstraints(pattern=SERIAL_PATTERN.pattern)]


class TopologyInput(ArchiveInput):
    power_grid_id: RecordId | None = None


class NodeLevel(StrEnum):
    LINE = "line"
    TRANSFORMER = "transformer"  # a transformer's supply area
    AREA = "area"
    NODE = "node"


class TopologyNodeInput(ArchiveInput):
    topology_id: RecordId
    parent_id: RecordId | None = None
    level: NodeLevel = NodeLevel.NODE
    line_id: RecordId | None = None
    transformer_id: RecordId | None = None
    master_meter: MeterSerial | None = None
    meters: Annotated[list[MeterSerial], Field(max_length=MAX_NODE_METERS)] = []

    @model_validator(mode="after")
    def _meters_once(self) -> TopologyNodeInput:
        if len(set(self.meters)) != len(self.meters):
            raise ValueError("meters: a meter is listed twice")
        if self.master_meter is not None and self.master_meter in self.meters:
            raise ValueError("meters: the master meter cannot also be one of the node's consumer meters")
        return self
