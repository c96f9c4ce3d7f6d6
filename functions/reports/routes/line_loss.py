"""`/v1/line-loss` (table, as JSON or a CSV/XLSX/PDF file), `/v1/line-loss/tree` (the topology with its loss)
and `/v1/energy-statistics`: one topology (`?topology=<id>`) over `month=YYYY-MM`, `season=YYYY-Qn` or
`year=YYYY`; `level=line,transformer` keeps only those nodes; `energy=forward|reverse|combined` for the loss."""

from __future__ import annotations

import base64
from typing import Any

from chalice import Blueprint

from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import query
from functions.common.routing import route
from functions.reports.exports import CONTENT_TYPES, export
from functions.reports.line_loss import energy_table, loss_table, loss_tree, parse_loss_query
from gridvend.errors import Forbidden
from gridvend.reports.table import ReportTable

line_loss_routes = Blueprint(__name__)


def _answer(table: ReportTable, form: str, can_export: bool) -> dict[str, Any]:
    if form == "json":
        return table.as_json()
    if not can_export:
        raise Forbidden(f"you may not export the report '{table.name}'")
    return {
        "report": table.name,
        "format": form,
        "content_type": CONTENT_TYPES[form],
        "filename": f"{table.name}.{form}",
        "base64": base64.b64encode(export(table, form)).decode(),
    }


@route(line_loss_routes, "/v1/line-loss", ["GET"])
def show_line_loss() -> dict[str, Any]:
    ctx = tenant_context(line_loss_routes.current_request)
    ctx.require("reports", "view")
    loss_query = parse_loss_query(query(line_loss_routes.current_request))
    table = loss_table(tenant_store(ctx.tenant_id), ctx, loss_query)
    return _answer(table, loss_query.form, ctx.can("reports", "export"))


@route(line_loss_routes, "/v1/line-loss/tree", ["GET"])
def show_line_loss_tree() -> dict[str, Any]:
    ctx = tenant_context(line_loss_routes.current_request)
    ctx.require("reports", "view")
    loss_query = parse_loss_query(query(line_loss_routes.current_request))
    return loss_tree(tenant_store(ctx.tenant_id), ctx, loss_query)


@route(line_loss_routes, "/v1/energy-statistics", ["GET"])
def show_energy_statistics() -> dict[str, Any]:
    ctx = tenant_context(line_loss_routes.current_request)
    ctx.require("reports", "view")
    loss_query = parse_loss_query(query(line_loss_routes.current_request))
    table = energy_table(tenant_store(ctx.tenant_id), ctx, loss_query)
    return _answer(table, loss_query.form, ctx.can("reports", "export"))
