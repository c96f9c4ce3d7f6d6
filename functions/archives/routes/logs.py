"""`/v1/audit` (every change) and `/v1/login-log` (every login attempt), month by month."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint

from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.clock import utc_now
from gridvend.errors import InvalidInput
from gridvend.store.audit import AuditRepository
from gridvend.store.users import OperatorRepository

log_routes = Blueprint(__name__)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(params: dict[str, str]) -> str:
    month = params.get("month") or f"{utc_now():%Y-%m}"
    if not MONTH.match(month):
        raise InvalidInput.for_field("month", "YYYY-MM")
    return month


@route(log_routes, "/v1/audit", ["GET"])
def audit_trail() -> dict[str, Any]:
    ctx = tenant_context(log_routes.current_request)
    ctx.require("audit", "view")
    params = query(log_routes.current_request)
    repository = AuditRepository(tenant_store(ctx.tenant_id), ctx)
    month = _month(params)
    start = decode_cursor(params, ctx.key_prefix, repository.partition(month))
    entries, next_key = repository.month(month, limit=page_size(params), start_key=start)
    entity, entity_id = params.get("entity"), params.get("entity_id")
    entries = [
        entry
        for entry in entries
        if (not entity or entry["entity"] == entity) and (not entity_id or entry["entity_id"] == entity_id)
    ]
    return {"items": entries, "next_cursor": encode_cursor(next_key)}


@route(log_routes, "/v1/login-log", ["GET"])
def login_log() -> dict[str, Any]:
    ctx = tenant_context(log_routes.current_request)
    ctx.require("login-log", "view")
    params = query(log_routes.current_request)
    month = _month(params)
    start = decode_cursor(params, ctx.key_prefix, f"{ctx.key_prefix}LOGIN#{month}")
    entries, next_key = OperatorRepository(tenant_store(ctx.tenant_id), ctx.tenant_id).login_log(
        month, limit=page_size(params), start_key=start
    )
    return {"items": entries, "next_cursor": encode_cursor(next_key)}
