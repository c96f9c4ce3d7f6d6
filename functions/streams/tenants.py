"""Each tenant's money decimals and time zone, read from its settings and kept for a few minutes."""

from __future__ import annotations

import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from gridvend.store.items import ItemStore
from gridvend.store.tenants import own_tenant_settings
from gridvend.tenancy.calendar import zone_named

CACHE_SECONDS = 300.0


class TenantFacts:
    def __init__(self, store: ItemStore, clock: Callable[[], float] = time.monotonic) -> None:
        self._store, self._clock = store, clock
        self._known: dict[str, tuple[float, int, ZoneInfo]] = {}

    def of(self, tenant_id: str) -> tuple[int, ZoneInfo]:
        cached = self._known.get(tenant_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1], cached[2]
        settings = own_tenant_settings(self._store, tenant_id) or {}
        zone = zone_named(str(settings.get("timezone") or ""))
        decimals = int(settings.get("decimals", 2))
        self._known[tenant_id] = (self._clock(), decimals, zone)
        return decimals, zone
