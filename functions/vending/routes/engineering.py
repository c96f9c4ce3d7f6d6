"""`/v1/engineering-tokens`: management, free credit and test tokens for one meter (201 and the record) or for
many (a list, a file of serials or a serial range: 202 and a job); `/v1/vend-jobs/{id}`: a job's progress and rows."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import Field, StringConstraints, model_validator

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, meter_page, page_size, query
from functions.common.routing import route
from functions.vending.engineering import EngineeringService
from functions.vending.jobs import MAX_ROWS, VendJobRepository, start_job
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import Serial
from gridvend.errors import InvalidInput
from gridvend.store.engineering import EngineeringTokenRepository
from gridvend.vending.engineering import EngineeringKind, EngineeringOrder

engineering_routes = Blueprint(__name__)
ENGINEERING_JOB = "engineering"
JOB_VIEW_PERMISSION = {ENGINEERING_JOB: ("engineering-tokens", "view"), "bulk-vend": ("vending", "view")}
NumericSerial = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,20}$")]


class EngineeringRequest(EngineeringOrder):
    meter: Serial | None = None
    meters: Annotated[list[Serial], Field(max_length=MAX_ROWS)] | None = None
    meters_file: Annotated[str, StringConstraints(max_length=200_000)] | None = None
    range_from: NumericSerial | None = None
    range_to: NumericSerial | None = None

    @model_validator(mode="after")
    def _one_target(self) -> EngineeringRequest:
        given = [
            self.meter is not None,
            self.meters is not None,
            self.meters_file is not None,
            self.range_from is not None or self.range_to is not None,
        ]
        if sum(given) > 1:
            raise ValueError("give one of meter, meters, meters_file or range_from/range_to")
        if sum(given) == 0 and self.kind is not EngineeringKind.TEST:
            raise ValueError("name the meter (meter), meters (meters, meters_file) or a serial range")
        return self

    def order(self) -> EngineeringOrder:
        return EngineeringOrder(**self.model_dump(include=set(EngineeringOrder.model_fields)))

    def serials(self) -> list[str] | None:
        """The meters of a job, in order without repeats; None for one meter (or none)."""
        if self.meters is not None:
            found = self.meters
        elif self.meters_file is not None:
            found = _serials_of_file(self.meters_file)
        elif self.range_from is not None or self.range_to is not None:
            found = _serial_range(self.range_from, self.range_to)
        else:
            return None
        return list(dict.fromkeys(found))


def _serials_of_file(text: str) -> list[str]:
    serials = []
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = row[0].strip() if row else ""
        if not cell or (line_number == 1 and cell.lower() in ("meter", "serial")):
            continue
        if not cell.replace("-", "").isalnum() or len(cell) > 32:
            raise InvalidInput.for_field("meters_file", f"line {line_number}: '{cell[:40]}' is not a meter serial")
        serials.append(cell)
    return serials


def _serial_range(low: str | None, high: str | None) -> list[str]:
    if low is None or high is None:
        raise InvalidInput.for_field("range_to", "a range needs both range_from and range_to")
    if len(low) != len(high) or int(high) < int(low) or int(high) - int(low) >= MAX_ROWS:
        raise InvalidInput.for_field("range_to", f"serials of one width, from <= to, at most {MAX_ROWS} of them")
    return [f"{number:0{len(low)}d}" for number in range(int(low), int(high) + 1)]


@route(engineering_routes, "/v1/engineering-tokens", ["POST"])
def issue_engineering_tokens() -> Response:
    ctx = tenant_context(engineering_routes.current_request)
    request = body_as(engineering_routes.current_request, EngineeringRequest)
    ctx.require("engineering-tokens", request.kind.permission)
    store = tenant_store(ctx.tenant_id)
    service = EngineeringService(store, ctx, tenant_terms(ctx))
    order = request.order()
    serials = request.serials()
    if serials is None:
        return json_response(service.issue(order, request.meter), status_code=201)
    jobs = VendJobRepository(store, ctx)
    job = jobs.create(ENGINEERING_JOB, [{"meter": serial} for serial in serials], order.model_dump(mode="json"))

    def one_meter(row: dict[str, Any]) -> dict[str, Any]:
        record = service.issue(order, row["meter"], job_id=job.job_id)
        return {"meter": row["meter"], "id": record["id"], "tokens": record["tokens"], "tid": record["tid"]}

    start_job(store, ctx, job, one_meter)
    accepted = jobs.require(job.job_id).public()
    return json_response(accepted, status_code=202, headers={"Location": f"/v1/vend-jobs/{job.job_id}"})


@route(engineering_routes, "/v1/engineering-tokens", ["GET"])
def engineering_tokens_of_meter() -> dict[str, Any]:
    ctx = tenant_context(engineering_routes.current_request)
    ctx.require("engineering-tokens", "view")
    params = query(engineering_routes.current_request)
    serial = params.get("meter")
    if not serial:
        raise InvalidInput.for_field("meter", "the meter serial to look up is required")
    return meter_page(params, ctx.key_prefix, EngineeringTokenRepository(tenant_store(ctx.tenant_id), ctx), serial)


@route(engineering_routes, "/v1/engineering-tokens/{token_id}", ["GET"])
def show_engineering_token(token_id: str) -> dict[str, Any]:
    ctx = tenant_context(engineering_routes.current_request)
    ctx.require("engineering-tokens", "view")
    return EngineeringTokenRepository(tenant_store(ctx.tenant_id), ctx).require(token_id)


@route(engineering_routes, "/v1/vend-jobs/{job_id}", ["GET"])
def show_job(job_id: str) -> dict[str, Any]:
    ctx = tenant_context(engineering_routes.current_request)
    job = VendJobRepository(tenant_store(ctx.tenant_id), ctx).require(job_id)
    ctx.require(*JOB_VIEW_PERMISSION[job.kind])
    return job.public()


@route(engineering_routes, "/v1/vend-jobs/{job_id}/rows", ["GET"])
def job_rows(job_id: str) -> dict[str, Any]:
    """Each row's result in file order: the receipt or token summary, or the refusal's title and detail."""
    ctx = tenant_context(engineering_routes.current_request)
    jobs = VendJobRepository(tenant_store(ctx.tenant_id), ctx)
    job = jobs.require(job_id)
    ctx.require(*JOB_VIEW_PERMISSION[job.kind])
    params = query(engineering_routes.current_request)
    start = decode_cursor(params, ctx.key_prefix, jobs.rows_partition(job_id))
    items, next_key = jobs.results(job_id, limit=page_size(params), start_key=start)
    return {"items": items, "next_cursor": encode_cursor(next_key)}
