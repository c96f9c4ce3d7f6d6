"""`/v1/vends/{bill}/print`: the vend's voucher on the printer of the office whose bridge agent sold it."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.routing import route
from functions.vending.office_vouchers import print_at_office
from functions.vending.routes.vends import tenant_terms
from gridvend.store.secure_modules import SecureModuleRepository
from gridvend.store.vends import VendRepository

office_print_routes = Blueprint(__name__)


@route(office_print_routes, "/v1/vends/{bill_number}/print", ["POST"])
def print_voucher(bill_number: str) -> dict[str, Any]:
    ctx = tenant_context(office_print_routes.current_request)
    ctx.require("vending", "view")
    store = tenant_store(ctx.tenant_id)
    stored = VendRepository(store, ctx).require(bill_number)
    return print_at_office(SecureModuleRepository(store, ctx), ctx.tenant_id, stored, tenant_terms(ctx).name)
