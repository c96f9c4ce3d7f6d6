"""`/v1/events` (a meter's events, or a day's across the tenant) and `/v1/alarms` (open alarms, or a
month's; closing one is recorded in the audit trail)."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions.commands.context import command_context
from functions.commands.routes.params import day_param, meter_param, month_param, window
from functions.common.auth import tenant_context
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.clock import utc_now
from gridvend.iot.messages import utc_stamp
from gridvend.store.ami.events import EventRepository

event_routes = Blueprint(__name__)


class CloseAlarm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(max_length=500)] = ""


@route(event_routes, "/v1/events", ["GET"])
def events() -> dict[str, Any]:
    ctx = tenant_context(event_routes.current_request)
    ctx.require("alarms", "view")
    params = query(event_routes.current_request)
    repository = EventRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    limit = page_size(params)
    if params.get("meter"):
        serial = meter_param(params)
        since, until = window(params, default_days=7)
        start = decode_cursor(params, ctx.key_prefix, f"{ctx.key_prefix}EV#{serial}")
        found, next_key = repository.of_meter(serial, utc_stamp(since), utc_stamp(until), limit=limit, start_key=start)
    else:
        day = day_param(params, "day")
        start = decode_cursor(params, ctx.key_prefix, repository.day_partition(day))
        found, next_key = repository.of_day(day, limit=limit, start_key=start)
    return {"items": found, "next_cursor": encode_cursor(next_key)}


@route(event_routes, "/v1/alarms", ["GET"])
def alarms() -> dict[str, Any]:
    ctx = tenant_context(event_routes.current_request)
    ctx.require("alarms", "view")
    params = query(event_routes.current_request)
    repository = EventRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    limit = page_size(params)
    if params.get("month"):
        month = month_param(params)
        start = decode_cursor(params, ctx.key_prefix, f"{ctx.key_prefix}ALARM#{month}")
        found, next_key = repository.alarms_of_month(month, limit=limit, start_key=start)
    else:
        start = decode_cursor(params, ctx.key_prefix, repository.open_alarms_partition())
        found, next_key = repository.open_alarms(limit=limit, start_key=start)
    return {"items": found, "next_cursor": encode_cursor(next_key)}


@route(event_routes, "/v1/alarms/{alarm_id}/close", ["POST"])
def close_alarm(alarm_id: str) -> dict[str, Any]:
    ctx = tenant_context(event_routes.current_request)
    ctx.require("alarms", "close")
    request = body_as(event_routes.current_request, CloseAlarm)
    repository = EventRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    return repository.close_alarm(ctx, alarm_id, request.note, utc_stamp(utc_now()))
