"""`/v1/reports`: the catalogue, and each report as JSON for screens or as a CSV, XLSX or PDF file
(`?format=`; the file comes base64-encoded with its content type, like receipts)."""

from __future__ import annotations

import base64
import functools
from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import query
from functions.common.routing import route
from functions.reports.catalogue import LISTED_REPORTS, rollup_described, run_listed
from functions.reports.exports import CONTENT_TYPES, export
from functions.reports.jobs import ExportBucket, ExportJobs, bucket_from_env
from functions.reports.query import parse_query
from functions.reports.sales import run_rollup_report
from gridvend.auth.context import TenantContext
from gridvend.errors import Forbidden, InvalidInput, NotFound
from gridvend.reports.definitions import ROLLUP_REPORTS
from gridvend.reports.table import ReportTable
from gridvend.store.tenants import own_tenant_settings

report_routes = Blueprint(__name__)


def require_export(ctx: TenantContext, name: str) -> None:
    """Exporting needs reports:export, or report-exports:<name> for this one report."""
    if not (ctx.can("reports", "export") or ctx.can("report-exports", name)):
        raise Forbidden(f"you may not export the report '{name}'")


@route(report_routes, "/v1/reports", ["GET"])
def list_reports() -> dict[str, Any]:
    ctx = tenant_context(report_routes.current_request)
    ctx.require("reports", "view")
    return {
        "items": [
            *(rollup_described(d) for d in ROLLUP_REPORTS.values()),
            *(report.described() for report in LISTED_REPORTS.values()),
        ]
    }


def _table(ctx: TenantContext, name: str, params: dict[str, str]) -> tuple[ReportTable, str]:
    listed = LISTED_REPORTS.get(name)
    if listed is not None:
        if params.get("format", "json") != "json":
            require_export(ctx, name)
        store = tenant_store(ctx.tenant_id)
        return run_listed(listed, store, ctx, int(ctx.extra.get("decimals", 2)), params)
    definition = ROLLUP_REPORTS.get(name)
    if definition is None:
        raise NotFound(f"report '{name}' does not exist")
    report_query = parse_query(params, definition.default_group)
    if report_query.form != "json":
        require_export(ctx, name)
    store = tenant_store(ctx.tenant_id)
    decimals = int((own_tenant_settings(store, ctx.tenant_id) or {}).get("decimals", 2))
    return run_rollup_report(store, ctx, decimals, definition, report_query), report_query.form


@route(report_routes, "/v1/reports/{name}/exports", ["POST"])
def start_export(name: str) -> Response:
    """An export job: the report (same query string as GET, `format` csv, xlsx or pdf) as a file in the
    reports bucket, with a presigned download link."""
    ctx = tenant_context(report_routes.current_request)
    ctx.require("reports", "view")
    require_export(ctx, name)
    params = {"format": "csv", **query(report_routes.current_request)}
    if params["format"] == "json":
        raise InvalidInput.for_field("format", "one of csv, xlsx, pdf")
    table, form = _table(ctx, name, params)
    job = ExportJobs(tenant_store(ctx.tenant_id), ctx, _bucket()).run(table, form)
    return json_response(job, status_code=201)


@route(report_routes, "/v1/report-exports/{job_id}", ["GET"])
def show_export(job_id: str) -> dict[str, Any]:
    ctx = tenant_context(report_routes.current_request)
    ctx.require("reports", "view")
    return ExportJobs(tenant_store(ctx.tenant_id), ctx, _bucket()).get(job_id)


@functools.lru_cache(maxsize=1)
def _bucket() -> ExportBucket:
    return bucket_from_env()


@route(report_routes, "/v1/reports/{name}", ["GET"])
def show_report(name: str) -> dict[str, Any]:
    ctx = tenant_context(report_routes.current_request)
    ctx.require("reports", "view")
    table, form = _table(ctx, name, query(report_routes.current_request))
    if form == "json":
        return table.as_json()
    content = export(table, form)
    return {
        "report": name,
        "format": form,
        "content_type": CONTENT_TYPES[form],
        "filename": f"{name}.{form}",
        "base64": base64.b64encode(content).decode(),
    }
