"""Every customer-side route is described, with request schemas that name the real fields."""

from __future__ import annotations

from typing import Any

from functions.archives.customers_openapi import describe_customer_api
from functions.common.openapi import OpenApiBuilder

PREFIXES = ("/v1/register-bills", "/v1/customers", "/v1/contracts", "/v1/points-of-collection", "/v1/work-orders",
            "/v1/cards")


def test_the_document_covers_every_customer_route(api_app: Any) -> None:
    spec = OpenApiBuilder("test", "1")
    describe_customer_api(spec)
    document = spec.document()
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = {
        (path, method)
        for path, methods in api_app.routes.items()
        for method in methods
        if path.startswith(PREFIXES)
    }
    assert described == served
    schemas = document["components"]["schemas"]
    assert {"customer", "contracts", "payment"} <= set(schemas["RegistrationRequest"]["properties"])
    assert {"reason_id", "new_serial", "remainder"} <= set(schemas["ReplacementRequest"]["properties"])
