"""Keeps each thing's presence (online or offline since when, signal) from its module's online and
offline events. When it was last heard comes from its meter's latest rollup, so an ordinary reading
costs ingest no extra write."""

from __future__ import annotations

from collections.abc import Callable

from gridvend.ami.network import NetworkStatus, presence
from gridvend.iot.messages import EventCode
from gridvend.store.ami.events import NewEvent
from gridvend.store.ami.things import ThingRegistry
from gridvend.store.items import ItemStore

WRITE_ATTEMPTS = 5


class NetworkTracker:
    def __init__(self, store: ItemStore) -> None:
        self._store = store

    def event(self, new: NewEvent) -> None:
        code = new.event_type.code
        if code not in (EventCode.MODULE_ONLINE, EventCode.MODULE_OFFLINE):
            return
        raw_signal = new.detail.get("signal_dbm")
        signal = int(raw_signal) if isinstance(raw_signal, int | float) else None
        online = code == EventCode.MODULE_ONLINE
        self._update(new.tenant_id, new.thing_id, lambda status: presence(status, online, new.at, signal))

    def _update(self, tenant_id: str, thing_id: str, change: Callable[[NetworkStatus], NetworkStatus]) -> None:
        registry = ThingRegistry(self._store, tenant_id)
        for _ in range(WRITE_ATTEMPTS):
            current, version = registry.status(thing_id)
            status = current or NetworkStatus(thing_id)
            updated = change(status)
            if updated == status and current is not None:
                return
            if registry.put_status(updated, version):
                return
