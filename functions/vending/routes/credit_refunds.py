"""`/v1/meters/{serial}/credit-refunds`: pay back a meter's carried credit in cash (seed 002 §3.3), and list
what was paid back."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, meter_page, query
from functions.common.routing import route
from functions.vending.credit_refunds import CreditRefundRequest, CreditRefundService
from functions.vending.routes.vends import tenant_terms
from gridvend.store.credit_refunds import CreditRefundRepository

credit_refund_routes = Blueprint(__name__)


@route(credit_refund_routes, "/v1/meters/{serial}/credit-refunds", ["POST"])
def refund_carried_credit(serial: str) -> Response:
    ctx = tenant_context(credit_refund_routes.current_request)
    ctx.require("vending", "refund")
    request = body_as(credit_refund_routes.current_request, CreditRefundRequest)
    service = CreditRefundService(tenant_store(ctx.tenant_id), ctx, tenant_terms(ctx))
    return json_response(service.refund(serial, request), status_code=201)


@route(credit_refund_routes, "/v1/meters/{serial}/credit-refunds", ["GET"])
def credit_refunds_of_meter(serial: str) -> dict[str, Any]:
    ctx = tenant_context(credit_refund_routes.current_request)
    ctx.require("vending", "view")
    params = query(credit_refund_routes.current_request)
    return meter_page(params, ctx.key_prefix, CreditRefundRepository(tenant_store(ctx.tenant_id), ctx), serial)
