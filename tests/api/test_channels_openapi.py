"""Every channel route is in the OpenAPI document, with the request models the routes parse and answer models
that the real answers fit."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from functions.channels import answers
from functions.channels import openapi as channel_openapi
from functions.channels.openapi import describe_channel_api
from functions.common.openapi import OpenApiBuilder
from functions.tenants.routes import openapi as openapi_route
from tests.api.conftest import Api
from tests.api.test_third_party_vendors import message, vendor_call, vendor_with_key
from tests.api.vending_setup import _master_key, install, open_shop

__all__ = ["_master_key"]

PREFIXES = (
    "/v1/agents",
    "/v1/vendor-api",
    "/v1/mobile-money",
    "/v1/self-service",
    "/v1/vends/{bill_number}/deliveries",
)


def test_the_document_describes_every_channel_route(api_app: Any) -> None:
    spec = OpenApiBuilder("test", "1")
    describe_channel_api(spec)
    document = spec.document()
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = {
        (path, method) for path, methods in api_app.routes.items() for method in methods if path.startswith(PREFIXES)
    }
    assert len(served) >= 29
    assert described == served
    for path, item in document["paths"].items():
        for method, operation in item.items():
            success = next(code for code in operation["responses"] if code.startswith("2"))
            assert "content" in operation["responses"][success], (method, path)


def test_the_served_document_names_real_request_and_answer_fields(api: Api) -> None:
    document = api.call("GET", "/v1/openapi.json").body
    schemas = document["components"]["schemas"]
    assert {"message_id", "meter", "amount"} <= set(schemas["VendorCreditVend"]["properties"])
    assert {"message_id", "original_message_id"} <= set(schemas["VendorReversal"]["properties"])
    assert {"transaction_id", "account_reference", "amount"} <= set(schemas["MobileMoneyCallback"]["properties"])
    assert {"tenant", "meter", "code"} <= set(schemas["CustomerLogin"]["properties"])
    assert {"cancel_bill_number", "zero_token"} <= set(schemas["VendorReversalAnswer"]["properties"])
    reversal = document["paths"]["/v1/vendor-api/reversals"]["post"]
    assert reversal["security"] == []
    assert reversal["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/VendorReversalAnswer"
    )
    assert "security" not in document["paths"]["/v1/agents"]["post"]


def test_real_answers_fit_their_documented_models(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32100000001")
    vendor_id = f"V{uuid.uuid4().hex[:6]}"
    key = vendor_with_key(api, shop, vendor_id)
    agent = api.call("GET", f"/v1/agents/{vendor_id}", headers=shop.headers).body
    answers.AgentShown.model_validate(agent)
    confirmed = vendor_call(api, key, "POST", "/confirm-meter", {"message_id": message(), "meter": "32100000001"})
    answers.MeterConfirmed.model_validate(confirmed.body)
    sale_id = message()
    sold = vendor_call(api, key, "POST", "/credit-vends", {"message_id": sale_id, "meter": "32100000001",
                                                          "amount": "10.00"})
    answers.VendorVendAnswer.model_validate(sold.body)
    answers.VendorMessage.model_validate(vendor_call(api, key, "GET", f"/messages/{sale_id}").body)
    reversed_ = vendor_call(api, key, "POST", "/reversals", {"message_id": message(), "original_message_id": sale_id})
    answers.VendorReversalAnswer.model_validate(reversed_.body)
    statement = api.call("GET", f"/v1/agents/{vendor_id}/statement", headers=shop.headers).body
    answers.Statement.model_validate(statement)
    answers.ApiKeyList.model_validate(api.call("GET", f"/v1/agents/{vendor_id}/api-keys", headers=shop.headers).body)


def test_channel_schema_names_take_no_other_api_s_names(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = OpenApiBuilder("test", "1")
    describe_channel_api(spec)
    channel_names = set(spec.document()["components"]["schemas"]) - {"Problem"}
    monkeypatch.setattr(channel_openapi, "describe_channel_api", lambda spec: None)  # the document imports it late
    openapi_route.build_document.cache_clear()
    try:
        other_names = set(openapi_route.build_document()["components"]["schemas"])
    finally:
        openapi_route.build_document.cache_clear()
    assert channel_names and not channel_names & other_names  # one name, one schema: none overwritten
