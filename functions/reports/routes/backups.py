"""Backups: `POST /v1/backups` (a tenant admin, reports:backup) starts a job (202) that writes the tenant's
data to the reports bucket; `GET /v1/backups/{backup_id}` tells its progress and gives the download links.
A platform operator restores one into an empty tenant: `POST /v1/platform/tenants/{tenant_id}/restore`
{"source_tenant": ..., "backup_id": ...}. The scan and the restore run on the function's own credentials."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import item_store, tenant_store
from functions.common.requests import body_as
from functions.common.routing import route
from functions.reports.backup import BackupBucket, BackupJobs, restore
from functions.reports.backup_worker import backup_bucket, queue_backup
from gridvend.auth.context import validate_tenant_id

backup_routes = Blueprint(__name__)

TenantId = Annotated[str, StringConstraints(min_length=1, max_length=32)]
BackupId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class RestoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source_tenant: TenantId
    backup_id: BackupId


def _bucket() -> BackupBucket:
    return backup_bucket()


@route(backup_routes, "/v1/backups", ["POST"])
def start_backup() -> Response:
    ctx = tenant_context(backup_routes.current_request)
    ctx.require("reports", "backup")
    return json_response(queue_backup(ctx, _bucket()), status_code=202)


@route(backup_routes, "/v1/backups/{backup_id}", ["GET"])
def show_backup(backup_id: str) -> dict[str, Any]:
    ctx = tenant_context(backup_routes.current_request)
    ctx.require("reports", "backup")
    return BackupJobs(tenant_store(ctx.tenant_id), item_store(), ctx, _bucket()).get(backup_id)


@route(backup_routes, "/v1/platform/tenants/{tenant_id}/restore", ["POST"])
def restore_tenant(tenant_id: str) -> Response:
    ctx = tenant_context(backup_routes.current_request)
    ctx.require_platform_operator()
    validate_tenant_id(tenant_id, "tenant_id")
    request = body_as(backup_routes.current_request, RestoreRequest)
    validate_tenant_id(request.source_tenant, "source_tenant")
    outcome = restore(item_store(), _bucket(), tenant_id, request.source_tenant, request.backup_id)
    return json_response(outcome, status_code=201)
