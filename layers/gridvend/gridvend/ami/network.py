"""The network monitor's view of a thing: online or offline since when, when last heard, signal.
Presence comes from the module's own online/offline events (offline is its MQTT last will); any uplink
counts as being heard. Updates are order-free: an older report never overwrites a newer one."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from gridvend.iot.messages import utc_stamp

SILENT_AFTER = timedelta(hours=2)  # heard nothing for this long: shown as silent even if "online"


@dataclass(frozen=True)
class NetworkStatus:
    thing_id: str
    online: bool = False
    since: str = ""
    last_seen: str = ""
    signal_dbm: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def heard(status: NetworkStatus, at: datetime, signal_dbm: int | None) -> NetworkStatus:
    stamp = utc_stamp(at)
    if status.last_seen and stamp <= status.last_seen:
        return status
    signal = signal_dbm if signal_dbm is not None else status.signal_dbm
    online_since = status.since if status.online else stamp
    return replace(status, online=True, since=online_since, last_seen=stamp, signal_dbm=signal)


def presence(status: NetworkStatus, online: bool, at: datetime, signal_dbm: int | None) -> NetworkStatus:
    stamp = utc_stamp(at)
    if status.since and stamp < status.since:
        return status
    last_seen = max(status.last_seen, stamp) if online else status.last_seen
    signal = signal_dbm if signal_dbm is not None else status.signal_dbm
    return replace(status, online=online, since=stamp, last_seen=last_seen, signal_dbm=signal)


def is_silent(status: NetworkStatus, now: datetime) -> bool:
    if not status.last_seen:
        return True
    return now - datetime.fromisoformat(status.last_seen) > SILENT_AFTER
