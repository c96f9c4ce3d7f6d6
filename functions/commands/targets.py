"""Which meters a command goes to: listed meters, every meter on a concentrator, every meter of a region
(its branches and those of its sub-regions), of a part of the supply grid (functions.commands.grid_targets),
or a selection by state, branch, model or serial prefix.
Each meter comes with the thing that reaches it (None when no thing is provisioned for it)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from functions.commands.grid_targets import GridTarget, grid_meters
from gridvend.archives.fields import RecordId
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput, NotFound
from gridvend.iot.messages import Serial
from gridvend.iot.topics import THING_ID_PATTERN
from gridvend.meters.states import MeterState
from gridvend.store.ami.things import ThingRegistry
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterQuery, MeterRepository

MAX_TARGETS = 5000
ThingId = Annotated[str, StringConstraints(pattern=THING_ID_PATTERN.pattern)]


class Selection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: MeterState | None = None
    branch_id: RecordId | None = None
    model_id: RecordId | None = None
    serial_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9\-]{1,32}$")] | None = None


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meters: list[Serial] | None = Field(default=None, min_length=1, max_length=MAX_TARGETS)
    concentrator: ThingId | None = None
    region: RecordId | None = None
    grid: GridTarget | None = None
    selection: Selection | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Targets:
        given = [name for name in ("meters", "concentrator", "region", "grid", "selection") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of meters, concentrator, region, grid, selection")
        return self


def resolve(store: ItemStore, ctx: TenantContext, targets: Targets) -> list[tuple[str, str | None]]:
    """(serial, thing id or None) for every target meter, each once, in a stable order."""
    things = ThingRegistry(store, ctx.tenant_id)
    if targets.concentrator:
        thing = things.get(targets.concentrator)
        if thing is None:
            raise NotFound(f"concentrator '{targets.concentrator}' is not provisioned")
        return [(serial, thing.thing_id) for serial in thing.meters]
    if targets.meters:
        serials = list(dict.fromkeys(targets.meters))
    elif targets.region:
        serials = _region_meters(store, ctx, targets.region)
    elif targets.grid:
        serials = grid_meters(store, ctx, targets.grid)
    else:
        assert targets.selection is not None
        serials = _selected(store, ctx, MeterQuery(**targets.selection.model_dump()))
    if not serials:
        raise InvalidInput.for_field("targets", "no meter matches")
    if len(serials) > MAX_TARGETS:
        raise InvalidInput.for_field("targets", f"{len(serials)} meters; one task reaches at most {MAX_TARGETS}")
    return [(serial, things.thing_of_meter(serial)) for serial in serials]


def _selected(store: ItemStore, ctx: TenantContext, query: MeterQuery) -> list[str]:
    meters = MeterRepository(store, ctx)
    found: list[str] = []
    start: dict[str, str] | None = None
    while len(found) <= MAX_TARGETS:
        page, start = meters.page(query, limit=500, start_key=start)
        found += [meter.serial for meter in page]
        if start is None:
            break
    return found


def _region_meters(store: ItemStore, ctx: TenantContext, region_id: str) -> list[str]:
    archives = ArchiveRepository(store, ctx)
    if archives.get("regions", region_id) is None:
        raise NotFound(f"region '{region_id}' does not exist")
    regions = {region_id}
    frontier = [region_id]
    while frontier:
        children, _ = archives.page("regions", limit=500, start_key=None, parent_id=frontier.pop())
        for child in children:
            if child.record_id not in regions:
                regions.add(child.record_id)
                frontier.append(child.record_id)
    branches: list[Any] = []
    start: dict[str, str] | None = None
    while True:
        page, start = archives.page("branches", limit=500, start_key=start)
        branches += [branch for branch in page if branch.data.get("region_id") in regions]
        if start is None:
            break
    serials: list[str] = []
    for branch in branches:
        serials += _selected(store, ctx, MeterQuery(branch_id=branch.record_id))
    return list(dict.fromkeys(serials))
