"""`/v1/secure-modules`: register modules, load key files, move their credit (seed 000 §4.1 d)."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as
from functions.common.routing import route
from functions.vending.modules import ModuleService
from functions.vending.schemas import CreditTransfer, ModuleCreation

module_routes = Blueprint(__name__)


class KeyFileUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key_file: Annotated[str, StringConstraints(min_length=2, max_length=500_000)]


@route(module_routes, "/v1/secure-modules", ["GET"])
def list_modules() -> dict[str, Any]:
    ctx = tenant_context(module_routes.current_request)
    ctx.require("secure-modules", "view")
    modules = ModuleService(tenant_store(ctx.tenant_id), ctx).repository.all()
    return {"items": [module.public() for module in modules], "next_cursor": None}


@route(module_routes, "/v1/secure-modules", ["POST"])
def create_module() -> Response:
    ctx = tenant_context(module_routes.current_request)
    ctx.require("secure-modules", "create")
    request = body_as(module_routes.current_request, ModuleCreation)
    created = ModuleService(tenant_store(ctx.tenant_id), ctx).create(request)
    return json_response(created.public(), status_code=201)


@route(module_routes, "/v1/secure-modules/{module_id}", ["GET"])
def show_module(module_id: str) -> dict[str, Any]:
    ctx = tenant_context(module_routes.current_request)
    ctx.require("secure-modules", "view")
    return ModuleService(tenant_store(ctx.tenant_id), ctx).repository.require(module_id).public()


@route(module_routes, "/v1/secure-modules/{module_id}/key-file", ["POST"])
def load_key_file(module_id: str) -> dict[str, Any]:
    ctx = tenant_context(module_routes.current_request)
    ctx.require("secure-modules", "update")
    upload = body_as(module_routes.current_request, KeyFileUpload)
    return ModuleService(tenant_store(ctx.tenant_id), ctx).load_key_file(module_id, upload.key_file).public()


@route(module_routes, "/v1/secure-modules/{module_id}/credit", ["POST"])
def transfer_credit(module_id: str) -> dict[str, Any]:
    ctx = tenant_context(module_routes.current_request)
    ctx.require("secure-modules", "update")
    transfer = body_as(module_routes.current_request, CreditTransfer)
    return ModuleService(tenant_store(ctx.tenant_id), ctx).transfer_credit(module_id, transfer).public()
