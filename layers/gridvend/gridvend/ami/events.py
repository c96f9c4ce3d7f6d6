"""Meter events and which of them raise alarms. A tenant's event-type archive (code = the event code,
`alarm` flag, severity 1-5) overrides these defaults, so each utility decides what pages its staff."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gridvend.iot.messages import EventCode


@dataclass(frozen=True)
class EventType:
    code: str
    name: str
    alarm: bool
    severity: int  # 1 (note) .. 5 (critical)


def _default(code: EventCode, name: str, alarm: bool, severity: int) -> EventType:
    return EventType(code.value, name, alarm, severity)


DEFAULT_EVENT_TYPES: dict[str, EventType] = {
    entry.code: entry
    for entry in (
        _default(EventCode.POWER_OFF, "Power off", False, 2),
        _default(EventCode.POWER_ON, "Power on", False, 1),
        _default(EventCode.COVER_OPEN, "Terminal cover open", True, 4),
        _default(EventCode.COVER_CLOSED, "Terminal cover closed", False, 1),
        _default(EventCode.TAMPER, "Tamper detected", True, 5),
        _default(EventCode.LOW_CREDIT_1, "Low credit (alarm 1)", True, 2),
        _default(EventCode.LOW_CREDIT_2, "Low credit (alarm 2)", True, 3),
        _default(EventCode.CREDIT_EXHAUSTED, "Credit exhausted", True, 3),
        _default(EventCode.RELAY_OPEN, "Relay disconnected", False, 2),
        _default(EventCode.RELAY_CLOSED, "Relay connected", False, 1),
        _default(EventCode.OVERLOAD, "Overload (power over threshold)", True, 4),
        _default(EventCode.TOKEN_ACCEPTED, "Token accepted", False, 1),
        _default(EventCode.TOKEN_REJECTED, "Token rejected", False, 2),
        _default(EventCode.MODULE_ONLINE, "Module online", False, 1),
        _default(EventCode.MODULE_OFFLINE, "Module offline", True, 3),
        _default(EventCode.FIRMWARE_UPDATED, "Firmware updated", False, 1),
    )
}


def event_type(code: str, tenant_types: Mapping[str, Mapping[str, Any]]) -> EventType:
    """The tenant's definition of an event code (archive data by upper-case code), else the default."""
    default = DEFAULT_EVENT_TYPES.get(code) or EventType(code, code.replace("_", " ").capitalize(), False, 1)
    defined = tenant_types.get(code.upper())
    if defined is None:
        return default
    return EventType(
        code,
        str(defined.get("name") or default.name),
        bool(defined.get("alarm", default.alarm)),
        int(defined.get("severity", default.severity)),
    )
