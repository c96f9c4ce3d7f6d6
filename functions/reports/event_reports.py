"""Alarm events, current (open) and history (seed 000 §5.12, seed 002 §4.1, §4.8), and the disconnected
meters and gateways of the network monitor (seed 002 §4.5-4.6)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from functions.reports.listed import ListedReport, ReportInputs, ReportRows, col
from functions.reports.scan import every_item
from gridvend.ami.network import NetworkStatus, heard, is_silent
from gridvend.iot.obis import SIGNAL_STRENGTH
from gridvend.reports.parameters import ReportParameter, month_span
from gridvend.store.ami.events import EventRepository
from gridvend.store.ami.readings import RollupRepository

HISTORY_MONTHS = 12


def _alarm_row(alarm: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": alarm.get("at"),
        "meter": alarm.get("meter"),
        "code": alarm.get("code"),
        "name": alarm.get("name"),
        "severity": int(alarm.get("severity") or 0),
        "state": alarm.get("state"),
        "closed_by": alarm.get("closed_by") or "",
        "closed_at": alarm.get("closed_at") or "",
        "alarm_id": alarm.get("alarm_id"),
    }


def _alarms(inputs: ReportInputs) -> list[dict[str, Any]]:
    values, today = inputs.values, inputs.today
    repository = EventRepository(inputs.store, inputs.ctx.tenant_id)
    if values["state"] == "open":
        items = every_item(inputs.store, repository.open_alarms_partition(), index="gsi1", newest_first=True)
        return [item["data"] for item in items]
    first = values.get("from") or f"{today - timedelta(days=31 * (HISTORY_MONTHS - 1)):%Y-%m}"
    last = values.get("to") or f"{today:%Y-%m}"
    return [
        item["data"]
        for month in reversed(month_span(first, last, 36))
        for item in every_item(inputs.store, f"{inputs.ctx.key_prefix}ALARM#{month}", newest_first=True)
    ]


def alarm_events(inputs: ReportInputs) -> ReportRows:
    values = inputs.values
    rows = []
    for alarm in _alarms(inputs):
        at = str(alarm.get("at") or "")
        if (values.get("from") and at[:7] < values["from"]) or (values.get("to") and at[:7] > values["to"]):
            continue
        if values["state"] == "closed" and alarm.get("state") != "closed":
            continue
        if values.get("meter") is not None and alarm.get("meter") not in values["meter"]:
            continue
        if values.get("code") is not None and alarm.get("code") not in values["code"]:
            continue
        if int(alarm.get("severity") or 0) < values["severity"]:
            continue
        rows.append(_alarm_row(alarm))
    return ReportRows(rows)


ALARM_EVENTS = ListedReport(
    "alarm-events", "Alarm events", "energy",
    (
        ReportParameter("state", "choice", "Alarms", default="open", choices=("open", "closed", "all")),
        ReportParameter("from", "month", "From month (history)"),
        ReportParameter("to", "month", "To month (history)"),
        ReportParameter("meter", "list", "Meters"),
        ReportParameter("code", "list", "Event codes"),
        ReportParameter("severity", "integer", "Lowest severity", default=1, minimum=1, maximum=5),
    ),
    (col("at", "Time (UTC)", "time"), col("meter", "Meter"), col("code", "Event code"), col("name", "Event"),
     col("severity", "Severity", "number"), col("state", "State"), col("closed_by", "Closed by"),
     col("closed_at", "Closed at", "time"), col("alarm_id", "Alarm id")),
    alarm_events,
    also_requires=("alarms", "view"),
)


def _latest_heard(inputs: ReportInputs, meter: str, status: NetworkStatus) -> NetworkStatus:
    """When the thing was last heard, from its meter's latest daily rollup (today's or yesterday's)."""
    rollups = RollupRepository(inputs.store, inputs.ctx.tenant_id)
    local_now = inputs.now.astimezone(inputs.zone)
    for day in (local_now, local_now - timedelta(days=1)):
        rollup, version = rollups.get(meter, "day", f"{day:%Y-%m-%d}")
        if version and rollup.last_at:
            signal = rollup.last.get(SIGNAL_STRENGTH)
            return heard(status, datetime.fromisoformat(rollup.last_at), int(signal) if signal is not None else None)
    return status


def _status_of(data: dict[str, Any]) -> NetworkStatus:
    signal = data.get("signal_dbm")
    return NetworkStatus(
        thing_id=str(data["thing_id"]),
        online=bool(data.get("online", False)),
        since=str(data.get("since") or ""),
        last_seen=str(data.get("last_seen") or ""),
        signal_dbm=int(signal) if signal is not None else None,
    )


def disconnected(inputs: ReportInputs) -> ReportRows:
    """Things offline, or silent (online but unheard for longer than the monitor allows) when asked."""
    statuses = {
        str(item["sk"]): _status_of(item["data"])
        for item in every_item(inputs.store, f"{inputs.ctx.key_prefix}NETSTAT")
    }
    kinds = {"meters": ("module",), "gateways": ("concentrator",), "all": ("module", "concentrator")}
    wanted = kinds[inputs.values["devices"]]
    rows = []
    for item in every_item(inputs.store, f"{inputs.ctx.key_prefix}THING"):
        thing_id, kind = str(item["data"]["thing_id"]), str(item["data"]["kind"])
        if kind not in wanted:
            continue
        current = statuses.get(thing_id) or NetworkStatus(thing_id)
        meters = [str(meter) for meter in item["data"].get("meters") or []]
        if meters:
            current = _latest_heard(inputs, meters[0], current)
        silent = is_silent(current, inputs.now)
        if current.online and not (silent and inputs.values["silent"]):
            continue
        rows.append({
            "thing_id": thing_id, "kind": kind, "meters": " ".join(meters[:50]), "meter_count": len(meters),
            "reason": "offline" if not current.online else "silent",
            "since": current.since, "last_seen": current.last_seen, "signal_dbm": current.signal_dbm,
        })
    rows.sort(key=lambda row: (row["kind"], row["thing_id"]))
    return ReportRows(rows, {"meter_count": sum(row["meter_count"] for row in rows)})


DISCONNECTED = ListedReport(
    "disconnected-devices", "Disconnected meters and gateways", "energy",
    (
        ReportParameter("devices", "choice", "Devices", default="all", choices=("all", "meters", "gateways")),
        ReportParameter("silent", "boolean", "Include silent devices (online, not heard lately)", default=True),
    ),
    (col("thing_id", "Device"), col("kind", "Kind"), col("meters", "Meters"), col("meter_count", "Meter count",
                                                                                   "count"),
     col("reason", "State"), col("since", "Since", "time"), col("last_seen", "Last heard", "time"),
     col("signal_dbm", "Signal dBm", "number")),
    disconnected,
    also_requires=("network", "view"),
)

REPORTS = (ALARM_EVENTS, DISCONNECTED)
