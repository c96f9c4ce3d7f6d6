"""`/v1/imports`: start a bulk import (202 and a job id); `/v1/imports/<job>`: its status, percent and bad rows."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.archives.imports_service import start_import
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.imports.schemas import ImportRequest
from gridvend.store.imports import ImportJobRepository

import_routes = Blueprint(__name__)


@route(import_routes, "/v1/imports", ["POST"])
def create_import() -> Response:
    ctx = tenant_context(import_routes.current_request)
    ctx.require("imports", "create")
    request = body_as(import_routes.current_request, ImportRequest)
    store = tenant_store(ctx.tenant_id)
    job = start_import(store, ctx, request)
    accepted = ImportJobRepository(store, ctx).require(job.job_id)
    return json_response(accepted.public(), status_code=202, headers={"Location": f"/v1/imports/{job.job_id}"})


@route(import_routes, "/v1/imports", ["GET"])
def list_imports() -> dict[str, Any]:
    ctx = tenant_context(import_routes.current_request)
    ctx.require("imports", "view")
    params = query(import_routes.current_request)
    jobs = ImportJobRepository(tenant_store(ctx.tenant_id), ctx)
    start = decode_cursor(params, ctx.key_prefix, jobs.partition)
    found, next_key = jobs.page(limit=page_size(params), start_key=start)
    return {"items": [job.public() for job in found], "next_cursor": encode_cursor(next_key)}


@route(import_routes, "/v1/imports/{job_id}", ["GET"])
def get_import(job_id: str) -> dict[str, Any]:
    ctx = tenant_context(import_routes.current_request)
    ctx.require("imports", "view")
    return ImportJobRepository(tenant_store(ctx.tenant_id), ctx).require(job_id).public()
