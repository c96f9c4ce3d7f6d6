"""`/v1/bulk-vends`: sell to many meters from a file (202 and a job; rows and progress at `/v1/vend-jobs/{id}`)."""

from __future__ import annotations

from typing import Annotated

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as
from functions.common.routing import route
from functions.vending.bulk import BULK_VEND_JOB, row_seller, rows_of_file
from functions.vending.jobs import VendJobRepository, start_job
from functions.vending.routes.vends import tenant_terms
from functions.vending.service import VendService

bulk_routes = Blueprint(__name__)


class BulkVendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: Annotated[str, StringConstraints(min_length=1, max_length=200_000)]
    file_name: Annotated[str, StringConstraints(max_length=200)] = ""
    payment_term: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] = "CASH"


@route(bulk_routes, "/v1/bulk-vends", ["POST"])
def start_bulk_vend() -> Response:
    ctx = tenant_context(bulk_routes.current_request)
    ctx.require("vending", "create")
    request = body_as(bulk_routes.current_request, BulkVendRequest)
    rows = rows_of_file(request.file, request.payment_term)
    store = tenant_store(ctx.tenant_id)
    jobs = VendJobRepository(store, ctx)
    job = jobs.create(BULK_VEND_JOB, rows, {"file_name": request.file_name, "payment_term": request.payment_term})
    service = VendService(store, ctx, tenant_terms(ctx))
    start_job(store, ctx, job, row_seller(service, job.job_id, request.payment_term))
    accepted = jobs.require(job.job_id).public()
    return json_response(accepted, status_code=202, headers={"Location": f"/v1/vend-jobs/{job.job_id}"})
