"""`/v1/vends/{bill_number}/deliveries`: send (or resend) a vend's token by SMS or e-mail; the attempts so far."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions.channels.delivery import deliver, token_sender
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as
from functions.common.routing import route
from gridvend.store.deliveries import DeliveryRepository
from gridvend.store.vends import VendRepository

delivery_routes = Blueprint(__name__)


class DeliveryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    channel: Literal["sms", "email"]
    to: (
        Annotated[
            str, StringConstraints(min_length=5, max_length=120, pattern=r"^(\+?[0-9]{7,15}|[^@\s]+@[^@\s]+\.[^@\s]+)$")
        ]
        | None
    ) = None


@route(delivery_routes, "/v1/vends/{bill_number}/deliveries", ["POST"])
def send_token(bill_number: str) -> Response:
    ctx = tenant_context(delivery_routes.current_request)
    ctx.require("deliveries", "create")
    body = body_as(delivery_routes.current_request, DeliveryRequest)
    attempt = deliver(tenant_store(ctx.tenant_id), ctx, bill_number, body.channel, body.to, token_sender())
    return json_response(attempt, status_code=201)


@route(delivery_routes, "/v1/vends/{bill_number}/deliveries", ["GET"])
def list_deliveries(bill_number: str) -> dict[str, Any]:
    ctx = tenant_context(delivery_routes.current_request)
    ctx.require("deliveries", "view")
    store = tenant_store(ctx.tenant_id)
    VendRepository(store, ctx).require(bill_number)
    return {"items": DeliveryRepository(store, ctx).of_vend(bill_number)}
