"""`/v1/vendor-api`: the third-party vending interface for banks, retailers and aggregators. Public to the
gateway (no bearer token): each request authenticates with its vendor's API key (`X-Api-Key`)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.channels import vendor_service
from functions.channels.schemas import VendorConfirm, VendorCreditVend, VendorReversal
from functions.channels.vendor_auth import vendor_caller
from functions.common.app_factory import json_response
from functions.common.requests import body_as
from functions.common.routing import route

vendor_api_routes = Blueprint(__name__)


@route(vendor_api_routes, "/v1/vendor-api/confirm-meter", ["POST"], public=True)
def confirm_meter() -> dict[str, Any]:
    caller = vendor_caller(vendor_api_routes.current_request)
    return vendor_service.confirm_meter(caller, body_as(vendor_api_routes.current_request, VendorConfirm))


@route(vendor_api_routes, "/v1/vendor-api/credit-vends", ["POST"], public=True)
def credit_vend() -> Response:
    caller = vendor_caller(vendor_api_routes.current_request)
    answer, fresh = vendor_service.credit_vend(caller, body_as(vendor_api_routes.current_request, VendorCreditVend))
    return json_response(answer, status_code=201, headers={"Idempotent-Replayed": str(not fresh).lower()})


@route(vendor_api_routes, "/v1/vendor-api/messages/{message_id}", ["GET"], public=True)
def last_answer(message_id: str) -> dict[str, Any]:
    """The answer given to a message id (a reprint after a timeout)."""
    caller = vendor_caller(vendor_api_routes.current_request)
    return vendor_service.last_answer(caller, message_id)


@route(vendor_api_routes, "/v1/vendor-api/reversals", ["POST"], public=True)
def reversal() -> dict[str, Any]:
    caller = vendor_caller(vendor_api_routes.current_request)
    return vendor_service.reverse(caller, body_as(vendor_api_routes.current_request, VendorReversal))
