"""`POST /v1/billing-exports` {"template_id", "from": "YYYY-MM", "to": "YYYY-MM"}: the electricity usage export
with the columns of a billing report template (templates are the archive kind `billing-templates`), as an
export job; its progress and download link at `/v1/report-exports/{job_id}`."""

from __future__ import annotations

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import json_object
from functions.common.routing import route
from functions.reports.billing_export import run_billing_export
from functions.reports.routes import reports as report_module

billing_routes = Blueprint(__name__)


@route(billing_routes, "/v1/billing-exports", ["POST"])
def start_billing_export() -> Response:
    ctx = tenant_context(billing_routes.current_request)
    ctx.require("reports", "export")
    body = json_object(billing_routes.current_request)
    job = run_billing_export(tenant_store(ctx.tenant_id), ctx, report_module._bucket(), body)
    return json_response(job, status_code=201)
