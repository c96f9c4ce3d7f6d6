"""`/v1/archives/<kind>`: list/create, and `/v1/archives/<kind>/<id>`: get/update/delete."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, query
from functions.common.routing import route
from gridvend.archives.kinds import ARCHIVE_KINDS, archive_kind
from gridvend.archives.service import ArchiveService
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput

archive_routes = Blueprint(__name__)
SEARCH_MODES = ("fuzzy", "prefix", "exact")


def _service(ctx: TenantContext) -> ArchiveService:
    return ArchiveService(
        tenant_store(ctx.tenant_id), ctx, int(ctx.extra.get("decimals", "2")), int(ctx.extra.get("region_levels", "5"))
    )


@route(archive_routes, "/v1/archives/{kind}", ["GET"])
def list_records(kind: str) -> dict[str, Any]:
    ctx = tenant_context(archive_routes.current_request)
    archive = archive_kind(kind)
    ctx.require(archive.module, "view")
    params = query(archive_routes.current_request)
    service = _service(ctx)
    search = params.get("q", "").strip()
    mode = params.get("match", "fuzzy")
    if mode not in SEARCH_MODES:
        raise InvalidInput.for_field("match", f"one of {', '.join(SEARCH_MODES)}")
    if search and mode == "exact":
        found = service.repository.get_by_code(archive.name, search)
        return {"items": [service.shown(archive, found)] if found else [], "next_cursor": None}
    parent = params.get("parent")
    partition = service.repository.partition(archive.name)
    if parent is not None:
        partition = f"{partition}#P#{parent}"
    start = decode_cursor(params, ctx.key_prefix, partition)
    records, next_key = service.repository.page(
        archive.name,
        limit=page_size(params),
        start_key=start,
        contains=search if search and mode == "fuzzy" else None,
        name_prefix=search if search and mode == "prefix" else None,
        parent_id=parent,
    )
    return {"items": [service.shown(archive, record) for record in records], "next_cursor": encode_cursor(next_key)}


@route(archive_routes, "/v1/archives/{kind}", ["POST"])
def create_record(kind: str) -> Response:
    ctx = tenant_context(archive_routes.current_request)
    archive = archive_kind(kind)
    ctx.require(archive.module, "create")
    created = _service(ctx).create(archive, json_object(archive_routes.current_request))
    return json_response(created, status_code=201)


@route(archive_routes, "/v1/archives/{kind}/{record_id}", ["GET"])
def get_record(kind: str, record_id: str) -> dict[str, Any]:
    ctx = tenant_context(archive_routes.current_request)
    archive = archive_kind(kind)
    ctx.require(archive.module, "view")
    return _service(ctx).get(archive, record_id)


@route(archive_routes, "/v1/archives/{kind}/{record_id}", ["PUT", "PATCH"])
def update_record(kind: str, record_id: str) -> dict[str, Any]:
    ctx = tenant_context(archive_routes.current_request)
    archive = archive_kind(kind)
    ctx.require(archive.module, "update")
    changes = json_object(archive_routes.current_request)
    expected_version = changes.pop("version", None)
    if expected_version is not None and (not isinstance(expected_version, int) or isinstance(expected_version, bool)):
        raise InvalidInput.for_field("version", "must be a whole number")
    for read_only in ("id", "created_at", "updated_at"):
        changes.pop(read_only, None)
    return _service(ctx).update(archive, record_id, changes, expected_version)


@route(archive_routes, "/v1/archives/{kind}/{record_id}", ["DELETE"])
def delete_record(kind: str, record_id: str) -> Response:
    ctx = tenant_context(archive_routes.current_request)
    archive = archive_kind(kind)
    ctx.require(archive.module, "delete")
    _service(ctx).delete(archive, record_id)
    return Response(body="", status_code=204)


@route(archive_routes, "/v1/archives", ["GET"])
def list_kinds() -> dict[str, Any]:
    ctx = tenant_context(archive_routes.current_request)
    kinds = [
        {"kind": kind.name, "references": kind.references, "tree": kind.parent_field is not None}
        for kind in ARCHIVE_KINDS.values()
        if ctx.can(kind.module, "view")
    ]
    return {"items": kinds}
