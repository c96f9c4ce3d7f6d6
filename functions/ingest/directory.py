"""What ingest looks up for every message, cached in the process for a short while: the thing that
published (and the meters it serves) and the tenant's event types. Unknown things are not cached, so a
thing provisioned a moment ago is found at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from gridvend.archives.kinds import archive_kind
from gridvend.auth.context import system_context
from gridvend.store.ami.things import Thing, ThingRegistry
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import ItemStore

CACHE_SECONDS = 60.0
EVENT_TYPES_PAGE = 200


class Directory:
    def __init__(self, store: ItemStore, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._clock = clock
        self._things: dict[tuple[str, str], tuple[float, Thing]] = {}
        self._event_types: dict[str, tuple[float, dict[str, Mapping[str, Any]]]] = {}
        self._lock = threading.Lock()

    def thing(self, tenant_id: str, thing_id: str) -> Thing | None:
        key = (tenant_id, thing_id)
        with self._lock:
            cached = self._things.get(key)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = ThingRegistry(self._store, tenant_id).get(thing_id)
        if found is not None:
            with self._lock:
                self._things[key] = (self._clock(), found)
        return found

    def event_types(self, tenant_id: str) -> dict[str, Mapping[str, Any]]:
        """The tenant's event-type archive by upper-case code."""
        with self._lock:
            cached = self._event_types.get(tenant_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        repository = ArchiveRepository(self._store, system_context(tenant_id, "ingest"))
        kind = archive_kind("event-types").name
        records, start = repository.page(kind, limit=EVENT_TYPES_PAGE, start_key=None)
        while start is not None:
            more, start = repository.page(kind, limit=EVENT_TYPES_PAGE, start_key=start)
            records += more
        types: dict[str, Mapping[str, Any]] = {
            record.code.upper(): {"name": record.name, **record.data} for record in records
        }
        with self._lock:
            self._event_types[tenant_id] = (self._clock(), types)
        return types

    def forget(self) -> None:
        with self._lock:
            self._things.clear()
            self._event_types.clear()
