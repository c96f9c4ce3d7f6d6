"""`/v1/meters/{serial}/remainder-token`: a replaced meter's remainder as a token of its own for the new meter
(seed 000 §4.6), exactly once per Idempotency-Key, instead of riding on the meter's next sale."""

from __future__ import annotations

from chalice import Blueprint, Response
from pydantic import TypeAdapter

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.routing import route
from functions.vending.remainder import RemainderService
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import IdempotencyKey
from gridvend.errors import InvalidInput

remainder_routes = Blueprint(__name__)
_KEY_ADAPTER: TypeAdapter[str] = TypeAdapter(IdempotencyKey)


@route(remainder_routes, "/v1/meters/{serial}/remainder-token", ["POST"])
def issue_remainder_token(serial: str) -> Response:
    ctx = tenant_context(remainder_routes.current_request)
    ctx.require("vending", "create")
    try:
        key = str(_KEY_ADAPTER.validate_python(remainder_routes.current_request.headers.get("idempotency-key") or ""))
    except ValueError:
        raise InvalidInput.for_field("Idempotency-Key", "a header of 8-100 letters, digits or _.:-") from None
    service = RemainderService(tenant_store(ctx.tenant_id), ctx, tenant_terms(ctx))
    receipt, fresh = service.issue(serial, key)
    return json_response(receipt, status_code=201, headers={"Idempotent-Replayed": str(not fresh).lower()})
