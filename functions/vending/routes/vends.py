"""`/v1/vends`: sell (exactly once per Idempotency-Key), quote, look up, and print receipts."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from chalice import Blueprint, Response
from pydantic import TypeAdapter

from functions.commands.vend_delivery import REMOTE, check_remote_delivery, queue_vend_delivery
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.observability import add_metric, count_refusal
from functions.common.requests import body_as, meter_page, query
from functions.common.routing import route
from functions.vending.receipts import receipt_of
from functions.vending.schemas import IdempotencyKey, VendRequest
from functions.vending.service import TenantTerms, VendService, fingerprint
from gridvend.auth.context import TenantContext
from gridvend.errors import Conflict, InvalidInput
from gridvend.store.idempotency import ItemStorePersistenceLayer
from gridvend.store.vends import VendRepository
from gridvend.vending.receipt import receipt_text
from gridvend.vending.receipt_print import receipt_escpos, receipt_pdf

vend_routes = Blueprint(__name__)
IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600
_KEY_ADAPTER: TypeAdapter[str] = TypeAdapter(IdempotencyKey)


def tenant_terms(ctx: TenantContext) -> TenantTerms:
    """From the settings the context carries (read once, when the context was built)."""
    settings = ctx.extra
    warn = Decimal(str(settings.get("warn_amount", "0")))
    return TenantTerms(
        name=str(settings.get("name", ctx.tenant_id)),
        currency=str(settings.get("currency", "")),
        decimals=int(settings.get("decimals", 2)),
        timezone=str(settings.get("timezone", "UTC")),
        warn_amount=warn if warn > 0 else None,
    )


def _idempotency_key() -> str:
    headers = vend_routes.current_request.headers
    key = headers.get("idempotency-key") or ""
    try:
        return str(_KEY_ADAPTER.validate_python(key))
    except ValueError:
        raise InvalidInput.for_field(
            "Idempotency-Key", "a header of 8-100 letters, digits or _.:- is required (one per payment)"
        ) from None


@route(vend_routes, "/v1/vends", ["POST"])
def sell() -> Response:
    try:
        return _sell()
    except Exception as refusal:
        count_refusal("VendFailures", refusal)  # once per refused request, by the problem its caller gets
        raise


def _sell() -> Response:
    ctx = tenant_context(vend_routes.current_request)
    ctx.require("vending", "create")
    key = _idempotency_key()
    request = body_as(vend_routes.current_request, VendRequest)
    if request.deliver == REMOTE:
        check_remote_delivery(ctx, request.meter)
    store = tenant_store(ctx.tenant_id)
    service = VendService(store, ctx, tenant_terms(ctx))
    made_now: list[bool] = []

    def vend_once(claim: dict[str, str]) -> dict[str, Any]:
        receipt, fresh = service.vend(request, claim["key"])
        made_now.append(fresh)
        return receipt

    config = IdempotencyConfig(
        event_key_jmespath="[tenant, key]",
        payload_validation_jmespath="fingerprint",
        expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
    )
    lambda_context: Any = vend_routes.current_request.lambda_context
    if hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)
    guarded = idempotent_function(
        data_keyword_argument="claim",
        persistence_store=ItemStorePersistenceLayer(store, ctx.key_prefix),
        config=config,
    )(vend_once)
    claim = {"tenant": ctx.tenant_id, "key": key, "fingerprint": fingerprint(request)}
    try:
        receipt = guarded(claim=claim)
    except IdempotencyValidationError:
        raise Conflict("this idempotency key was used for a different vend request") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("a vend with this idempotency key is in progress; retry shortly") from None
    if not made_now:
        add_metric("VendReplays")  # the idempotency layer answered from its record: the service did not run
    replayed = not made_now or not made_now[0]
    if request.deliver == REMOTE:
        receipt = {**receipt, "delivery": queue_vend_delivery(ctx, receipt)}
    return json_response(receipt, status_code=201, headers={"Idempotent-Replayed": str(replayed).lower()})


@route(vend_routes, "/v1/vends/quote", ["POST"])
def quote() -> dict[str, Any]:
    """The breakdown a sale with this body would have, for the cashier to confirm; nothing is sold."""
    ctx = tenant_context(vend_routes.current_request)
    ctx.require("vending", "create")
    request = body_as(vend_routes.current_request, VendRequest)
    return VendService(tenant_store(ctx.tenant_id), ctx, tenant_terms(ctx)).quote(request)


@route(vend_routes, "/v1/vends", ["GET"])
def token_enquiry() -> dict[str, Any]:
    ctx = tenant_context(vend_routes.current_request)
    ctx.require("vending", "view")
    params = query(vend_routes.current_request)
    serial = params.get("meter")
    if not serial:
        raise InvalidInput.for_field("meter", "the meter serial to look up is required")
    return meter_page(params, ctx.key_prefix, VendRepository(tenant_store(ctx.tenant_id), ctx), serial)


@route(vend_routes, "/v1/vends/{bill_number}", ["GET"])
def show_vend(bill_number: str) -> dict[str, Any]:
    ctx = tenant_context(vend_routes.current_request)
    ctx.require("vending", "view")
    return VendRepository(tenant_store(ctx.tenant_id), ctx).require(bill_number)


@route(vend_routes, "/v1/vends/{bill_number}/receipt", ["GET"])
def print_receipt(bill_number: str) -> Response:
    """`?format=pdf` (default), `escpos` (base64 of the printer's bytes) or `text`."""
    ctx = tenant_context(vend_routes.current_request)
    ctx.require("vending", "view")
    store = tenant_store(ctx.tenant_id)
    stored = VendRepository(store, ctx).require(bill_number)
    receipt = receipt_of(stored, tenant_terms(ctx).name)
    form = query(vend_routes.current_request).get("format", "pdf")
    if form == "pdf":
        document = base64.b64encode(receipt_pdf(receipt)).decode()
        return json_response({"bill_number": bill_number, "content_type": "application/pdf", "base64": document})
    if form == "escpos":
        printed = base64.b64encode(receipt_escpos(receipt)).decode()
        return json_response({"bill_number": bill_number, "content_type": "application/vnd.escpos", "base64": printed})
    if form == "text":
        return json_response({"bill_number": bill_number, "text": receipt_text(receipt)})
    raise InvalidInput.for_field("format", "one of pdf, escpos, text")
