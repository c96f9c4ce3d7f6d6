"""`GET /v1/openapi.json`: the API described from the models its routes parse (public)."""

from __future__ import annotations

import functools
from typing import Any

from chalice import Blueprint

from functions.common.routing import route

openapi_routes = Blueprint(__name__)


@functools.lru_cache(maxsize=1)
def build_document() -> dict[str, Any]:
    # Every package's models, loaded for the first request of the document only: the sign-in function's cold
    # start does not pay for the whole API's imports.
    from functions.archives.customers_openapi import describe_customer_api
    from functions.archives.operators_service import NewOperator, OperatorFields, PasswordReset
    from functions.channels.openapi import describe_channel_api
    from functions.commands.openapi import describe_ami_api
    from functions.common.openapi import OpenApiBuilder
    from functions.reports.openapi import describe_report_api
    from functions.tenants.service import LoginRequest, PasswordChange
    from functions.vending.openapi import describe_meter_api, describe_vending_api
    from gridvend.archives.kinds import ARCHIVE_KINDS
    from tenants.onboarding import NewTenant

    spec = OpenApiBuilder("Gridvend API", "1")
    spec.operation("POST", "/v1/auth/login", "Log in; returns a bearer token", body=LoginRequest, public=True)
    spec.operation("POST", "/v1/auth/password", "Change your password", body=PasswordChange, success=204)
    spec.operation("GET", "/v1/me", "Who am I: tenant, roles, permissions, tenant settings")
    spec.operation("POST", "/v1/platform/tenants", "Create a tenant and its first admin", body=NewTenant, success=201)
    spec.operation("GET", "/v1/platform/tenants", "List tenants")
    for action in ("suspend", "resume"):
        spec.operation(
            "POST",
            f"/v1/platform/tenants/{{tenant_id}}/{action}",
            f"{action.title()} a tenant",
            parameters=["tenant_id"],
        )
    for kind in ARCHIVE_KINDS.values():
        collection = f"/v1/archives/{kind.name}"
        schema_name = kind.schema.__name__
        spec.operation("GET", collection, f"List {kind.name} (q, match=fuzzy|prefix|exact, parent, limit, cursor)")
        spec.operation(
            "POST", collection, f"Create one of {kind.name}", body=kind.schema, body_name=schema_name, success=201
        )
        record = f"{collection}/{{id}}"
        spec.operation("GET", record, f"Show one of {kind.name}", parameters=["id"])
        spec.operation("PATCH", record, f"Change fields of one of {kind.name} (optional version)", parameters=["id"])
        spec.operation("DELETE", record, f"Delete one of {kind.name} unless in use", success=204, parameters=["id"])
    spec.operation("GET", "/v1/operators", "List operators")
    spec.operation("POST", "/v1/operators", "Create an operator", body=NewOperator, success=201)
    spec.operation(
        "PATCH", "/v1/operators/{username}", "Change an operator", body=OperatorFields, parameters=["username"]
    )
    spec.operation(
        "POST",
        "/v1/operators/{username}/password",
        "Reset an operator's password",
        body=PasswordReset,
        success=204,
        parameters=["username"],
    )
    spec.operation("GET", "/v1/audit", "Audit trail of a month (month=YYYY-MM, entity, entity_id)")
    spec.operation("GET", "/v1/login-log", "Login attempts of a month (month=YYYY-MM)")
    describe_customer_api(spec)
    describe_meter_api(spec)
    describe_vending_api(spec)
    describe_ami_api(spec)
    describe_channel_api(spec)
    describe_report_api(spec)
    return spec.document()


@route(openapi_routes, "/v1/openapi.json", ["GET"], public=True)
def openapi_document() -> dict[str, Any]:
    return build_document()
