"""The line-loss node cells and the meter contributions that keep them (see gridvend.reports.line_loss).

Access patterns:
- node cells of a month:          pk=T#<t>#LL#<yyyy-mm>   sk=<node id>#SUP | <node id>#DWN
                                  tally_energy = forward Wh, tally_net = reverse Wh, tally_count = meters
- a meter's contribution:         pk=T#<t>#LLC#<yyyy-mm>  sk=<meter>   version = the rollup version it came from
A contribution and the cell additions it causes are written in one transaction conditioned on the
contribution being as read, so a redelivered or older rollup changes nothing and two writers cannot both add.
"""

from __future__ import annotations

from collections.abc import Iterator

from gridvend.reports.line_loss import Contribution, Energy, NodeEnergy, Side, Target, contribution_changes
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put, TransactionConflict, WriteOp

ATTEMPTS = 8
PAGE = 1000
SIDE_LETTERS: dict[Side, str] = {"supplied": "SUP", "downstream": "DWN"}
SIDES_BY_LETTER: dict[str, Side] = {letter: side for side, letter in SIDE_LETTERS.items()}


class LineLossStore:
    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._prefix = f"T#{tenant_id}#"

    def contribution(self, meter: str, month: str) -> Contribution | None:
        item = self._store.get(f"{self._prefix}LLC#{month}", meter)
        if item is None:
            return None
        data = item.get("data") or {}
        targets = frozenset(_target(text) for text in data.get("targets") or [])
        return Contribution(int(item["version"]), Energy(int(data["forward"]), int(data["reverse"])), targets)

    def contribute(self, meter: str, month: str, after: Contribution) -> bool:
        """Moves the meter's month to `after`; False when an equal or newer rollup version counted already."""
        for _ in range(ATTEMPTS):
            before = self.contribution(meter, month)
            if before is not None and before.version >= after.version:
                return False
            operations: list[WriteOp] = [Put(self._contribution_item(meter, month, after), _as_read(before))]
            for (node_id, side), change in sorted(contribution_changes(before, after).items()):
                operations.append(
                    Increment(
                        f"{self._prefix}LL#{month}",
                        f"{node_id}#{SIDE_LETTERS[side]}",
                        {
                            "tally_energy": change.energy.forward,
                            "tally_net": change.energy.reverse,
                            "tally_count": change.meters,
                        },
                        assign={"entity": "line-loss-cell"},
                    )
                )
            try:
                self._store.transact(operations)
                return True
            except TransactionConflict:
                continue
        raise RuntimeError(f"line-loss contribution of {meter} {month} kept changing")

    def month_cells(self, month: str) -> dict[str, NodeEnergy]:
        """Every node's energy in a month."""
        found: dict[str, NodeEnergy] = {}
        for item in self._pages(f"{self._prefix}LL#{month}"):
            node_id, _, letter = str(item["sk"]).rpartition("#")
            side = SIDES_BY_LETTER.get(letter)
            if side is None:
                continue
            energy = Energy(int(item.get("tally_energy", 0)), int(item.get("tally_net", 0)))
            meters = int(item.get("tally_count", 0))
            part = NodeEnergy(supplied=energy, supplied_meters=meters) if side == "supplied" else NodeEnergy(
                downstream=energy, downstream_meters=meters
            )
            found[node_id] = found.get(node_id, NodeEnergy()) + part
        return found

    def _contribution_item(self, meter: str, month: str, contribution: Contribution) -> Item:
        return {
            "pk": f"{self._prefix}LLC#{month}",
            "sk": meter,
            "entity": "line-loss-contribution",
            "version": contribution.version,
            "data": {
                "forward": contribution.energy.forward,
                "reverse": contribution.energy.reverse,
                "targets": sorted(f"{node_id}|{side}" for node_id, side in contribution.targets),
            },
        }

    def _pages(self, partition: str) -> Iterator[Item]:
        start: dict[str, str] | None = None
        while True:
            page = self._store.query(partition, limit=PAGE, start_key=start)
            yield from page.items
            if page.next_key is None:
                return
            start = page.next_key


def _as_read(before: Contribution | None) -> Condition:
    return Condition.absent() if before is None else Condition(equals={"version": before.version})


def _target(text: str) -> Target:
    node_id, _, side = text.rpartition("|")
    return node_id, "supplied" if side == "supplied" else "downstream"
