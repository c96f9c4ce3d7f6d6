"""`/v1/vends/{bill}/cancel` (token cancel with charge and refund), `/v1/vends/{bill}/correction` (error-tolerance
selling: undo a mistaken sale and sell it again right), and the cancellations of a day."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from functions.vending.cancellations import CancelService
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import VendRequest
from functions.vending.service import VendService
from gridvend.errors import InvalidInput
from gridvend.store.cancellations import CancellationRepository
from gridvend.store.vends import VendRepository
from gridvend.vending.cancellation import AlreadyCancelled, UndoKind

cancel_routes = Blueprint(__name__)
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason
    charge_item_id: Short | None = None
    worker: Short | None = None


class CorrectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason
    amount: Decimal | None = Field(default=None, gt=0, max_digits=14)
    energy: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=1)
    payment_term: Short = "CASH"
    paid: Decimal | None = Field(default=None, ge=0, max_digits=14)
    confirmed: bool = False


@route(cancel_routes, "/v1/vends/{bill_number}/cancel", ["POST"])
def cancel_vend(bill_number: str) -> Response:
    ctx = tenant_context(cancel_routes.current_request)
    ctx.require("vending", "cancel")
    request = body_as(cancel_routes.current_request, CancelRequest)
    store = tenant_store(ctx.tenant_id)
    service = CancelService(store, ctx, tenant_terms(ctx))
    record = service.undo(
        UndoKind.CANCEL,
        bill_number,
        reason=request.reason,
        charge_item_id=request.charge_item_id,
        worker=request.worker,
    )
    return json_response(record, status_code=201)


@route(cancel_routes, "/v1/vends/{bill_number}/correction", ["POST"])
def correct_vend(bill_number: str) -> Response:
    """Undo the sale (no charge, recorded as a correction), then sell the corrected amount to the same meter.
    Sending it again finishes a correction that stopped half way and returns the same result."""
    ctx = tenant_context(cancel_routes.current_request)
    ctx.require("vending", "cancel")
    ctx.require("vending", "create")
    request = body_as(cancel_routes.current_request, CorrectionRequest)
    store = tenant_store(ctx.tenant_id)
    terms = tenant_terms(ctx)
    original = VendRepository(store, ctx).require(bill_number)
    corrected = request.model_dump(exclude={"reason"}, exclude_none=True)
    vend_request = VendRequest(meter=original["meter"], **corrected)
    undone = CancellationRepository(store, ctx).get(bill_number)
    if undone is None:
        undone = CancelService(store, ctx, terms).undo(UndoKind.CORRECTION, bill_number, reason=request.reason)
    elif undone["kind"] != UndoKind.CORRECTION.value:
        raise AlreadyCancelled(f"vend '{bill_number}' was cancelled, not corrected")
    receipt, _ = VendService(store, ctx, terms).vend(vend_request, f"correction.{bill_number}")
    return json_response({"correction": undone, "vend": receipt}, status_code=201)


@route(cancel_routes, "/v1/vends/{bill_number}/cancellation", ["GET"])
def show_cancellation(bill_number: str) -> dict[str, Any]:
    ctx = tenant_context(cancel_routes.current_request)
    ctx.require("vending", "view")
    return CancellationRepository(tenant_store(ctx.tenant_id), ctx).require(bill_number)


@route(cancel_routes, "/v1/cancellations", ["GET"])
def cancellations_of_day() -> dict[str, Any]:
    """`?date=YYYY-MM-DD` (tenant-local): the cancellations and corrections made that day."""
    ctx = tenant_context(cancel_routes.current_request)
    ctx.require("vending", "view")
    params = query(cancel_routes.current_request)
    day = params.get("date", "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise InvalidInput.for_field("date", "a tenant-local date YYYY-MM-DD is required")
    undoings = CancellationRepository(tenant_store(ctx.tenant_id), ctx)
    start = decode_cursor(params, ctx.key_prefix, undoings.day_partition(day))
    items, next_key = undoings.of_day(day, limit=page_size(params), start_key=start)
    return {"items": items, "next_cursor": encode_cursor(next_key)}
