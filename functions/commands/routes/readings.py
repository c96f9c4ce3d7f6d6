"""`/v1/readings` (a meter's raw readings), `/v1/rollups` (its daily or monthly rollups) and
`/v1/rollups/{period}` (every meter's rollup of one day or month, with the reading success rate)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from functions.commands.context import command_context
from functions.commands.routes.params import day_param, meter_param, month_param, window
from functions.common.auth import tenant_context
from functions.common.requests import decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.ami.rollups import Rollup, success_rate
from gridvend.errors import InvalidInput
from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT, obis_item, wire_registers
from gridvend.store.ami.readings import PeriodKind, ReadingRepository, RollupRepository

reading_routes = Blueprint(__name__)
DEFAULT_EXPECTED_PER_DAY = 96  # a reading every 15 minutes


def _kind(params: dict[str, str]) -> PeriodKind:
    kind = params.get("kind", "day")
    if kind not in ("day", "month"):
        raise InvalidInput.for_field("kind", "day or month")
    return "day" if kind == "day" else "month"


def _expected(params: dict[str, str]) -> int:
    raw = params.get("expected", str(DEFAULT_EXPECTED_PER_DAY))
    if not raw.isdigit() or not 1 <= int(raw) <= 1440:
        raise InvalidInput.for_field("expected", "readings a meter should give a day, 1 to 1440")
    return int(raw)


def _shown(rollup: Rollup, expected_per_day: int, kind: PeriodKind) -> dict[str, Any]:
    expected = expected_per_day if kind == "day" else 31
    return {
        "meter": rollup.meter,
        "period": rollup.period,
        "first_at": rollup.first_at,
        "last_at": rollup.last_at,
        "import_kwh": str(obis_item(ACTIVE_IMPORT).from_stored(rollup.consumption(ACTIVE_IMPORT))),
        "export_kwh": str(obis_item(ACTIVE_EXPORT).from_stored(rollup.consumption(ACTIVE_EXPORT))),
        "readings": rollup.reading_count,
        "success_rate": round(success_rate(rollup, expected), 4),
        "last": {code: str(value) for code, value in wire_registers(rollup.last).items()},
        "highest": {code: str(value) for code, value in wire_registers(rollup.highest).items()},
        "lowest": {code: str(value) for code, value in wire_registers(rollup.lowest).items()},
    }


@route(reading_routes, "/v1/readings", ["GET"])
def readings() -> dict[str, Any]:
    ctx = tenant_context(reading_routes.current_request)
    ctx.require("readings", "view")
    params = query(reading_routes.current_request)
    serial = meter_param(params)
    since, until = window(params)
    repository = ReadingRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    start = decode_cursor(params, ctx.key_prefix, repository.partition(serial))
    items, next_key = repository.between(serial, since, until, limit=page_size(params), start_key=start,
                                         newest_first=True)
    shown = [
        {
            "at": item["data"]["at"],
            "thing": item["data"].get("thing"),
            "source": item["data"].get("source"),
            "registers": {code: str(value) for code, value in wire_registers(
                {str(code): int(value) for code, value in item["data"]["registers"].items()}).items()},
        }
        for item in items
    ]
    return {"meter": serial, "items": shown, "next_cursor": encode_cursor(next_key)}


@route(reading_routes, "/v1/rollups", ["GET"])
def meter_rollups() -> dict[str, Any]:
    ctx = tenant_context(reading_routes.current_request)
    ctx.require("readings", "view")
    params = query(reading_routes.current_request)
    serial = meter_param(params)
    kind = _kind(params)
    check = day_param if kind == "day" else month_param
    first, last = check(params, "from"), check(params, "to")
    if first > last:
        raise InvalidInput.for_field("from", "after to")
    found = RollupRepository(command_context(ctx.tenant_id).store, ctx.tenant_id).of_meter(serial, kind, first, last)
    expected = _expected(params)
    return {"meter": serial, "kind": kind, "items": [_shown(rollup, expected, kind) for rollup in found]}


@route(reading_routes, "/v1/rollups/{period}", ["GET"])
def period_rollups(period: str) -> dict[str, Any]:
    ctx = tenant_context(reading_routes.current_request)
    ctx.require("readings", "view")
    params = query(reading_routes.current_request)
    kind: PeriodKind = "day" if len(period) == 10 else "month"
    (day_param if kind == "day" else month_param)({"period": period}, "period")
    repository = RollupRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    partition = f"{ctx.key_prefix}{'RUD' if kind == 'day' else 'RUM'}#{period}"
    start = decode_cursor(params, ctx.key_prefix, partition)
    found, next_key = repository.of_period(kind, period, limit=page_size(params), start_key=start)
    expected = _expected(params)
    items = [_shown(rollup, expected, kind) for rollup in found]
    rate = sum(item["success_rate"] for item in items) / len(items) if items else 0.0
    return {"period": period, "kind": kind, "items": items, "page_success_rate": round(rate, 4),
            "next_cursor": encode_cursor(next_key)}
