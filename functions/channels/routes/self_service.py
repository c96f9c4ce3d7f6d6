"""`/v1/self-service`: the tenant issues a login code for a meter; the customer logs in with serial + code (public)
and, with the session in `X-Customer-Session`, sees purchases, consumption and a balance estimate, and buys."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.channels import self_service
from functions.channels.schemas import Identifier
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as
from functions.common.routing import route
from functions.vending.schemas import Serial

self_service_routes = Blueprint(__name__)


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    meter: Serial


class CustomerLogin(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    tenant: Annotated[str, StringConstraints(min_length=3, max_length=32)]
    meter: Serial
    code: Annotated[str, StringConstraints(min_length=4, max_length=32)]


class PurchaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    provider: Identifier
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


def _headers() -> dict[str, str]:
    raw: Any = self_service_routes.current_request.headers or {}
    return {str(name).lower(): str(value) for name, value in raw.items()}


@route(self_service_routes, "/v1/self-service/codes", ["POST"])
def issue_code() -> Response:
    """A new login code for the meter's customer (shown once; the earlier code stops working)."""
    ctx = tenant_context(self_service_routes.current_request)
    ctx.require("self-service", "create")
    body = body_as(self_service_routes.current_request, CodeRequest)
    return json_response(self_service.issue_code(tenant_store(ctx.tenant_id), ctx, body.meter), status_code=201)


@route(self_service_routes, "/v1/self-service/login", ["POST"], public=True)
def customer_login() -> dict[str, Any]:
    body = body_as(self_service_routes.current_request, CustomerLogin)
    return self_service.login(tenant_store(body.tenant), body.tenant, body.meter, body.code)


@route(self_service_routes, "/v1/self-service/me", ["GET"], public=True)
def my_meter() -> dict[str, Any]:
    session = self_service.session_of(_headers())
    return self_service.overview(tenant_store(session.tenant_id), session)


@route(self_service_routes, "/v1/self-service/purchases", ["POST"], public=True)
def start_purchase() -> Response:
    session = self_service.session_of(_headers())
    body = body_as(self_service_routes.current_request, PurchaseRequest)
    intent = self_service.purchase_intent(tenant_store(session.tenant_id), session, body.provider, body.amount)
    return json_response(intent, status_code=201)
