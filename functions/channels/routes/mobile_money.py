"""`/v1/mobile-money`: providers (callback secret shown once, kept sealed), the providers' signed payment callbacks
(public to the gateway; the signature authenticates), payments with their status, and the operator's refund or
re-vend of an open payment."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions.channels.mobile_money import callback_path, new_provider_secret, receive_callback, vend_payment
from functions.channels.schemas import Identifier, Name
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from functions.vending.schemas import Serial
from gridvend.clock import utc_now
from gridvend.errors import InvalidInput, Unprocessable
from gridvend.store.guarded import commit
from gridvend.store.mobile_money import PAYMENT_STATUSES, MobileMoneyRepository, public_provider

mobile_money_routes = Blueprint(__name__)


class ProviderCreation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: Identifier
    name: Name
    sales_point: Identifier | None = None
    sms_tokens: bool = False  # also send the token by SMS to the paying phone


class Refund(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Revend(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    meter: Serial | None = None


@route(mobile_money_routes, "/v1/mobile-money/providers", ["POST"])
def create_provider() -> Response:
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "update")
    body = body_as(mobile_money_routes.current_request, ProviderCreation)
    issued = new_provider_secret(ctx.tenant_id, body.model_dump() | {"status": "active"})
    MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx).save_provider(issued.record, new=True)
    shown = public_provider(issued.record) | {
        "secret": issued.secret_hex,
        "callback_path": callback_path(ctx.tenant_id, body.id),
    }
    return json_response(shown, status_code=201)


@route(mobile_money_routes, "/v1/mobile-money/providers", ["GET"])
def list_providers() -> dict[str, Any]:
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "view")
    providers = MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx).providers()
    return {"items": [public_provider(record) for record in providers]}


@route(mobile_money_routes, "/v1/mobile-money/providers/{provider_id}/secret", ["POST"])
def rotate_secret(provider_id: str) -> dict[str, Any]:
    """A new callback secret (the old one stops working at once), shown in this answer only."""
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "update")
    payments = MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx)
    issued = new_provider_secret(ctx.tenant_id, payments.require_provider(provider_id))
    payments.save_provider(issued.record, new=False)
    return public_provider(issued.record) | {"secret": issued.secret_hex}


@route(mobile_money_routes, "/v1/mobile-money/callbacks/{tenant_id}/{provider_id}", ["POST"], public=True)
def provider_callback(tenant_id: str, provider_id: str) -> dict[str, Any]:
    """Signed with the provider's secret: `X-Timestamp` (unix seconds), `X-Signature` (hex HMAC-SHA256 of
    `<timestamp>.<body>`). The tenant named in the path counts only once the signature matches."""
    request = mobile_money_routes.current_request
    headers = {name.lower(): str(value) for name, value in (request.headers or {}).items()}
    raw = request.raw_body or b""
    body = raw.encode() if isinstance(raw, str) else raw
    return receive_callback(tenant_store(tenant_id), tenant_id, provider_id, body, headers)


@route(mobile_money_routes, "/v1/mobile-money/payments", ["GET"])
def list_payments() -> dict[str, Any]:
    """`?status=open` (default), received, vended or refunded; oldest first."""
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "view")
    params = query(mobile_money_routes.current_request)
    status = params.get("status", "open")
    if status not in PAYMENT_STATUSES:
        raise InvalidInput.for_field("status", f"one of {', '.join(PAYMENT_STATUSES)}")
    payments = MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx)
    start = decode_cursor(params, ctx.key_prefix, payments.status_partition(status))
    items, next_key = payments.by_status(status, limit=page_size(params), start_key=start)
    return {"items": items, "next_cursor": encode_cursor(next_key)}


@route(mobile_money_routes, "/v1/mobile-money/payments/{provider_id}/{transaction_id}", ["GET"])
def show_payment(provider_id: str, transaction_id: str) -> dict[str, Any]:
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "view")
    return MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx).require_payment(provider_id, transaction_id)


@route(mobile_money_routes, "/v1/mobile-money/payments/{provider_id}/{transaction_id}/refund", ["POST"])
def refund_payment(provider_id: str, transaction_id: str) -> dict[str, Any]:
    """Records that an open payment is paid back to the customer (at the provider); it can no longer be sold."""
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "refund")
    body = body_as(mobile_money_routes.current_request, Refund)
    payments = MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx)
    payment = payments.require_payment(provider_id, transaction_id)
    if payment["status"] != "open":
        raise Unprocessable(f"only an open payment can be refunded; this one is {payment['status']}")
    before = {name: value for name, value in payment.items() if name != "version"}
    after = before | {"status": "refunded", "reason": body.reason, "refunded_by": ctx.username}
    commit(
        payments.store, [payments.payment_put(after, int(payment["version"])), payments.audit("refund", before, after)]
    )
    return payments.require_payment(provider_id, transaction_id)


@route(mobile_money_routes, "/v1/mobile-money/payments/{provider_id}/{transaction_id}/revend", ["POST"])
def revend_payment(provider_id: str, transaction_id: str) -> dict[str, Any]:
    """Sells an open payment again (to the same meter, or to the meter the operator names)."""
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "revend")
    body = body_as(mobile_money_routes.current_request, Revend)
    store = tenant_store(ctx.tenant_id)
    payment = MobileMoneyRepository(store, ctx).require_payment(provider_id, transaction_id)
    if payment["status"] != "open":
        raise Unprocessable(f"only an open payment can be sold again; this one is {payment['status']}")
    return vend_payment(store, ctx, payment, body.meter or payment["meter"])


@route(mobile_money_routes, "/v1/mobile-money/refused-callbacks", ["GET"])
def refused_callbacks() -> dict[str, Any]:
    """`?month=YYYY-MM` (default: this month), newest first."""
    ctx = tenant_context(mobile_money_routes.current_request)
    ctx.require("mobile-money", "view")
    params = query(mobile_money_routes.current_request)
    month = params.get("month") or f"{utc_now():%Y-%m}"
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise InvalidInput.for_field("month", "YYYY-MM")
    return {"items": MobileMoneyRepository(tenant_store(ctx.tenant_id), ctx).refused(month, page_size(params))}
