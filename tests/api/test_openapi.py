"""The OpenAPI document is public and generated from the models (so it names real fields)."""

from __future__ import annotations

from tests.api.conftest import Api


def test_openapi_document_describes_routes_from_the_models(api: Api) -> None:
    reply = api.call("GET", "/v1/openapi.json")
    assert reply.status == 200
    document = reply.body
    assert document["openapi"].startswith("3.")
    login = document["paths"]["/v1/auth/login"]["post"]
    assert login["security"] == []
    schemas = document["components"]["schemas"]
    assert set(schemas["LoginRequest"]["properties"]) == {"tenant", "username", "password"}
    assert "branch_id" in schemas["SalesPointInput"]["properties"]
    assert "/v1/archives/sales-points" in document["paths"]
    assert set(schemas["NewTenant"]["required"]) >= {"id", "name", "currency", "decimals", "timezone", "admin"}


def test_openapi_document_covers_meters_and_vending(api: Api) -> None:
    document = api.call("GET", "/v1/openapi.json").body
    schemas = document["components"]["schemas"]
    assert {"meter", "amount", "energy", "payment_term", "paid"} <= set(schemas["VendRequest"]["properties"])
    assert "serial" in schemas["NewMeter"]["properties"]
    assert {"StockOutRequest", "SimInput", "ConcentratorInput"} <= set(schemas)
    assert "/v1/vends" in document["paths"] and "/v1/meters" in document["paths"]
