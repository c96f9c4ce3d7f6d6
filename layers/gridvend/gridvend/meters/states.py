"""Where a meter is in its life: the warehouse states and the moves an operator may make by hand."""

from __future__ import annotations

from enum import StrEnum


class MeterState(StrEnum):
    IN_WAREHOUSE = "in_warehouse"
    IN_TRANSIT = "in_transit"  # stocked out to another branch, not yet stocked in there
    OUT_FOR_INSTALLATION = "out_for_installation"
    IN_SERVICE = "in_service"
    REPLACED = "replaced"  # removed from site (replacement or cancelled contract), awaiting stock-in
    SCRAPPED = "scrapped"
    MAINTENANCE = "maintenance"


# States a meter may be created in, and the moves a PATCH may make; every other move comes from a bill
# (stock in/out), a contract (installation) or a replacement.
INITIAL_STATES = frozenset({MeterState.IN_WAREHOUSE, MeterState.MAINTENANCE, MeterState.SCRAPPED})
MANUAL_MOVES: dict[MeterState, frozenset[MeterState]] = {
    MeterState.IN_WAREHOUSE: frozenset({MeterState.MAINTENANCE, MeterState.SCRAPPED}),
    MeterState.MAINTENANCE: frozenset({MeterState.IN_WAREHOUSE, MeterState.SCRAPPED}),
}


def may_move_by_hand(current: MeterState, target: MeterState) -> bool:
    return target in MANUAL_MOVES.get(current, frozenset())
