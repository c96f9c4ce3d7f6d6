"""`/v1/collection-schedules`: read chosen OBIS items from meters every 1-64 minutes, hours, days or
months from a base time; each run is a task whose answers are kept as readings."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from functions.commands.context import command_context
from functions.commands.targets import Targets, resolve
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.ami.schedules import MAX_EVERY, PeriodUnit, next_run_after
from gridvend.clock import utc_now
from gridvend.errors import NotFound
from gridvend.ids import new_id
from gridvend.iot.messages import UtcTime, utc_stamp
from gridvend.iot.obis import obis_item
from gridvend.store.ami.schedules import Schedule, ScheduleRepository

schedule_routes = Blueprint(__name__)


def _known_codes(codes: list[str]) -> list[str]:
    for code in codes:
        obis_item(code)
    return list(dict.fromkeys(codes))


class ScheduleInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    obis: Annotated[list[str], Field(min_length=1, max_length=32), AfterValidator(_known_codes)]
    unit: PeriodUnit
    every: int = Field(ge=1, le=MAX_EVERY)
    base_time: UtcTime
    targets: Targets
    enabled: bool = True


@route(schedule_routes, "/v1/collection-schedules", ["POST"])
def create_schedule() -> Response:
    ctx = tenant_context(schedule_routes.current_request)
    ctx.require("collection-schedules", "create")
    given = body_as(schedule_routes.current_request, ScheduleInput)
    context = command_context(ctx.tenant_id)
    resolve(context.store, ctx, given.targets)  # refuses targets that reach no meter now
    schedule = Schedule(
        schedule_id=new_id(), name=given.name, obis=tuple(given.obis), unit=given.unit, every=given.every,
        base_time=utc_stamp(given.base_time), targets=given.targets.model_dump(mode="json", exclude_none=True),
        next_run=utc_stamp(next_run_after(given.base_time, given.unit, given.every, utc_now(), ctx.calendar)),
        enabled=given.enabled, created_by=ctx.username,
    )
    ScheduleRepository(context.store, ctx.tenant_id).create(ctx, schedule)
    return json_response(schedule.public(), 201)


@route(schedule_routes, "/v1/collection-schedules", ["GET"])
def list_schedules() -> dict[str, Any]:
    ctx = tenant_context(schedule_routes.current_request)
    ctx.require("collection-schedules", "view")
    params = query(schedule_routes.current_request)
    repository = ScheduleRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    start = decode_cursor(params, ctx.key_prefix, repository.partition)
    found, next_key = repository.all(limit=page_size(params), start_key=start)
    return {"items": [schedule.public() for schedule in found], "next_cursor": encode_cursor(next_key)}


@route(schedule_routes, "/v1/collection-schedules/{schedule_id}", ["GET"])
def show_schedule(schedule_id: str) -> dict[str, Any]:
    ctx = tenant_context(schedule_routes.current_request)
    ctx.require("collection-schedules", "view")
    repository = ScheduleRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    schedule = repository.get(schedule_id)
    if schedule is None:
        raise NotFound(f"collection schedule '{schedule_id[:40]}' does not exist")
    runs, _ = repository.runs(schedule_id, limit=50, start_key=None)
    return {**schedule.public(), "runs": runs}


@route(schedule_routes, "/v1/collection-schedules/{schedule_id}", ["DELETE"])
def delete_schedule(schedule_id: str) -> Response:
    ctx = tenant_context(schedule_routes.current_request)
    ctx.require("collection-schedules", "delete")
    ScheduleRepository(command_context(ctx.tenant_id).store, ctx.tenant_id).delete(ctx, schedule_id)
    return Response(body="", status_code=204)
