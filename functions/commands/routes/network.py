"""`/v1/network` (the network monitor: every thing, online or not, last heard, signal), `/v1/things/{id}`
and `/v1/shadows/{serial}` (a meter's desired and reported relay and parameter state)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalice import Blueprint

from functions.commands.context import command_context
from functions.commands.routes.params import meter_param
from functions.common.auth import tenant_context
from functions.common.requests import decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.ami.network import NetworkStatus, heard, is_silent
from gridvend.clock import utc_now
from gridvend.errors import NotFound
from gridvend.iot.obis import SIGNAL_STRENGTH
from gridvend.store.ami.readings import RollupRepository
from gridvend.store.ami.things import Thing, ThingRegistry
from gridvend.store.items import ItemStore

network_routes = Blueprint(__name__)


def _with_latest_reading(store: ItemStore, tenant_id: str, zone: ZoneInfo, thing: Thing,
                         status: NetworkStatus | None) -> NetworkStatus:
    """Presence from the module's own events; when it was last heard and its signal from its (first)
    meter's latest daily rollup, kept by the stream consumer: ingest writes nothing extra per reading."""
    current = status or NetworkStatus(thing.thing_id)
    if not thing.meters:
        return current
    today = utc_now().astimezone(zone)
    rollups = RollupRepository(store, tenant_id)
    for day in (today, today - timedelta(days=1)):
        rollup, version = rollups.get(thing.meters[0], "day", f"{day:%Y-%m-%d}")
        if version:
            signal = rollup.last.get(SIGNAL_STRENGTH)
            return heard(current, datetime.fromisoformat(rollup.last_at), int(signal) if signal is not None else None)
    return current


def _shown(thing: Thing, status: NetworkStatus | None) -> dict[str, Any]:
    current = status or NetworkStatus(thing.thing_id)
    return {
        "thing_id": thing.thing_id,
        "kind": thing.kind.value,
        "meters": len(thing.meters),
        "online": current.online,
        "since": current.since or None,
        "last_seen": current.last_seen or None,
        "signal_dbm": current.signal_dbm,
        "silent": is_silent(current, utc_now()),
    }


@route(network_routes, "/v1/network", ["GET"])
def network() -> dict[str, Any]:
    ctx = tenant_context(network_routes.current_request)
    ctx.require("network", "view")
    params = query(network_routes.current_request)
    registry = ThingRegistry(command_context(ctx.tenant_id).store, ctx.tenant_id)
    start = decode_cursor(params, ctx.key_prefix, f"{ctx.key_prefix}THING")
    things, next_key = registry.all(limit=page_size(params), start_key=start)
    statuses = {status.thing_id: status for status in registry.statuses([thing.thing_id for thing in things])}
    store, zone = command_context(ctx.tenant_id).store, ctx.calendar.zone
    items = [
        _shown(thing, _with_latest_reading(store, ctx.tenant_id, zone, thing, statuses.get(thing.thing_id)))
        for thing in things
    ]
    summary = {"online": sum(item["online"] for item in items), "offline": sum(not item["online"] for item in items)}
    return {"items": items, "page_summary": summary, "next_cursor": encode_cursor(next_key)}


@route(network_routes, "/v1/things/{thing_id}", ["GET"])
def thing(thing_id: str) -> dict[str, Any]:
    ctx = tenant_context(network_routes.current_request)
    ctx.require("network", "view")
    registry = ThingRegistry(command_context(ctx.tenant_id).store, ctx.tenant_id)
    found = registry.get(thing_id)
    if found is None:
        raise NotFound(f"thing '{thing_id[:64]}' is not provisioned")
    status, _ = registry.status(thing_id)
    store, zone = command_context(ctx.tenant_id).store, ctx.calendar.zone
    shown = _shown(found, _with_latest_reading(store, ctx.tenant_id, zone, found, status))
    return {**shown, "meters": list(found.meters), "iot_thing_name": found.iot_thing_name,
            "certificate_id": found.certificate_id or None, "created_at": found.created_at}


@route(network_routes, "/v1/shadows/{serial}", ["GET"])
def shadow(serial: str) -> dict[str, Any]:
    ctx = tenant_context(network_routes.current_request)
    ctx.require("network", "view")
    meter = meter_param({"serial": serial}, "serial")
    context = command_context(ctx.tenant_id)
    thing_id = ThingRegistry(context.store, ctx.tenant_id).thing_of_meter(meter)
    if thing_id is None:
        raise NotFound(f"no thing serves meter '{meter}'")
    state = context.shadows.get(ctx.tenant_id, thing_id, meter)
    return {
        "meter": meter, "thing": thing_id, "desired": state.get("desired", {}), "reported": state.get("reported", {})
    }
